"""/api/v1/activities: notes, calls, meetings, logged emails and tasks on the timelines."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from sambandh.activities import services as activities
from sambandh.activities.models import Activity
from sambandh.activities.schemas import ActivityChange
from tests.api.helpers import (
    MISSING_ID,
    assert_error,
    call,
    etag,
    ids_of,
    snapshot,
    walk,
    warm,
)
from tests.factories import (
    make_activity,
    make_deal,
    make_lead,
    make_organization,
    make_person,
)

pytestmark = pytest.mark.django_db

URL = "/api/v1/activities"
KEYS = {
    "id",
    "version",
    "kind",
    "subject",
    "body",
    "occurred_at",
    "ends_at",
    "duration_seconds",
    "direction",
    "outcome",
    "due_at",
    "done",
    "done_at",
    "pinned_at",
    "assignee",
    "person",
    "organization",
    "deal",
    "lead",
    "owner",
    "custom",
    "created_at",
    "updated_at",
}
ROUTES = [
    ("get", "/{id}", None),
    ("patch", "/{id}", {"body": "Changed", "version": 1}),
    ("delete", "/{id}?version=1", None),
]


@pytest.fixture
def person(owner):
    return make_person(owner, full_name="Fatima Al-Sayed")


@pytest.fixture
def note(owner, person):
    return make_activity(
        owner, "note", person_id=person.pk, subject="Intro", body="Met at the fair."
    )


def test_create_a_call_with_times_in_any_offset_answered_in_utc(api, owner, person):
    org = make_organization(owner, name="Aramco")
    resp = api(owner).post(
        URL,
        {
            "kind": "call",
            "subject": "Pricing",
            "person_id": person.pk,
            "organization_id": org.pk,
            "occurred_at": "2025-03-01T10:00:00+05:30",
            "ends_at": "2025-03-01T10:20:00+05:30",
            "duration_seconds": 1200,
            "direction": "out",
            "outcome": "interested",
        },
    )
    assert resp.status_code == 201, resp.content
    assert resp["ETag"] == etag(1)
    body = resp.json()
    assert set(body) == KEYS
    assert (body["occurred_at"], body["ends_at"]) == (
        "2025-03-01T04:30:00Z",
        "2025-03-01T04:50:00Z",
    )
    assert body["person"] == {"id": person.pk, "name": "Fatima Al-Sayed"}
    assert body["organization"] == {"id": org.pk, "name": "Aramco"}
    assert (body["kind"], body["direction"], body["done"], body["assignee"]) == (
        "call",
        "out",
        False,
        None,
    )
    stored = Activity.objects.get(pk=body["id"])
    assert stored.occurred_at == datetime(2025, 3, 1, 4, 30, tzinfo=UTC)


def test_times_without_an_offset_are_refused(api, owner, person):
    resp = api(owner).post(
        URL, {"kind": "call", "person_id": person.pk, "occurred_at": "2025-03-01T10:00:00"}
    )
    assert_error(resp, 422, "validation_failed", {"occurred_at": "Input should have timezone info"})
    assert Activity.objects.count() == 0


def test_create_refuses_bad_input_and_writes_nothing(api, owner, person):
    client = api(owner)
    assert_error(
        client.post(URL, {"kind": "fax", "person_id": person.pk}),
        422,
        "validation_failed",
        {"kind": "Input should be 'note', 'call', 'meeting', 'email' or 'task'"},
    )
    assert_error(
        client.post(URL, {"kind": "note", "body": "Floating"}),
        422,
        "validation_failed",
        {"person_id": "Link the activity to a person, organization, deal or lead."},
    )
    assert_error(
        client.post(
            URL,
            {
                "kind": "meeting",
                "person_id": person.pk,
                "occurred_at": "2025-03-01T10:00:00Z",
                "ends_at": "2025-03-01T09:00:00Z",
            },
        ),
        422,
        "validation_failed",
        {"ends_at": "The end must be after the start."},
    )
    assert Activity.objects.count() == 0


def test_read_update_and_delete(api, owner, note):
    client = api(owner)
    resp = client.get(f"{URL}/{note.pk}")
    assert (resp.status_code, resp["ETag"], set(resp.json())) == (200, etag(1), KEYS)
    resp = client.patch(f"{URL}/{note.pk}", {"body": "Met at the fair in Riyadh.", "version": 1})
    assert resp.status_code == 200, resp.content
    assert (resp["ETag"], resp.json()["body"]) == (etag(2), "Met at the fair in Riyadh.")
    resp = client.patch(
        f"{URL}/{note.pk}", {"occurred_at": "2025-01-02T03:04:05-03:00"}, **{"If-Match": etag(2)}
    )
    assert resp.status_code == 200, resp.content
    assert resp.json()["occurred_at"] == "2025-01-02T06:04:05Z"
    assert client.delete(f"{URL}/{note.pk}?version=3").status_code == 204
    assert not Activity.objects.filter(pk=note.pk).exists()


def test_the_kind_does_not_change_and_only_tasks_are_done(api, owner, note):
    client = api(owner)
    before = snapshot(note)
    assert_error(
        client.patch(f"{URL}/{note.pk}", {"kind": "call", "version": 1}),
        422,
        "validation_failed",
        {"kind": "The kind of an activity cannot change."},
    )
    assert_error(
        client.patch(f"{URL}/{note.pk}", {"done": True, "version": 1}),
        422,
        "validation_failed",
        {"done": "Only tasks can be marked done."},
    )
    assert snapshot(note) == before


def test_stale_or_missing_versions_change_nothing(api, owner, note):
    activities.activity_update(
        actor=owner, activity=note, data=ActivityChange.build({"subject": "First"}), version=1
    )
    client = api(owner)
    before = snapshot(note)
    assert_error(
        client.patch(f"{URL}/{note.pk}", {"body": "Late", "version": 1}), 409, "version_conflict"
    )
    assert_error(
        client.patch(f"{URL}/{note.pk}", {"body": "Late"}, **{"If-Match": etag(1)}),
        409,
        "version_conflict",
    )
    assert_error(client.patch(f"{URL}/{note.pk}", {"body": "Late"}), 428, "version_required")
    assert_error(client.delete(f"{URL}/{note.pk}?version=1"), 409, "version_conflict")
    assert_error(client.delete(f"{URL}/{note.pk}"), 428, "version_required")
    assert_error(
        client.patch(f"{URL}/{note.pk}", {"version": 2, "mood": "happy"}),
        422,
        "validation_failed",
        {"mood": "Unknown field."},
    )
    assert snapshot(note) == before


@pytest.mark.parametrize("who", ["outsider", "teammate"])
@pytest.mark.parametrize("method,path,body", ROUTES)
def test_a_hidden_activity_answers_404_like_a_missing_one(
    request, api, note, who, method, path, body
):
    client = api(request.getfixturevalue(who))
    before = snapshot(note)
    hidden = call(client, method, URL + path.format(id=note.pk), body)
    missing = call(client, method, URL + path.format(id=MISSING_ID), body)
    assert_error(hidden, 404, "not_found")
    assert (hidden.status_code, hidden.json()) == (missing.status_code, missing.json())
    assert snapshot(note) == before


@pytest.mark.parametrize("who", ["outsider", "teammate"])
def test_hidden_activities_are_not_listed_and_hidden_records_not_linkable(
    request, api, owner, person, note, who
):
    client = api(request.getfixturevalue(who))
    assert walk(client, URL) == []
    assert ids_of(client.get(URL, {"person_id": person.pk})) == []
    hidden = client.post(URL, {"kind": "note", "body": "x", "person_id": person.pk})
    missing = client.post(URL, {"kind": "note", "body": "x", "person_id": MISSING_ID})
    assert_error(hidden, 422, "validation_failed", {"person_id": "No such record."})
    assert hidden.json() == missing.json()
    assert Activity.objects.count() == 1


def test_the_manager_sees_and_changes_the_teams_activities(api, manager, note):
    client = api(manager)
    assert client.get(f"{URL}/{note.pk}").status_code == 200
    assert walk(client, URL) == [note.pk]
    assert client.patch(f"{URL}/{note.pk}", {"outcome": "ok", "version": 1}).status_code == 200
    assert Activity.objects.get(pk=note.pk).outcome == "ok"


def test_read_only_users_read_but_cannot_write(api, readonly, person, note):
    client = api(readonly)
    before = snapshot(note)
    assert client.get(f"{URL}/{note.pk}").status_code == 200
    assert_error(
        client.post(URL, {"kind": "note", "body": "x", "person_id": person.pk}), 403, "forbidden"
    )
    assert_error(client.patch(f"{URL}/{note.pk}", {"body": "x", "version": 1}), 403, "forbidden")
    assert_error(client.delete(f"{URL}/{note.pk}?version=1"), 403, "forbidden")
    assert snapshot(note) == before
    assert Activity.objects.count() == 1


def test_pages_walk_every_visible_activity_exactly_once(api, owner, outsider, person):
    at = "2025-05-0{}T09:00:00Z"
    # two activities share a time: the id breaks the tie
    mine = [
        make_activity(
            owner, "call", person_id=person.pk, occurred_at=datetime.fromisoformat(at.format(day))
        )
        for day in (3, 1, 2, 2, 4, 5)
    ]
    make_activity(outsider, "note", person_id=make_person(outsider).pk)
    newest_first = sorted(mine, key=lambda a: (a.occurred_at, a.pk), reverse=True)
    assert walk(api(owner), URL, {"limit": 4}) == [a.pk for a in newest_first]
    assert walk(api(owner), URL, {"limit": 2, "sort": "occurred"}) == [
        a.pk for a in reversed(newest_first)
    ]


def test_filters(api, owner, manager, pipeline):
    org = make_organization(owner, name="Org")
    person = make_person(owner, full_name="P", organization_id=org.pk)
    deal = make_deal(owner, pipeline)
    lead = make_lead(owner)
    on_person = make_activity(owner, "call", person_id=person.pk)
    on_deal = make_activity(owner, "meeting", deal_id=deal.pk)
    on_lead = make_activity(owner, "email", lead_id=lead.pk)
    task = make_activity(manager, "task", person_id=person.pk, assignee=owner)
    done_task = make_activity(manager, "task", organization_id=org.pk)
    activities.task_complete(actor=manager, task=done_task, version=1)
    client = api(manager)
    assert ids_of(client.get(URL, {"person_id": person.pk})) == [task.pk, on_person.pk]
    assert ids_of(client.get(URL, {"organization_id": org.pk})) == [
        done_task.pk,
        task.pk,
        on_person.pk,
    ]
    assert ids_of(client.get(URL, {"deal_id": deal.pk})) == [on_deal.pk]
    assert ids_of(client.get(URL, {"lead_id": lead.pk})) == [on_lead.pk]
    assert ids_of(client.get(URL, {"kind": "meeting"})) == [on_deal.pk]
    assert ids_of(client.get(URL, {"owner_id": manager.pk})) == [done_task.pk, task.pk]
    assert ids_of(client.get(URL, {"assignee_id": owner.pk})) == [task.pk]
    assert ids_of(client.get(URL, {"kind": "task", "done": "true"})) == [done_task.pk]
    assert ids_of(client.get(URL, {"kind": "task", "done": "false"})) == [task.pk]


@pytest.mark.parametrize("rows", [5, 20])
def test_list_query_count_does_not_grow_with_rows(api, owner, pipeline, queries, rows):
    org = make_organization(owner, name="Org")
    person = make_person(owner, full_name="P", organization_id=org.pk)
    deal = make_deal(owner, pipeline, organization_id=org.pk)
    lead = make_lead(owner)
    for n in range(rows):
        make_activity(
            owner,
            "task",
            person_id=person.pk,
            deal_id=deal.pk,
            lead_id=lead.pk,
            assignee=owner,
            subject=f"T{n}",
        )
    client = api(owner)
    warm(client, URL)
    with queries() as ctx:
        resp = client.get(URL)
    # token, the page with every link joined but the owner, the page's owners
    assert len(ids_of(resp)) == rows
    # (+1: the viewer's field rules, accounts/policy.py field_access)
    # (+1: the custom field definitions, read once per request: customfields/selectors.py)
    # (+1: the type's sensitive fields, so a read of one is audited: core/sensitive.py)
    assert len(ctx.captured_queries) == 6
