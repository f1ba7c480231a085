"""POST /api/v1/<records>/bulk with "action": "share": each record the actor may share is shared
with a user or a team through the shares service (one audit row and one "<type>.shared" event
each), the others are skipped with the reason, the recipient is told once for the whole job,
bad input is refused before any job exists, and the undo removes only the shares the job
added (or puts back the access it changed)."""

from __future__ import annotations

import pytest

from sambandh.accounts.models import RecordShare
from sambandh.contacts.models import Person
from sambandh.core.models import AuditEvent
from sambandh.events.models import Event
from sambandh.notifications.models import Notification
from sambandh.notifications.selectors import notification_page
from tests.api.helpers import MISSING_ID, assert_error
from tests.bulk_jobs import V1, job, jobs_count, outcomes, run_worker, start
from tests.factories import make_activity, make_person, make_user

pytestmark = pytest.mark.django_db

NOT_FOUND = "Not found: it does not exist, or you cannot see it."
NOT_A_SHARER = "Only its owner, their manager or an administrator can share it."


def _shares(record_type: str = "person") -> set[tuple[int, int | None, int | None, bool]]:
    rows = RecordShare.objects.filter(record_type=record_type)
    return set(rows.values_list("record_id", "user_id", "team_id", "can_edit"))


def test_share_with_a_user_shares_what_the_actor_may_share_and_tells_them_once(
    api, owner, teammate, outsider
):
    # given two of the owner's people, the outsider's person shared with the owner for editing
    # (they may change it, not share it), and one the owner cannot see
    mine = [make_person(owner, full_name=f"Mine {i}") for i in range(2)]
    theirs = make_person(outsider, full_name="Theirs")
    RecordShare.objects.create(
        record_type="person", record_id=theirs.pk, user=owner, can_edit=True, shared_by=outsider
    )
    hidden = make_person(outsider, full_name="Hidden")
    ids = [mine[0].pk, theirs.pk, mine[1].pk, hidden.pk, MISSING_ID]
    client = api(teammate)  # (the teammate's token is made before counting)
    client = api(owner)
    audits, events = AuditEvent.objects.count(), Event.objects.count()
    # when the owner shares all five with the teammate, for reading
    job_id = start(client, "people", {"ids": ids, "action": "share", "user_id": teammate.pk})
    run_worker()
    # then only the owner's own two are shared; the others are skipped with the reason
    assert outcomes(client, job_id) == {
        mine[0].pk: ("changed", ""),
        theirs.pk: ("skipped", NOT_A_SHARER),
        mine[1].pk: ("changed", ""),
        hidden.pk: ("skipped", NOT_FOUND),
        MISSING_ID: ("skipped", NOT_FOUND),
    }
    assert _shares() == {
        (mine[0].pk, teammate.pk, None, False),
        (mine[1].pk, teammate.pk, None, False),
        (theirs.pk, owner.pk, None, True),
    }
    body = job(client, job_id)
    assert (body["action"], body["status"], body["changed"], body["skipped"]) == (
        "share",
        "done",
        2,
        3,
    )
    # with one audit row and one "person.shared" event per record (marked as the job's), and
    # one "person.bulk_shared" for the whole job
    rows = AuditEvent.objects.order_by("id")[audits:]
    assert [(r.action, r.record_type, r.record_id, r.changes) for r in rows] == [
        (
            "share",
            "person",
            pk,
            {
                "user": [None, teammate.pk],
                "team": [None, None],
                "access": [None, "read"],
                "created": [None, True],
            },
        )
        for pk in (mine[0].pk, mine[1].pk)
    ]
    new_events = list(
        Event.objects.order_by("id")[events:].values_list("type", "record_id", "data")
    )
    assert new_events == [
        (
            "person.shared",
            mine[0].pk,
            {"user_id": teammate.pk, "team_id": None, "bulk_job_id": job_id},
        ),
        (
            "person.shared",
            mine[1].pk,
            {"user_id": teammate.pk, "team_id": None, "bulk_job_id": job_id},
        ),
        (
            "person.bulk_shared",
            None,
            {
                "user_id": teammate.pk,
                "team_id": None,
                "access": "read",
                "count": 2,
                "job_id": job_id,
            },
        ),
    ]
    # and the teammate is told once, of both, and now sees them
    told = Notification.objects.filter(user=teammate)
    assert list(told.values_list("kind", "count", "record_id", "actor_id")) == [
        ("shared", 2, None, owner.pk)
    ]
    shown = notification_page(viewer=teammate).items
    assert [n.text for n in shown] == ["Olivia Owner shared 2 people with you"]
    assert shown[0].url == "/people/"
    assert set(api(teammate).get(f"{V1}/people").json()["items"][i]["id"] for i in range(2)) == {
        mine[0].pk,
        mine[1].pk,
    }


