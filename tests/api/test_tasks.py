"""/api/v1/tasks: activities of kind task, by due time, with complete and reopen."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

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
from tests.factories import make_activity, make_person

pytestmark = pytest.mark.django_db

URL = "/api/v1/tasks"
ROUTES = [
    ("get", "/{id}", None),
    ("patch", "/{id}", {"subject": "Changed", "version": 1}),
    ("delete", "/{id}?version=1", None),
    ("post", "/{id}/complete", {"version": 1}),
    ("post", "/{id}/reopen", {"version": 1}),
]
DUE = datetime(2025, 6, 2, 9, 30, tzinfo=UTC)


@pytest.fixture
def person(owner):
    return make_person(owner, full_name="Lucía Fernández")


@pytest.fixture
def task(owner, person):
    return make_activity(
        owner, "task", subject="Send the proposal", person_id=person.pk, due_at=DUE
    )


def test_create_makes_a_task_assigned_to_the_writer(api, owner, person):
    resp = api(owner).post(
        URL, {"subject": "Call back", "person_id": person.pk, "due_at": "2025-06-02T15:00:00+05:30"}
    )
    assert resp.status_code == 201, resp.content
    assert resp["ETag"] == etag(1)
    body = resp.json()
    assert (body["kind"], body["due_at"], body["done"]) == ("task", "2025-06-02T09:30:00Z", False)
    assert body["assignee"] == {"id": owner.pk, "name": "Olivia Owner"}
    assert Activity.objects.get(pk=body["id"]).kind == "task"


def test_the_kind_is_not_the_callers_to_choose(api, owner):
    resp = api(owner).post(URL, {"subject": "x", "kind": "note"})
    assert_error(resp, 422, "validation_failed", {"kind": "Unknown field."})
    assert_error(
        api(owner).post(URL, {"body": "no subject"}),
        422,
        "validation_failed",
        {"subject": "A task needs a subject."},
    )
    assert Activity.objects.count() == 0


def test_assign_to_a_colleague(api, owner, teammate):
    resp = api(owner).post(URL, {"subject": "Review", "assignee_id": teammate.pk})
    assert resp.status_code == 201, resp.content
    assert resp.json()["assignee"] == {"id": teammate.pk, "name": "Tejas Teammate"}
    # and the assignee sees the task they were given
    assert api(teammate).get(f"{URL}/{resp.json()['id']}").status_code == 200
    assert_error(
        api(owner).post(URL, {"subject": "x", "assignee_id": MISSING_ID}),
        422,
        "validation_failed",
        {"assignee_id": "No such user."},
    )


def test_complete_and_reopen(api, owner, task):
    client = api(owner)
    resp = client.post(f"{URL}/{task.pk}/complete", {"version": 1})
    assert resp.status_code == 200, resp.content
    assert (resp["ETag"], resp.json()["done"], resp.json()["version"]) == (etag(2), True, 2)
    assert resp.json()["done_at"].endswith("Z")
    assert Activity.objects.get(pk=task.pk).done_at is not None
    # (with If-Match the body may be left out altogether)
    resp = client.client.generic(
        "POST", f"{URL}/{task.pk}/reopen", b"", headers=client._headers({"If-Match": etag(2)})
    )
    assert resp.status_code == 200, resp.content
    assert (resp.json()["done"], resp.json()["done_at"]) == (False, None)
    assert Activity.objects.get(pk=task.pk).done_at is None


def test_read_update_delete(api, owner, task):
    client = api(owner)
    resp = client.get(f"{URL}/{task.pk}")
    assert (resp.status_code, resp["ETag"], resp.json()["due_at"]) == (
        200,
        etag(1),
        "2025-06-02T09:30:00Z",
    )
    resp = client.patch(
        f"{URL}/{task.pk}", {"due_at": "2025-06-03T00:00:00Z", "done": True, "version": 1}
    )
    assert resp.status_code == 200, resp.content
    assert (resp.json()["due_at"], resp.json()["done"]) == ("2025-06-03T00:00:00Z", True)
    assert client.delete(f"{URL}/{task.pk}?version=2").status_code == 204
    assert not Activity.objects.filter(pk=task.pk).exists()


def test_a_note_is_not_a_task(api, owner, person):
    note = make_activity(owner, "note", person_id=person.pk)
    client = api(owner)
    before = snapshot(note)
    for method, path, body in ROUTES:
        assert_error(call(client, method, URL + path.format(id=note.pk), body), 404, "not_found")
    assert snapshot(note) == before


def test_stale_or_missing_versions_change_nothing(api, owner, task):
    activities.activity_update(
        actor=owner, activity=task, data=ActivityChange.build({"subject": "First"}), version=1
    )
    client = api(owner)
    before = snapshot(task)
    for method, path in (("patch", ""), ("post", "/complete"), ("post", "/reopen")):
        body = {"subject": "Late"} if method == "patch" else {}
        assert_error(
            call(client, method, f"{URL}/{task.pk}{path}", {**body, "version": 1}),
            409,
            "version_conflict",
        )
        assert_error(call(client, method, f"{URL}/{task.pk}{path}", body), 428, "version_required")
    assert_error(client.delete(f"{URL}/{task.pk}?version=1"), 409, "version_conflict")
    assert_error(client.delete(f"{URL}/{task.pk}"), 428, "version_required")
    assert_error(
        client.post(f"{URL}/{task.pk}/complete", {"version": 2, "when": "now"}),
        422,
        "validation_failed",
        {"when": "Unknown field."},
    )
    assert snapshot(task) == before


@pytest.mark.parametrize("who", ["outsider", "teammate"])
@pytest.mark.parametrize("method,path,body", ROUTES)
def test_a_hidden_task_answers_404_like_a_missing_one(request, api, task, who, method, path, body):
    client = api(request.getfixturevalue(who))
    before = snapshot(task)
    hidden = call(client, method, URL + path.format(id=task.pk), body)
    missing = call(client, method, URL + path.format(id=MISSING_ID), body)
    assert_error(hidden, 404, "not_found")
    assert (hidden.status_code, hidden.json()) == (missing.status_code, missing.json())
    assert snapshot(task) == before


@pytest.mark.parametrize("who", ["outsider", "teammate"])
def test_hidden_tasks_are_not_listed_and_hidden_records_not_linkable(
    request, api, person, task, who
):
    client = api(request.getfixturevalue(who))
    assert walk(client, URL) == []
    assert walk(client, URL, {"sort": "-created"}) == []
    hidden = client.post(URL, {"subject": "x", "person_id": person.pk})
    missing = client.post(URL, {"subject": "x", "person_id": MISSING_ID})
    assert_error(hidden, 422, "validation_failed", {"person_id": "No such record."})
    assert hidden.json() == missing.json()
    assert Activity.objects.count() == 1


def test_the_manager_sees_and_completes_the_teams_tasks(api, manager, task):
    client = api(manager)
    assert client.get(f"{URL}/{task.pk}").status_code == 200
    assert walk(client, URL) == [task.pk]
    assert client.post(f"{URL}/{task.pk}/complete", {"version": 1}).status_code == 200
    assert Activity.objects.get(pk=task.pk).done_at is not None


def test_read_only_users_read_but_cannot_write(api, readonly, task):
    client = api(readonly)
    before = snapshot(task)
    assert client.get(f"{URL}/{task.pk}").status_code == 200
    assert_error(client.post(URL, {"subject": "x"}), 403, "forbidden")
    for method, path, body in ROUTES[1:]:
        assert_error(call(client, method, URL + path.format(id=task.pk), body), 403, "forbidden")
    assert snapshot(task) == before
    assert Activity.objects.count() == 1


def test_listed_by_due_time_and_paged(api, owner, person):
    # given tasks due on different days (two at the same time), one undated, and a note
    due = [DUE + timedelta(days=d) for d in (3, 1, 2, 1, 0)]
    dated = [make_activity(owner, "task", person_id=person.pk, due_at=d) for d in due]
    undated = make_activity(owner, "task", person_id=person.pk)
    make_activity(owner, "note", person_id=person.pk)
    client = api(owner)
    by_due = sorted(dated, key=lambda t: (t.due_at, t.pk))
    # then the default order is soonest first, the undated task last; -due is the reverse
    assert walk(client, URL, {"limit": 2}) == [*[t.pk for t in by_due], undated.pk]
    assert walk(client, URL, {"limit": 2, "sort": "-due"}) == [
        undated.pk,
        *[t.pk for t in reversed(by_due)],
    ]
    # and newest-first lists every task
    assert walk(client, URL, {"limit": 4, "sort": "-created"}) == [
        undated.pk,
        *[t.pk for t in reversed(dated)],
    ]


def test_filters(api, owner, teammate, manager, person):
    mine = make_activity(owner, "task", person_id=person.pk, due_at=DUE)
    given = make_activity(owner, "task", due_at=DUE + timedelta(hours=1), assignee=teammate)
    done = make_activity(manager, "task", due_at=DUE + timedelta(hours=2))
    activities.task_complete(actor=manager, task=done, version=1)
    client = api(manager)
    assert ids_of(client.get(URL)) == [mine.pk, given.pk, done.pk]
    assert ids_of(client.get(URL, {"assignee_id": teammate.pk})) == [given.pk]
    assert ids_of(client.get(URL, {"person_id": person.pk})) == [mine.pk]
    assert ids_of(client.get(URL, {"owner_id": manager.pk})) == [done.pk]
    assert ids_of(client.get(URL, {"done": "false"})) == [mine.pk, given.pk]
    assert ids_of(client.get(URL, {"done": "true"})) == [done.pk]


@pytest.mark.parametrize("rows", [5, 20])
def test_list_query_count_does_not_grow_with_rows(api, owner, person, queries, rows):
    for n in range(rows):
        make_activity(owner, "task", person_id=person.pk, due_at=DUE + timedelta(hours=n))
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
