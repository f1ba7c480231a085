"""GET /api/v1/jobs/{id} and POST /api/v1/jobs/{id}/undo: who sees a job, its outcomes page by
page, and undoing a bulk action as a whole (skipping what someone changed since)."""

from __future__ import annotations

import pytest

from sambandh.bulk.models import BulkJob
from sambandh.contacts import services as contacts
from sambandh.contacts.models import Organization, Person
from sambandh.contacts.schemas import PersonIn
from sambandh.customfields.services import custom_field_create
from tests.api.helpers import MISSING_ID, assert_error
from tests.bulk_jobs import V1, job, outcomes, run_worker, start
from tests.factories import make_organization, make_person

pytestmark = pytest.mark.django_db

JOB_KEYS = {
    "id",
    "record_type",
    "action",
    "status",
    "total",
    "processed",
    "changed",
    "skipped",
    "failed",
    "created_at",
    "started_at",
    "finished_at",
    "undo_of",
    "undone_by",
    "outcomes",
}


def test_only_the_jobs_actor_and_administrators_see_it(
    api, owner, teammate, manager, outsider, admin_user
):
    person = make_person(owner, full_name="Asha")
    job_id = start(api(owner), "people", {"ids": [person.pk], "action": "tag", "tags": ["x"]})
    assert set(job(api(owner), job_id)) == JOB_KEYS
    assert job(api(admin_user), job_id)["id"] == job_id
    for other in (teammate, manager, outsider):
        client = api(other)
        assert_error(client.get(f"{V1}/jobs/{job_id}"), 404, "not_found")
        assert_error(client.post(f"{V1}/jobs/{job_id}/undo"), 404, "not_found")
    assert_error(api(owner).get(f"{V1}/jobs/{MISSING_ID}"), 404, "not_found")


def test_outcomes_come_a_page_at_a_time_and_by_kind(api, owner):
    # given a job on 60 people and 60 ids that do not exist
    people = [make_person(owner, full_name=f"P {i:02d}") for i in range(60)]
    ids = [p.pk for p in people] + [MISSING_ID + i for i in range(60)]
    client = api(owner)
    job_id = start(client, "people", {"ids": ids, "action": "tag", "tags": ["vip"]})
    run_worker()
    # then the outcomes come 50 to a page, in the order the ids were sent
    first = job(client, job_id)["outcomes"]
    assert [i["record_id"] for i in first["items"]] == ids[:50] and first["next"]
    assert outcomes(client, job_id, limit=7).keys() == set(ids)
    # and by kind
    skipped = outcomes(client, job_id, outcome="skipped")
    assert set(skipped) == set(ids[60:])
    assert set(outcomes(client, job_id, outcome="changed")) == set(ids[:60])
    assert outcomes(client, job_id, outcome="failed") == {}
    resp = client.get(f"{V1}/jobs/{job_id}", {"outcome": "lost"})
    assert_error(resp, 422, "validation_failed")
    assert_error(client.get(f"{V1}/jobs/{job_id}", {"cursor": "nope"}), 422, "validation_failed")