def test_undo_removes_only_the_shares_the_job_added_and_puts_back_a_changed_access(
    api, owner, teammate
):
    # given four of the owner's people: one not shared, one shared with the teammate for
    # reading, one for editing, and one that will be unshared before the undo
    new, was_read, was_edit, gone = (make_person(owner, full_name=f"P {i}") for i in range(4))
    for person, can_edit in ((was_read, False), (was_edit, True)):
        RecordShare.objects.create(
            record_type="person",
            record_id=person.pk,
            user=teammate,
            can_edit=can_edit,
            shared_by=owner,
        )
    ids = [new.pk, was_read.pk, was_edit.pk, gone.pk]
    client = api(owner)
    # when the owner shares the four with the teammate for editing
    job_id = start(
        client,
        "people",
        {"ids": ids, "action": "share", "user_id": teammate.pk, "access": "edit"},
    )
    run_worker()
    # then the one shared for editing already is skipped; the others are shared for editing
    assert outcomes(client, job_id) == {
        new.pk: ("changed", ""),
        was_read.pk: ("changed", ""),
        was_edit.pk: ("skipped", "Already shared with Tejas Teammate."),
        gone.pk: ("changed", ""),
    }
    assert _shares() == {(pk, teammate.pk, None, True) for pk in ids}
    # and one share is removed by hand meanwhile
    share = RecordShare.objects.get(record_id=gone.pk)
    resp = client.delete(f"{V1}/people/{gone.pk}/shares/{share.pk}")
    assert resp.status_code == 204
    audits = AuditEvent.objects.count()
    # when the owner undoes the bulk share
    resp = client.post(f"{V1}/jobs/{job_id}/undo")
    assert resp.status_code == 202, resp.content
    undo_id = resp.json()["id"]
    run_worker()
    # then the share it added is gone, the access it changed is back, and the rest is as it was
    assert _shares() == {
        (was_read.pk, teammate.pk, None, False),
        (was_edit.pk, teammate.pk, None, True),
    }
    assert outcomes(client, undo_id) == {
        new.pk: ("changed", ""),
        was_read.pk: ("changed", ""),
        gone.pk: ("skipped", "No longer shared: nothing to undo."),
    }
    rows = AuditEvent.objects.order_by("id")[audits:]
    assert [(r.action, r.record_id) for r in rows] == [
        ("unshare", new.pk),
        ("share", was_read.pk),
    ]
    assert job(client, job_id)["status"] == "undone"
    # and the teammate was told of the first share only (one notification, of three)
    assert list(Notification.objects.filter(user=teammate).values_list("kind", "count")) == [
        ("shared", 3)
    ]


def test_undo_leaves_a_share_whose_access_was_changed_since(api, owner, teammate):
    person = make_person(owner, full_name="Asha")
    client = api(owner)
    job_id = start(
        client, "people", {"ids": [person.pk], "action": "share", "user_id": teammate.pk}
    )
    run_worker()
    share = RecordShare.objects.get(record_id=person.pk)
    resp = client.post(
        f"{V1}/people/{person.pk}/shares", {"user_id": teammate.pk, "access": "edit"}
    )
    assert resp.status_code == 201, resp.content
    undo_id = client.post(f"{V1}/jobs/{job_id}/undo").json()["id"]
    run_worker()
    assert outcomes(client, undo_id) == {
        person.pk: ("skipped", "Its access was changed since the bulk action: left as it is.")
    }
    assert RecordShare.objects.get(pk=share.pk).can_edit is True


def test_share_with_a_team_tells_each_member_but_the_actor_once(
    api, owner, teammate, manager, team, outsider
):
    people = [make_person(owner, full_name=f"P {i}") for i in range(3)]
    client = api(owner)
    job_id = start(
        client,
        "people",
        {"filter": {"owner_id": owner.pk}, "action": "share", "team_id": team.pk},
    )
    run_worker()
    assert job(client, job_id)["changed"] == 3
    assert _shares() == {(p.pk, None, team.pk, False) for p in people}
    told = Notification.objects.filter(kind="shared").values_list("user_id", "count")
    assert sorted(told) == sorted([(teammate.pk, 3), (manager.pk, 3)])


