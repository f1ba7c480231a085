"""The inline composer, the timeline fragments, task check boxes and "My tasks"."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from sambandh.activities.models import Activity
from sambandh.sales.schemas import DealIn
from tests import factories
from tests.web.helpers import HTMX, count_queries, text

pytestmark = pytest.mark.django_db

CREATE = reverse("activities:activity_create")


def test_adding_a_note_answers_the_panel_with_the_note_on_top(owner, browser_for):
    # given a person with an older note
    person = factories.make_person(owner, full_name="Asha Rao")
    factories.make_activity(owner, "note", person_id=person.pk, subject="", body="Older note")

    # when a note is posted from the composer with htmx
    response = browser_for(owner).post(
        CREATE,
        {
            "kind": "note",
            "record_type": "person",
            "record_id": person.pk,
            "body": "Wants a demo on <Tuesday> & a quote",
        },
        headers=HTMX,
    )

    # then the answer is the panel (fresh composer + timeline), newest first, text escaped
    body = text(response)
    assert response.status_code == 200
    assert response.templates[0].name == "activities/_panel.html"
    assert body.index("Wants a demo on &lt;Tuesday&gt; &amp; a quote") < body.index("Older note")
    assert "<Tuesday>" not in body
    assert 'id="composer"' in body
    note = Activity.objects.get(body__startswith="Wants")
    assert (note.kind, note.person_id, note.owner_id) == ("note", person.pk, owner.pk)


def test_an_empty_note_is_refused_and_nothing_written(owner, browser_for):
    person = factories.make_person(owner, full_name="Asha Rao")
    response = browser_for(owner).post(
        CREATE,
        {"kind": "note", "record_type": "person", "record_id": person.pk, "body": " "},
        headers=HTMX,
    )
    assert response.status_code == 422
    assert "A note needs some text." in text(response)
    assert Activity.objects.count() == 0


def test_adding_a_task_call_and_meeting(owner, teammate, pipeline, browser_for):
    # given a deal
    deal = factories.make_deal(owner, pipeline)
    client = browser_for(owner)
    base = {"record_type": "deal", "record_id": deal.pk}

    # when a task for the teammate, a call and a meeting are added
    client.post(
        CREATE,
        {
            **base,
            "kind": "task",
            "subject": "Send the quote",
            "due_at": "2030-01-15T10:30",
            "assignee": teammate.pk,
        },
        headers=HTMX,
    )
    client.post(
        CREATE,
        {
            **base,
            "kind": "call",
            "direction": "in",
            "duration_minutes": "15",
            "outcome": "Interested",
            "body": "Asked about pricing",
            "occurred_at": "2026-11-20T09:00",
        },
        headers=HTMX,
    )
    client.post(
        CREATE,
        {
            **base,
            "kind": "meeting",
            "subject": "Demo",
            "occurred_at": "2026-11-21T14:00",
            "duration_minutes": "45",
        },
        headers=HTMX,
    )

    # then each is on the deal with its own fields (times read in the owner's zone, UTC here)
    task = Activity.objects.get(kind="task")
    call = Activity.objects.get(kind="call")
    meeting = Activity.objects.get(kind="meeting")
    assert (task.assignee_id, task.due_at.isoformat()) == (teammate.pk, "2030-01-15T10:30:00+00:00")
    assert (call.direction, call.duration_seconds, call.outcome) == ("in", 900, "Interested")
    assert meeting.ends_at - meeting.occurred_at == timedelta(minutes=45)
    assert {a.deal_id for a in (task, call, meeting)} == {deal.pk}


def test_task_due_time_is_read_in_the_users_zone(owner, browser_for):
    # given an owner in India
    owner.time_zone = "Asia/Kolkata"
    owner.save()
    person = factories.make_person(owner)

    # when they add a task due at 10:30 their time
    browser_for(owner).post(
        CREATE,
        {
            "kind": "task",
            "record_type": "person",
            "record_id": person.pk,
            "subject": "Call back",
            "due_at": "2030-01-15T10:30",
        },
        headers=HTMX,
    )

    # then it is stored as 05:00 UTC
    assert Activity.objects.get().due_at.isoformat() == "2030-01-15T05:00:00+00:00"


def test_outsider_cannot_add_to_someone_elses_timeline(owner, outsider, browser_for):
    person = factories.make_person(owner, full_name="Asha Rao")
    response = browser_for(outsider).post(
        CREATE,
        {"kind": "note", "record_type": "person", "record_id": person.pk, "body": "Hi"},
        headers=HTMX,
    )
    assert response.status_code == 404
    assert Activity.objects.count() == 0


def test_composer_tabs_answer_the_form_of_that_kind(owner, browser_for):
    person = factories.make_person(owner)
    response = browser_for(owner).get(
        CREATE, {"kind": "task", "record_type": "person", "record_id": person.pk}, headers=HTMX
    )
    body = text(response)
    assert response.templates[0].name == "activities/_composer.html"
    assert 'name="due_at"' in body
    assert 'name="assignee"' in body
    assert "Add task" in body


def test_without_htmx_the_note_redirects_to_the_record(owner, browser_for):
    person = factories.make_person(owner)
    response = browser_for(owner).post(
        CREATE, {"kind": "note", "record_type": "person", "record_id": person.pk, "body": "Hi"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("contacts:person_detail", args=[person.pk]) + (
        "?composer=note"
    )


def test_timeline_shows_stage_changes_and_loads_older_entries(owner, pipeline, browser_for):
    # given a person with 35 notes and a deal that moved
    person = factories.make_person(owner, full_name="Asha Rao")
    start = timezone.now() - timedelta(days=40)
    for i in range(35):
        factories.make_activity(
            owner,
            "note",
            person_id=person.pk,
            subject=f"Note {i:02d}",
            occurred_at=start + timedelta(days=i),
        )
    client = browser_for(owner)

    # when the record page opens, then "Load older" is followed
    page = client.get(reverse("contacts:person_detail", args=[person.pk]))
    before = page.context["timeline"].next_before
    older = client.get(
        reverse("activities:timeline", args=["person", person.pk]), {"before": before}, headers=HTMX
    )

    # then the first page holds the newest 30 and the button; the next holds the other 5
    assert [e.activity.subject for e in page.context["timeline"].entries][:2] == [
        "Note 34",
        "Note 33",
    ]
    assert "Load older" in text(page)
    assert [e.activity.subject for e in older.context["timeline"].entries] == [
        "Note 04",
        "Note 03",
        "Note 02",
        "Note 01",
        "Note 00",
    ]
    assert "Load older" not in text(older)


def test_stage_change_reads_moved_from_x_to_y_on_the_person(owner, pipeline, browser_for):
    from sambandh.sales import services

    person = factories.make_person(owner, full_name="Asha Rao")
    deal = services.deal_create(
        actor=owner,
        data=DealIn.build(
            {"name": "Tata renewal", "pipeline_id": pipeline.pk, "person_ids": [person.pk]}
        ),
    )
    services.deal_move_stage(
        actor=owner, deal=deal, stage_id=pipeline.stages.get(name="Won").pk, version=1
    )
    body = text(browser_for(owner).get(reverse("contacts:person_detail", args=[person.pk])))
    assert "Moved from <strong>Qualified</strong> to <strong>Won</strong>" in body
    assert "Tata renewal" in body


def test_task_checkbox_toggles_done_and_back(owner, browser_for):
    # given an open task on a person
    person = factories.make_person(owner)
    task = factories.make_activity(owner, "task", person_id=person.pk, subject="Call back")
    client = browser_for(owner)
    url = reverse("activities:task_toggle", args=[task.pk])

    # when it is checked, then unchecked (an unchecked box sends no "done")
    done = client.post(url, {"done": "1"}, headers=HTMX)
    task.refresh_from_db()
    done_at = task.done_at
    undone = client.post(url, {}, headers=HTMX)
    task.refresh_from_db()

    # then each answer is the re-rendered entry in its new state
    assert done_at is not None
    assert "checked" in text(done)
    assert 'class="timeline-item is-done"' in text(done)
    assert task.done_at is None
    assert "is-done" not in text(undone)


def test_outsider_cannot_toggle_or_delete_someone_elses_task(owner, outsider, browser_for):
    person = factories.make_person(owner)
    task = factories.make_activity(owner, "task", person_id=person.pk, subject="Call back")
    client = browser_for(outsider)

    toggle = client.post(
        reverse("activities:task_toggle", args=[task.pk]), {"done": "1"}, headers=HTMX
    )
    delete = client.post(reverse("activities:activity_delete", args=[task.pk]), headers=HTMX)

    task.refresh_from_db()
    assert (toggle.status_code, delete.status_code) == (404, 404)
    assert (task.done_at, task.version) == (None, 1)


def test_deleting_an_activity_removes_its_entry(owner, browser_for):
    person = factories.make_person(owner)
    note = factories.make_activity(owner, "note", person_id=person.pk)
    response = browser_for(owner).post(
        reverse("activities:activity_delete", args=[note.pk]), headers=HTMX
    )
    assert (response.status_code, response.content) == (200, b"")
    assert Activity.objects.filter(pk=note.pk).exists() is False


# --- my tasks -------------------------------------------------------------------------------------
def test_my_tasks_groups_open_tasks_by_day(owner, teammate, browser_for):
    # given tasks of the owner: overdue, upcoming, undated, done; and a teammate's
    now = timezone.now()
    person = factories.make_person(owner, full_name="Asha Rao")
    factories.make_activity(
        owner, "task", subject="Overdue one", due_at=now - timedelta(hours=2), person_id=person.pk
    )
    factories.make_activity(owner, "task", subject="Upcoming one", due_at=now + timedelta(days=3))
    factories.make_activity(owner, "task", subject="Someday")
    done = factories.make_activity(owner, "task", subject="Done one")
    from sambandh.activities.services import task_complete

    task_complete(actor=owner, task=done)
    factories.make_activity(teammate, "task", subject="Not mine")

    # when the owner opens My tasks
    response = browser_for(owner).get(reverse("activities:my_tasks"))

    # then each open task is in its section, with its record, and nobody else's is there
    sections = {key: [t.subject for t in tasks] for key, _l, tasks in response.context["sections"]}
    assert sections == {
        "overdue": ["Overdue one"],
        "today": [],
        "upcoming": ["Upcoming one"],
        "undated": ["Someday"],
    }
    body = text(response)
    assert "Asha Rao" in body
    assert "Not mine" not in body
    assert "Done one" not in body


def test_quick_add_task_from_my_tasks(owner, browser_for):
    response = browser_for(owner).post(
        CREATE,
        {
            "kind": "task",
            "panel": "tasks",
            "subject": "Renew the contract",
            "due_at": "2030-05-01T09:00",
        },
        headers=HTMX,
    )
    task = Activity.objects.get()
    assert response.templates[0].name == "activities/_my_tasks_body.html"
    assert "Renew the contract" in text(response)
    assert (task.kind, task.assignee_id, task.person_id) == ("task", owner.pk, None)


def test_quick_add_without_a_subject_is_refused(owner, browser_for):
    response = browser_for(owner).post(
        CREATE, {"kind": "task", "panel": "tasks", "subject": ""}, headers=HTMX
    )
    assert response.status_code == 422
    assert "A task needs a subject." in text(response)
    assert Activity.objects.count() == 0


def test_my_tasks_query_count_does_not_grow(owner, pipeline, browser_for):
    client = browser_for(owner)
    person = factories.make_person(owner)
    deal = factories.make_deal(owner, pipeline)
    url = reverse("activities:my_tasks")

    def add(n: int) -> None:
        for i in range(n):
            factories.make_activity(
                owner,
                "task",
                due_at=timezone.now() + timedelta(days=i - 2),
                person_id=person.pk if i % 2 else None,
                deal_id=deal.pk if i % 3 == 0 else None,
            )

    add(5)
    with_five = count_queries(client, url)
    add(20)
    with_twenty_five = count_queries(client, url)

    # session, user, and one query per section
    # (+1: the viewer's field rules, accounts/policy.py field_access)
    # (+1: the custom field definitions, read once per request: customfields/selectors.py)
    # (+1: the unread count of the notification bell in the top bar)
    # (+1: the fields marked sensitive, of every type at once: a task's due date is a read)
    assert with_five == with_twenty_five == 10