def test_undo_puts_back_what_each_record_held_and_skips_one_changed_since(api, owner, teammate):
    # given three of the owner's people assigned in bulk to the teammate
    people = [make_person(owner, full_name=f"P {i}") for i in range(3)]
    ids = [p.pk for p in people]
    client = api(owner)
    job_id = start(client, "people", {"ids": ids, "action": "assign", "owner_id": teammate.pk})
    run_worker()
    # and the teammate has since changed one of them
    changed = Person.objects.get(pk=ids[1])
    contacts.person_update(
        actor=teammate, person=changed, data=PersonIn.build({"job_title": "CFO"}), version=None
    )
    # when the owner (who no longer sees them) undoes the bulk action
    resp = client.post(f"{V1}/jobs/{job_id}/undo")
    assert resp.status_code == 202, resp.content
    undo_id = resp.json()["id"]
    assert resp.json() == {"id": undo_id, "status": "pending", "total": 3}
    run_worker()
    # then the untouched two are the owner's again; the one changed since stays as it is
    owners = dict(Person.objects.filter(pk__in=ids).values_list("pk", "owner_id"))
    assert owners == {ids[0]: owner.pk, ids[1]: teammate.pk, ids[2]: owner.pk}
    assert outcomes(client, undo_id) == {
        ids[0]: ("changed", ""),
        ids[1]: ("skipped", "Changed since the bulk action: left as it is."),
        ids[2]: ("changed", ""),
    }
    # and the jobs link each other; the undone one says it was undone
    undone, undo = job(client, job_id), job(client, undo_id)
    assert (undone["status"], undone["undone_by"]) == ("undone", undo_id)
    assert (undo["action"], undo["undo_of"], undo["status"]) == ("undo", job_id, "done")
    # and neither can be undone again
    again = client.post(f"{V1}/jobs/{job_id}/undo")
    assert_error(again, 422, "validation_failed")
    assert again.json()["error"]["message"] == "This bulk action was already undone."
    twice = client.post(f"{V1}/jobs/{undo_id}/undo")
    assert twice.json()["error"]["message"] == "An undo cannot itself be undone."
    assert BulkJob.objects.count() == 2


def test_undo_of_an_edit_and_of_tags_puts_the_old_values_back(api, owner, admin_user):
    custom_field_create(
        actor=admin_user,
        data={"record_type": "organization", "key": "tier", "label": "Tier", "type": "text"},
    )
    orgs = [
        make_organization(owner, name="Kaveri", country="IN", tags=["textiles"]),
        make_organization(owner, name="Orion", country="BR", custom={"tier": "silver"}),
    ]
    ids = [o.pk for o in orgs]
    before = sorted(Organization.objects.values_list("pk", "country", "custom"))
    client = api(owner)
    # when an edit is made in bulk, then undone
    edit = start(
        client,
        "organizations",
        {"ids": ids, "action": "update", "values": {"country": "JP", "custom": {"tier": "gold"}}},
    )
    run_worker()
    assert set(Organization.objects.values_list("country", flat=True)) == {"JP"}
    assert client.post(f"{V1}/jobs/{edit}/undo").status_code == 202
    run_worker()
    # then the organizations are as they were
    assert sorted(Organization.objects.values_list("pk", "country", "custom")) == before
    # and the same for a tag added in bulk
    tag = start(client, "organizations", {"ids": ids, "action": "tag", "tags": ["vip"]})
    run_worker()
    assert Organization.objects.filter(tags__name="vip").count() == 2
    assert client.post(f"{V1}/jobs/{tag}/undo").status_code == 202
    run_worker()
    assert not Organization.objects.filter(tags__name="vip").exists()
    assert sorted(Organization.objects.get(pk=ids[0]).tags.values_list("name", flat=True)) == [
        "textiles"
    ]

    # and an undo of an older job skips what a later one changed (its version moved on)
    first = start(client, "organizations", {"ids": ids, "action": "tag", "tags": ["a"]})
    start(client, "organizations", {"ids": ids, "action": "tag", "tags": ["b"]})
    run_worker()
    undo = client.post(f"{V1}/jobs/{first}/undo").json()["id"]
    run_worker()
    assert {o for o, _r in outcomes(client, undo).values()} == {"skipped"}
    assert Organization.objects.filter(tags__name="a").count() == 2


def test_an_unfinished_job_or_one_that_changed_nothing_cannot_be_undone(api, owner):
    person = make_person(owner, full_name="Asha", tags=["vip"])
    client = api(owner)
    job_id = start(client, "people", {"ids": [person.pk], "action": "tag", "tags": ["vip"]})
    resp = client.post(f"{V1}/jobs/{job_id}/undo")
    assert resp.json()["error"]["message"] == (
        "This bulk action has not finished yet: undo it once it has."
    )
    run_worker()
    resp = client.post(f"{V1}/jobs/{job_id}/undo")
    assert resp.json()["error"]["message"] == (
        "Nothing to undo: this bulk action changed no record."
    )
    assert BulkJob.objects.count() == 1
