"""Every custom field type, end to end through the API: written, validated, read, filtered,
sorted (both ways, across pages), searched (text types) and described in the OpenAPI document."""

from __future__ import annotations

from typing import Any

import pytest

from sambandh.customfields.services import custom_field_create
from sambandh.search.selectors import search
from tests.api.helpers import assert_error, ids_of, snapshot, walk
from tests.factories import make_organization, make_person

pytestmark = pytest.mark.django_db

# type: (first value, second value sorting after it, what the second is stored as, a bad
# value, a filter on the second: {param suffix: value})
CASES: dict[str, tuple[Any, Any, Any, Any, dict[str, str]]] = {
    "text": ("alpha", "beta", "beta", 5, {"": "beta"}),
    "long_text": ("alpha story", "beta story", "beta story", ["x"], {"": "BETA"}),
    "number": (1.5, 20, 20, "20", {"": "20", ".min": "10"}),
    "money": (
        {"amount": "5.00", "currency": "EUR"},
        {"amount": "12.5", "currency": "EUR"},
        {"amount": "12.50", "currency": "EUR"},
        {"amount": "x", "currency": "EUR"},
        {".min": "10"},
    ),
    "date": ("2026-01-02", "2026-03-04", "2026-03-04", "2026-13-01", {"": "2026-03-04"}),
    "datetime": (
        "2026-01-02T10:00:00+05:30",
        "2026-03-04T00:00:00Z",
        "2026-03-04T00:00:00Z",
        "2026-01-02T10:00",
        {".min": "2026-02-01"},
    ),
    "boolean": (False, True, True, "yes", {"": "true"}),
    "picklist": ("gold", "silver", "silver", "bronze", {"": "silver"}),
    "multi_picklist": (["gold"], ["silver", "silver"], ["silver"], ["tin"], {"": "silver"}),
    "url": ("https://a.example", "https://b.example", "https://b.example", "ftp://x", {}),
    "email": ("a@x.example", "B@x.example", "b@x.example", "nope", {"": "b@x.example"}),
    "phone": ("+14155550100", "+1 415 555 0199", "+14155550199", "abc", {"": "+14155550199"}),
}


def _define(api, admin_user, kind: str, **extra: Any) -> dict[str, Any]:
    body = {"record_type": "person", "key": "k", "label": "K", "type": kind, **extra}
    if kind in ("picklist", "multi_picklist"):
        body["options"] = ["gold", "silver"]
    resp = api(admin_user).post("/api/v1/custom-fields", body)
    assert resp.status_code == 201, resp.content
    return resp.json()


@pytest.mark.parametrize("kind", sorted(CASES))
def test_a_type_is_written_validated_filtered_sorted_and_documented(
    api, admin_user, owner, client, kind
):
    first, second, stored, bad, filters = CASES[kind]
    _define(api, admin_user, kind)
    rep = api(owner)
    # when people are written with each value (and one without)
    ids = []
    for name, value in (("Asha", first), ("Bela", second)):
        resp = rep.post("/api/v1/people", {"full_name": name, "custom": {"k": value}})
        assert resp.status_code == 201, resp.content
        ids.append(resp.json()["id"])
    empty = make_person(owner, full_name="Chen")
    # then each reads back as stored
    assert rep.get(f"/api/v1/people/{ids[1]}").json()["custom"] == {"k": stored}
    # a bad value is a 422 naming the field, and changes nothing
    person = make_person(owner, full_name="Dev")
    before = snapshot(person)
    refused = rep.patch(f"/api/v1/people/{person.pk}", {"version": 1, "custom": {"k": bad}})
    assert_error(refused, 422, "validation_failed")
    assert set(refused.json()["error"]["fields"]) == {"custom.k"}
    assert snapshot(person) == before
    person.delete()
    # filters find the second
    for suffix, value in filters.items():
        assert ids_of(rep.get("/api/v1/people", {f"custom.k{suffix}": value})) == [ids[1]]
    # sorts put the empty value first, page by page, and reverse
    assert walk(rep, "/api/v1/people", {"sort": "custom.k", "limit": 1}) == [empty.pk, *ids]
    assert walk(rep, "/api/v1/people", {"sort": "-custom.k", "limit": 2}) == [
        *reversed(ids),
        empty.pk,
    ]
    # the OpenAPI document describes the field by its type
    document = client.get("/api/v1/openapi.json").json()
    custom = document["components"]["schemas"]["PersonOut"]["properties"]["custom"]
    assert custom["properties"]["k"]["x-custom-field-type"] == kind


