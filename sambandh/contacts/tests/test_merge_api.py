"""POST /api/v1/people/merge, /organizations/merge, GET /merges/{id}, POST /merges/{id}/undo."""

from __future__ import annotations

import pytest

from sambandh.contacts.models import Merge, Organization, Person
from sambandh.core.models import AuditEvent
from tests.api.helpers import assert_error
from tests.factories import make_organization, make_person

pytestmark = pytest.mark.django_db
V1 = "/api/v1"


def _two(owner):
    kept = make_person(owner, full_name="Asha Rao", job_title="Buyer")
    dup = make_person(owner, full_name="A. Rao", job_title="Head of Buying", email="a@x.example")
    return kept, dup


def test_merge_then_get_then_undo(owner, api):
    kept, dup = _two(owner)
    api = api(owner)
    resp = api.post(
        f"{V1}/people/merge",
        {"keep_id": kept.pk, "merge_ids": [dup.pk], "fields": {"job_title": dup.pk}},
    )
    assert resp.status_code == 200, resp.content
    body = resp.json()
    assert set(body) == {"merge_id", "person"}
    assert body["person"]["id"] == kept.pk
    assert body["person"]["job_title"] == "Head of Buying"
    assert [e["email"] for e in body["person"]["emails"]] == ["a@x.example"]
    assert not Person.objects.filter(pk=dup.pk).exists()

    got = api.get(f"{V1}/merges/{body['merge_id']}")
    assert got.status_code == 200, got.content
    assert got.json()["merged_ids"] == [dup.pk]
    assert got.json()["fields"] == {"job_title": dup.pk}
    assert got.json()["undone_at"] is None

    undone = api.post(f"{V1}/merges/{body['merge_id']}/undo")
    assert undone.status_code == 200, undone.content
    assert undone.json()["undone_at"] is not None
    assert Person.objects.get(pk=kept.pk).job_title == "Buyer"
    assert Person.objects.filter(pk=dup.pk).exists()
    assert_error(api.post(f"{V1}/merges/{body['merge_id']}/undo"), 409, "already_undone")


def test_organization_merge(owner, api):
    kept = make_organization(owner, name="Acme")
    dup = make_organization(owner, name="Acme Ltd", industry="Textiles")
    person = make_person(owner, full_name="Ravi", organization_id=dup.pk)
    resp = api(owner).post(f"{V1}/organizations/merge", {"keep_id": kept.pk, "merge_ids": [dup.pk]})
    assert resp.status_code == 200, resp.content
    assert resp.json()["organization"]["industry"] == "Textiles"
    assert Person.objects.get(pk=person.pk).organization_id == kept.pk
    assert not Organization.objects.filter(pk=dup.pk).exists()


@pytest.mark.parametrize(
    ("body", "status", "code", "field"),
    [
        (
            {"merge_ids": ["DUP"], "fields": {"nickname": "DUP"}},
            422,
            "validation_failed",
            "nickname",
        ),
        (
            {"merge_ids": ["DUP"], "fields": {"job_title": "OTHER"}},
            422,
            "validation_failed",
            "job_title",
        ),
        ({"merge_ids": ["KEPT"]}, 422, "validation_failed", "merge_ids"),
        ({"merge_ids": [999999]}, 404, "not_found", None),
        ({"merge_ids": ["ORG"]}, 404, "not_found", None),
        ({"merge_ids": list(range(1, 11))}, 422, "validation_failed", "merge_ids"),
        ({"merge_ids": ["DUP"], "extra": 1}, 422, "validation_failed", None),
    ],
)
def test_bad_requests_change_nothing(owner, api, body, status, code, field):
    kept, dup = _two(owner)
    other = make_person(owner, full_name="Someone else")
    org = make_organization(owner, name="Not a person")
    swap = {"DUP": dup.pk, "KEPT": kept.pk, "OTHER": other.pk, "ORG": org.pk + 1000}
    body = {
        "keep_id": kept.pk,
        **{k: ([swap.get(i, i) for i in v] if isinstance(v, list) else v) for k, v in body.items()},
    }
    if "fields" in body:
        body["fields"] = {k: swap.get(v, v) for k, v in body["fields"].items()}
    client = api(owner)
    audit = AuditEvent.objects.count()
    resp = client.post(f"{V1}/people/merge", body)
    assert_error(resp, status, code)
    if field:
        assert field in resp.json()["error"]["fields"]
    assert Person.objects.count() == 3 and AuditEvent.objects.count() == audit
    assert not Merge.objects.exists()


def test_someone_who_cannot_see_the_merge_gets_404(owner, outsider, api):
    kept, dup = _two(owner)
    resp = api(owner).post(f"{V1}/people/merge", {"keep_id": kept.pk, "merge_ids": [dup.pk]})
    merge_id = resp.json()["merge_id"]
    client = api(outsider)
    assert_error(client.get(f"{V1}/merges/{merge_id}"), 404, "not_found")
    assert_error(client.post(f"{V1}/merges/{merge_id}/undo"), 404, "not_found")
    assert Merge.objects.get(pk=merge_id).undone_at is None