def test_a_manager_shares_their_reports_records_and_an_admin_any(
    api, owner, manager, outsider, admin_user, teammate
):
    own, other = make_person(owner, full_name="Own"), make_person(outsider, full_name="Other")
    body = {"ids": [own.pk, other.pk], "action": "share", "user_id": teammate.pk}
    by_manager = start(api(manager), "people", body)
    run_worker()
    assert outcomes(api(manager), by_manager) == {
        own.pk: ("changed", ""),
        other.pk: ("skipped", NOT_FOUND),
    }
    by_admin = start(api(admin_user), "people", body)
    run_worker()
    assert outcomes(api(admin_user), by_admin) == {
        own.pk: ("skipped", "Already shared with Tejas Teammate."),
        other.pk: ("changed", ""),
    }


def test_sharing_with_the_records_owner_is_skipped_with_the_reason(api, owner, admin_user):
    person = make_person(owner, full_name="Asha")
    client = api(admin_user)
    job_id = start(client, "people", {"ids": [person.pk], "action": "share", "user_id": owner.pk})
    run_worker()
    assert outcomes(client, job_id) == {
        person.pk: (
            "skipped",
            "It belongs to Olivia Owner.",
        )
    }
    assert not RecordShare.objects.exists()


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({}, {"user_id": "Choose a user or a team to share with."}),
        ({"user_id": MISSING_ID}, {"user_id": "No such user."}),
        ({"team_id": MISSING_ID}, {"team_id": "No such team."}),
        ({"user_id": "me"}, None),
        (
            {"user_id": "TEAMMATE", "team_id": "TEAM"},
            {"team_id": "Share with a user or a team, not both."},
        ),
        ({"user_id": "TEAMMATE", "access": "write"}, None),
        ({"user_id": "TEAMMATE", "tags": ["x"]}, {"tags": "Not used by this action."}),
        ({"user_id": "TEAMMATE", "owner_id": "TEAMMATE"}, {"owner_id": "Not used by this action."}),
        ({"user_id": "INACTIVE"}, {"user_id": "No such user."}),
    ],
)
def test_what_a_share_needs_is_checked_before_any_job_exists(
    api, owner, teammate, team, body, fields
):
    person = make_person(owner, full_name="Asha")
    inactive = make_user("sales_rep", email="gone@example.com", full_name="Gone", team=team)
    inactive.is_active = False
    inactive.save()
    ids = {"TEAMMATE": teammate.pk, "TEAM": team.pk, "INACTIVE": inactive.pk}
    sent = {k: ids.get(v, v) if isinstance(v, str) else v for k, v in body.items()}
    client = api(owner)
    audits = AuditEvent.objects.count()
    resp = client.post(f"{V1}/people/bulk", {"ids": [person.pk], "action": "share", **sent})
    assert_error(resp, 422, "validation_failed", fields)
    assert jobs_count() == 0
    assert AuditEvent.objects.count() == audits
    assert not RecordShare.objects.exists()


def test_an_admin_is_told_a_deactivated_user_cannot_be_shared_with(api, owner, admin_user, team):
    person = make_person(owner, full_name="Asha")
    inactive = make_user("sales_rep", email="gone@example.com", full_name="Gone", team=team)
    inactive.is_active = False
    inactive.save()
    resp = api(admin_user).post(
        f"{V1}/people/bulk", {"ids": [person.pk], "action": "share", "user_id": inactive.pk}
    )
    assert_error(resp, 422, "validation_failed", {"user_id": "This user is deactivated."})
    assert jobs_count() == 0


def test_a_type_that_is_not_shareable_refuses_a_bulk_share(api, owner, teammate):
    task = make_activity(owner, kind="task", subject="Call back")
    resp = api(owner).post(
        f"{V1}/activities/bulk", {"ids": [task.pk], "action": "share", "user_id": teammate.pk}
    )
    assert_error(resp, 422, "validation_failed", {"action": "Activities cannot be shared."})
    assert jobs_count() == 0


def test_a_read_only_user_may_not_share_in_bulk(api, readonly, owner, teammate):
    person = make_person(owner, full_name="Asha")
    resp = api(readonly).post(
        f"{V1}/people/bulk", {"ids": [person.pk], "action": "share", "user_id": teammate.pk}
    )
    assert_error(resp, 403, "forbidden")
    assert jobs_count() == 0 and not RecordShare.objects.exists()
    assert Person.objects.get(pk=person.pk).version == person.version