def test_a_lookup_names_a_record_the_writer_may_see(api, admin_user, owner, outsider):
    _define(api, admin_user, "lookup", target="organization")
    mine = make_organization(owner, name="Acme")
    theirs = make_organization(outsider, name="Hidden Co")
    rep = api(owner)
    created = rep.post("/api/v1/people", {"full_name": "Asha", "custom": {"k": mine.pk}})
    assert created.status_code == 201, created.content
    assert created.json()["custom"] == {"k": mine.pk}
    # a record the writer may not see is refused as if it did not exist
    refused = rep.post("/api/v1/people", {"full_name": "Bela", "custom": {"k": theirs.pk}})
    assert_error(refused, 422, "validation_failed", {"custom.k": "No such organization."})
    assert ids_of(rep.get("/api/v1/people", {"custom.k": str(mine.pk)})) == [created.json()["id"]]


@pytest.mark.parametrize("kind", ["text", "long_text", "picklist", "multi_picklist", "email"])
def test_text_types_are_found_by_search(admin_user, owner, kind):
    value = {"picklist": "silver", "multi_picklist": ["silver"], "email": "zq@zebu.example"}.get(
        kind, "zebucorn"
    )
    custom_field_create(
        actor=admin_user,
        data={"record_type": "person", "key": "k", "label": "K", "type": kind}
        | ({"options": ["gold", "silver"]} if "picklist" in kind else {}),
    )
    person = make_person(owner, full_name="Asha", custom={"k": value})
    word = {"picklist": "silver", "multi_picklist": "silver", "email": "zebu"}.get(kind, "zebucorn")
    assert [h.record_id for h in search(viewer=owner, q=word)] == [person.pk]


def test_a_number_is_not_searched(admin_user, owner):
    custom_field_create(
        actor=admin_user,
        data={"record_type": "person", "key": "k", "label": "K", "type": "number"},
    )
    make_person(owner, full_name="Asha", custom={"k": 987654})
    assert search(viewer=owner, q="987654") == []


def test_every_record_type_takes_custom_fields(api, admin_user, owner, pipeline):
    from sambandh.core import registry

    paths = {}
    for rt in registry.record_types():
        custom_field_create(
            actor=admin_user,
            data={"record_type": rt.key, "key": "tier", "label": "Tier", "type": "text"},
        )
        paths[rt.key] = rt.api_path
    bodies: dict[str, dict[str, Any]] = {
        "person": {"full_name": "Asha"},
        "organization": {"name": "Acme"},
        "deal": {"name": "Big", "amount": "10", "currency": "INR"},
        "lead": {"full_name": "Ravi"},
        "activity": {"kind": "note", "subject": "Hi", "body": "x"},
    }
    rep = api(owner)
    for key, body in bodies.items():
        resp = rep.post(f"/api/v1/{paths[key]}", {**body, "custom": {"tier": "gold"}})
        assert resp.status_code == 201, (key, resp.content)
        assert resp.json()["custom"] == {"tier": "gold"}
        if key == "person":
            bodies["activity"]["person_id"] = resp.json()["id"]
        listed = rep.get(f"/api/v1/{paths[key]}", {"custom.tier": "gold", "sort": "custom.tier"})
        assert ids_of(listed) == [resp.json()["id"]]
