"""Bulk actions as every role of the authorization world (tests/authz/world.py): a bulk edit of
the owner's record and the outsider's changes exactly what the role may change and skips the
rest, a job is seen and undone only by its actor and administrators, a read-only user starts
nothing, and no answer names a record the role may not see."""

from __future__ import annotations

import pytest
from django.test import Client

from conftest import ApiClient
from sambandh.bulk.models import BulkJob
from tests.authz.test_api_authorization import (
    CASES,
    KINDS,
    V1,
    _assert_no_secret,
    _state,
    changes,
)
from tests.authz.world import ROLES, build_world, world_job
from tests.bulk_jobs import run_worker

pytestmark = pytest.mark.django_db

BULK_ROUTES = sorted(path for (_m, path), case in CASES.items() if case.how == "bulk")
# A field of each kind a bulk edit sets, through the kind's PATCH body names.
FIELD = {
    "person": "job_title",
    "organization": "industry",
    "deal": "description",
    "lead": "source",
    "activity": "body",
}


def test_every_kind_with_a_list_has_a_bulk_route():
    assert BULK_ROUTES == [
        "/activities/bulk",
        "/deals/bulk",
        "/leads/bulk",
        "/organizations/bulk",
        "/people/bulk",
    ]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", BULK_ROUTES)
def test_a_bulk_edit_changes_what_the_role_may_change_and_skips_the_rest(path, role):
    # given the world, and the owner's record and the outsider's of the route's kind
    world = build_world()
    kind = KINDS[path.split("/")[1]]
    field = FIELD[kind]
    records = {side: world.records[kind][side] for side in ("own", "hidden")}
    client = ApiClient(world.user(role))
    before = _state()
    # when the role edits both in bulk
    resp = client.post(
        V1 + path,
        {
            "ids": [r.pk for r in records.values()],
            "action": "update",
            "values": {field: "Changed in bulk"},
        },
    )
    _assert_no_secret(world, role, resp, path)
    # then a read-only user is refused, and nothing changed
    if role == "readonly":
        assert resp.status_code == 403, resp.content[:300]
        assert _state() == before
        return
    assert resp.status_code == 202, (role, path, resp.content[:300])
    run_worker()
    # and each record is changed when the role may change it, else skipped and left as it was
    job = client.get(f"{V1}/jobs/{resp.json()['id']}")
    _assert_no_secret(world, role, job, f"the job of {path}")
    outcomes = {i["record_id"]: i["outcome"] for i in job.json()["outcomes"]["items"]}
    for side, record in records.items():
        fresh = type(record).objects.get(pk=record.pk)
        if role in changes(kind, side):
            assert outcomes[record.pk] == "changed", (role, side)
            assert getattr(fresh, field) == "Changed in bulk"
        else:
            assert outcomes[record.pk] == "skipped", (role, side)
            assert (getattr(fresh, field), fresh.version) == (
                getattr(record, field),
                record.version,
            )


@pytest.mark.parametrize("role", ROLES)
def test_only_the_actor_and_an_admin_may_undo_a_bulk_action(role):
    world = build_world()
    job = world_job(world)
    person = world.records["person"]["own"]
    assert list(person.tags.values_list("name", flat=True)) == ["authz"]
    client = ApiClient(world.user(role))
    before = _state()
    resp = client.post(f"{V1}/jobs/{job.pk}/undo")
    if role in ("owner", "admin"):
        assert resp.status_code == 202, resp.content[:300]
        run_worker()
        assert not person.tags.exists()
    else:
        assert resp.status_code == 404, (role, resp.content[:300])
        assert _state() == before


@pytest.mark.parametrize("role", ["teammate", "readonly", "outsider"])
def test_a_bulk_form_sent_by_someone_who_may_not_change_the_records_changes_none(role):
    # given the world, and a role that may not change the owner's records
    world = build_world()
    client = Client()
    client.force_login(world.user(role))
    own = world.records["person"]["own"]
    jobs = BulkJob.objects.count()
    people = _state()["Person"]
    # when they send the bulk form for the owner's person anyway
    resp = client.post("/bulk/people/", {"ids": [own.pk], "action": "tag", "tag": "x"})
    run_worker()
    # then a read-only user is refused; the others' job skips it; no person changed
    if role == "readonly":
        assert resp.status_code == 403
        assert BulkJob.objects.count() == jobs
    else:
        assert resp.status_code == 302
        job = BulkJob.objects.order_by("-id").first()
        assert (job.changed, job.skipped) == (0, 1)
    assert _state()["Person"] == people


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", [p for p in BULK_ROUTES if p != "/activities/bulk"])
def test_a_bulk_share_shares_what_the_role_may_share_and_skips_the_rest(path, role):
    # given the world, the owner's record and the outsider's of the route's kind, and a
    # colleague to share them with
    from sambandh.accounts.models import RecordShare
    from tests.factories import make_user

    world = build_world()
    kind = KINDS[path.split("/")[1]]
    records = {side: world.records[kind][side] for side in ("own", "hidden")}
    target = make_user("sales_rep", email="target@example.com", full_name="Tara Target")
    client = ApiClient(world.user(role))
    before = _state()
    # when the role shares both with the colleague
    resp = client.post(
        V1 + path,
        {"ids": [r.pk for r in records.values()], "action": "share", "user_id": target.pk},
    )
    _assert_no_secret(world, role, resp, path)
    # then a read-only user is refused, and nothing changed
    if role == "readonly":
        assert resp.status_code == 403, resp.content[:300]
        assert _state() == before
        return
    assert resp.status_code == 202, (role, path, resp.content[:300])
    run_worker()
    # and each record is shared when the role may share it, else skipped and left unshared
    job = client.get(f"{V1}/jobs/{resp.json()['id']}")
    _assert_no_secret(world, role, job, f"the share job of {path}")
    outcomes = {i["record_id"]: i["outcome"] for i in job.json()["outcomes"]["items"]}
    for side, record in records.items():
        shared = RecordShare.objects.filter(
            record_type=kind, record_id=record.pk, user=target
        ).exists()
        expected = role in changes(kind, side)
        assert (outcomes[record.pk], shared) == (
            ("changed", True) if expected else ("skipped", False)
        ), (role, side)
