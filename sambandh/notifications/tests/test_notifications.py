"""Notifications: told by the worker when a record is assigned or shared, by the scheduled jobs
when a task falls due or deals have no next step; read through the API and the page, with the
names of only the records the reader may still see."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from sambandh.accounts.services_access import record_share_add
from sambandh.contacts import services as contacts
from sambandh.contacts.schemas import PersonIn
from sambandh.events.jobs import JobContext
from sambandh.events.models import Event
from sambandh.events.worker import run_worker
from sambandh.notifications import handlers, jobs
from sambandh.notifications.models import Notification
from tests.factories import make_activity, make_deal, make_person

pytestmark = pytest.mark.django_db


def texts(user):
    return [n.kind for n in Notification.objects.filter(user=user).order_by("id")]


def test_a_record_assigned_to_someone_else_tells_them_once(manager, owner, teammate):
    # when a manager creates a person for the owner, and the owner creates one for themselves
    contacts.person_create(
        actor=manager, data=PersonIn.build({"full_name": "Asha Rao", "owner_id": owner.pk})
    )
    own = contacts.person_create(actor=owner, data=PersonIn.build({"full_name": "Ravi"}))
    run_worker(until_idle=True)
    # then the owner is told about the first only
    assert texts(owner) == ["assigned"]
    # and handing their own person to a teammate tells the teammate
    contacts.person_update(
        actor=owner, person=own, data=PersonIn.build({"owner_id": teammate.pk}), version=1
    )
    contacts.person_update(
        actor=owner, person=own, data=PersonIn.build({"job_title": "CTO"}), version=None
    )
    run_worker(until_idle=True)
    assert texts(teammate) == ["assigned"]
    assert texts(manager) == []


def test_a_handler_that_runs_again_tells_nobody_twice(manager, owner):
    contacts.person_create(
        actor=manager, data=PersonIn.build({"full_name": "Asha Rao", "owner_id": owner.pk})
    )
    event = Event.objects.get(type="person.assigned")
    handlers.on_assigned(event)
    handlers.on_assigned(event)
    run_worker(until_idle=True)
    assert Notification.objects.filter(user=owner).count() == 1


def test_a_share_tells_the_user_or_every_member_of_the_team(
    owner, teammate, manager, outsider, other_team
):
    person = make_person(owner, full_name="Asha Rao")
    record_share_add(actor=owner, record_type="person", record=person, user=outsider, access="read")
    record_share_add(actor=owner, record_type="person", record=person, team=other_team)
    run_worker(until_idle=True)
    # the outsider (shared with directly, and a member of the other team) is told of each share
    assert texts(outsider) == ["shared", "shared"]
    assert texts(owner) == []


def test_the_text_names_a_record_only_while_the_reader_may_see_it(api, manager, owner, outsider):
    person = contacts.person_create(
        actor=manager, data=PersonIn.build({"full_name": "Asha Rao", "owner_id": owner.pk})
    )
    run_worker(until_idle=True)
    item = api(owner).get("/api/v1/notifications").json()["items"][0]
    assert item["text"] == "Meera Manager assigned Asha Rao to you"
    assert item["record"] == {"type": "person", "id": person.pk, "name": "Asha Rao"}
    assert item["url"] == f"/people/{person.pk}/"
    # when the person is handed to someone in another team, the owner no longer sees it
    contacts.person_update(
        actor=manager, person=person, data=PersonIn.build({"owner_id": outsider.pk}), version=None
    )
    item = api(owner).get("/api/v1/notifications").json()["items"][0]
    assert "Asha Rao" not in item["text"]
    assert (item["record"], item["url"]) == (None, "")


def test_the_api_lists_reads_and_refuses_what_is_not_the_callers(api, manager, owner, teammate):
    for name in ("Asha", "Bela"):
        contacts.person_create(
            actor=manager, data=PersonIn.build({"full_name": name, "owner_id": owner.pk})
        )
    run_worker(until_idle=True)
    client = api(owner)
    items = client.get("/api/v1/notifications?unread=true").json()["items"]
    assert [i["read"] for i in items] == [False, False]
    # one read
    read = client.post(f"/api/v1/notifications/{items[0]['id']}/read")
    assert read.status_code == 200 and read.json()["read"] is True
    assert len(client.get("/api/v1/notifications?unread=true").json()["items"]) == 1
    # someone else's is not found, and changes nothing
    assert api(teammate).post(f"/api/v1/notifications/{items[1]['id']}/read").status_code == 404
    assert Notification.objects.get(pk=items[1]["id"]).read_at is None
    # an unknown parameter is refused
    assert client.get("/api/v1/notifications?nope=1").status_code == 422
    # all read
    assert client.post("/api/v1/notifications/read-all").json() == {"updated": 1}
    assert client.get("/api/v1/notifications?unread=true").json()["items"] == []
    assert api(teammate).get("/api/v1/notifications").json()["items"] == []


def test_a_task_falling_due_reminds_its_assignee_once(owner, teammate):
    slot = timezone.now().replace(second=0, microsecond=0) + datetime.timedelta(minutes=5)
    due = make_activity(
        owner,
        "task",
        subject="Call back",
        due_at=(slot - datetime.timedelta(seconds=20)).isoformat(),
        assignee=teammate,
    )
    make_activity(
        owner,
        "task",
        subject="Later",
        due_at=(slot + datetime.timedelta(minutes=3)).isoformat(),
        assignee=teammate,
    )
    context = JobContext(slot=slot, now=slot)
    # when the slot's job runs, and runs again
    jobs.task_reminders(context)
    jobs.task_reminders(context)
    # then the teammate is told once, of the task that fell due in the slot
    told = list(Notification.objects.filter(user=teammate, kind="task_due"))
    assert [(n.record_type, n.record_id) for n in told] == [("activity", due.pk)]


def test_deals_without_a_next_step_are_counted_for_their_owner(owner, pipeline):
    planned, _unplanned, _other = (make_deal(owner, pipeline) for _ in range(3))
    make_activity(owner, "task", subject="Send the quote", deal_id=planned.pk)
    context = JobContext(slot=timezone.now(), now=timezone.now())
    jobs.no_next_step(context)
    jobs.no_next_step(context)
    told = Notification.objects.get(user=owner, kind="no_next_step")
    assert told.count == 2


def test_the_bell_counts_and_the_page_opens_and_marks_read(browser_for, manager, owner):
    person = contacts.person_create(
        actor=manager, data=PersonIn.build({"full_name": "Asha Rao", "owner_id": owner.pk})
    )
    run_worker(until_idle=True)
    client = browser_for(owner)
    home = client.get("/").content.decode()
    assert "Notifications, 1 unread" in home
    page = client.get(reverse("notifications:list")).content.decode()
    assert "Meera Manager assigned Asha Rao to you" in page
    notification = Notification.objects.get(user=owner)
    opened = client.post(reverse("notifications:open", args=[notification.pk]))
    assert opened.status_code == 302 and opened["Location"] == f"/people/{person.pk}/"
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert "Notifications, 1 unread" not in client.get("/").content.decode()
    # someone else's notification is not theirs to open
    other = browser_for(manager).post(reverse("notifications:open", args=[notification.pk]))
    assert other.status_code == 404


def test_a_task_given_to_someone_else_tells_them(owner, teammate):
    make_activity(owner, "task", subject="Call back", assignee=teammate)
    make_activity(owner, "task", subject="Mine")
    run_worker(until_idle=True)
    told = Notification.objects.get(user=teammate)
    assert (told.kind, told.record_type) == ("assigned", "activity")
    assert texts(owner) == []


def test_a_mention_in_a_note_tells_who_may_see_it(api, owner, teammate, outsider, manager):
    # given a person shared with a teammate (reps see what they own and what is shared)
    person = make_person(owner, full_name="Asha Rao")
    record_share_add(actor=owner, record_type="person", record=person, user=teammate, access="read")
    # when the owner mentions the teammate, a manager by email, someone who may not see the
    # person, themselves, and an address that is only an email in the text
    note = make_activity(
        owner,
        "note",
        person_id=person.pk,
        body=(
            "Spoke with Asha. @Tejas Teammate, please send the quote; cc @manager@example.com "
            "and @Oscar Outsider. Reach her at asha@teammate.example. — @Olivia Owner"
        ),
    )
    run_worker(until_idle=True)
    # then the teammate and the manager are told, the outsider (who may not see it) is not
    assert texts(teammate) == ["shared", "mentioned"]
    assert texts(manager) == ["mentioned"]
    assert texts(outsider) == [] and texts(owner) == []
    item = api(teammate).get("/api/v1/notifications?limit=1").json()["items"][0]
    assert item["text"].startswith("Olivia Owner mentioned you in")
    assert item["record"]["type"] == "activity" and item["record"]["id"] == note.pk
    # an edit that keeps the mention tells nobody again
    from sambandh.activities.schemas import ActivityChange
    from sambandh.activities.services import activity_update

    activity_update(
        actor=owner,
        activity=note,
        data=ActivityChange(body=note.body + " Thanks!"),
        version=note.version,
    )
    run_worker(until_idle=True)
    assert texts(teammate) == ["shared", "mentioned"]


def test_reminders_missed_while_no_worker_ran_are_sent_by_the_next_slot(owner, teammate):
    from sambandh.events.models import JobRun, RunStatus

    slot = timezone.now().replace(second=0, microsecond=0) + datetime.timedelta(minutes=30)
    # given the job last ran 15 minutes before this slot (the worker was stopped since)
    JobRun.objects.create(
        job=jobs.REMINDERS, slot=slot - datetime.timedelta(minutes=15), status=RunStatus.SUCCEEDED
    )
    missed = make_activity(
        owner,
        "task",
        subject="Missed",
        due_at=(slot - datetime.timedelta(minutes=10)).isoformat(),
        assignee=teammate,
    )
    make_activity(
        owner,
        "task",
        subject="Before the last run",
        due_at=(slot - datetime.timedelta(minutes=20)).isoformat(),
        assignee=teammate,
    )
    # when the next slot runs, then it reminds of what fell due since the last run, only
    jobs.task_reminders(JobContext(slot=slot, now=slot))
    told = Notification.objects.filter(user=teammate, kind="task_due")
    assert [n.record_id for n in told] == [missed.pk]


def test_the_mention_picker_reads_active_colleagues(
    browser_for, owner, teammate, outsider, admin_user
):
    from sambandh.accounts.services import user_update

    client = browser_for(owner)
    answer = client.get(reverse("accounts:colleagues"), {"q": "te"}).json()
    # matching names or emails, without the viewer
    assert ["Tejas Teammate", "teammate@example.com"] in answer["users"]
    assert all(email != "owner@example.com" for _name, email in answer["users"])
    # a deactivated colleague is not offered
    user_update(actor=admin_user, user=teammate, is_active=False)
    answer = client.get(reverse("accounts:colleagues"), {"q": "te"}).json()
    assert all(email != "teammate@example.com" for _name, email in answer["users"])
    assert ["Oscar Outsider", "outsider@example.com"] in client.get(
        reverse("accounts:colleagues"), {"q": "oscar"}
    ).json()["users"]


def test_a_bulk_assignment_tells_the_new_owner_once(api, manager, owner, teammate):
    people = [make_person(owner, full_name=f"P{i}") for i in range(3)]
    # when a manager assigns the owner's three people to a teammate in one bulk action
    started = api(manager).post(
        "/api/v1/people/bulk",
        {"ids": [p.pk for p in people], "action": "assign", "owner_id": teammate.pk},
    )
    assert started.status_code == 202, started.content
    run_worker(until_idle=True)
    run_worker(until_idle=True)  # the notification's handler, queued by the job's end
    # then the teammate is told once, with the count and a link to what they now own
    items = api(teammate).get("/api/v1/notifications").json()["items"]
    assert [i["text"] for i in items] == ["Meera Manager assigned 3 people to you"]
    assert items[0]["url"] == f"/people/?owner_id={teammate.pk}"
    assert Event.objects.filter(type="person.assigned").count() == 0
