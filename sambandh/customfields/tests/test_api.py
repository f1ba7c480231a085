"""/api/v1/custom-fields and custom values on records, through the API as a client sees it."""

from __future__ import annotations

import pytest

from sambandh.core.models import AuditEvent
from sambandh.customfields.models import CustomField
from tests.api.helpers import assert_error, ids_of, snapshot, walk
from tests.factories import make_person

pytestmark = pytest.mark.django_db
URL = "/api/v1/custom-fields"
TIER = {
    "record_type": "person",
    "key": "loyalty_tier",
    "label": "Loyalty tier",
    "type": "picklist",
    "options": ["gold", "silver"],
}


def _create(api, admin_user, **extra):
    resp = api(admin_user).post(URL, {**TIER, **extra})
    assert resp.status_code == 201, resp.content
    return resp.json()


def test_an_admin_creates_a_picklist_exactly_as_the_issue_names_it(api, admin_user):
    # when an admin posts the issue's body
    body = _create(api, admin_user)
    # then the field is defined, listed, and audited
    assert body["key"] == "loyalty_tier"
    assert body["name"] == "custom.loyalty_tier"
    assert body["type"] == "picklist"
    assert body["options"] == ["gold", "silver"]
    assert body["removed"] is False
    listed = api(admin_user).get(URL, {"record_type": "person"}).json()
    assert [f["key"] for f in listed["items"]] == ["loyalty_tier"]
    audit = AuditEvent.objects.filter(record_type="custom_field", record_id=body["id"])
    assert [a.action for a in audit] == ["create"]


def test_a_value_is_written_read_and_validated_by_type(api, admin_user, owner):
    _create(api, admin_user)
    # when the owner creates a person with a tier
    resp = api(owner).post(
        "/api/v1/people", {"full_name": "Asha", "custom": {"loyalty_tier": "gold"}}
    )
    assert resp.status_code == 201, resp.content
    person_id = resp.json()["id"]
    # then the record answers it, through the API and the read lane alike
    client = api(owner)
    assert client.get(f"/api/v1/people/{person_id}").json()["custom"] == {"loyalty_tier": "gold"}
    # and a value outside the options is a 422 naming the field, changing nothing
    person = CustomField.objects.get().record_type and make_person(owner, full_name="Ravi")
    before = snapshot(person)
    bad = client.patch(
        f"/api/v1/people/{person.pk}",
        {"version": person.version, "custom": {"loyalty_tier": "bronze"}},
    )
    assert_error(bad, 422, "validation_failed")
    assert set(bad.json()["error"]["fields"]) == {"custom.loyalty_tier"}
    assert snapshot(person) == before


def test_unknown_custom_keys_are_refused(api, admin_user, owner):
    _create(api, admin_user)
    resp = api(owner).post("/api/v1/people", {"full_name": "Asha", "custom": {"nope": 1}})
    assert_error(resp, 422, "validation_failed", {"custom.nope": "Unknown custom field."})


def test_filter_and_sort_on_a_custom_field(api, admin_user, owner):
    _create(api, admin_user)
    a = make_person(owner, full_name="Asha", custom={"loyalty_tier": "silver"})
    b = make_person(owner, full_name="Bela", custom={"loyalty_tier": "gold"})
    c = make_person(owner, full_name="Chen")
    client = api(owner)
    assert ids_of(client.get("/api/v1/people", {"custom.loyalty_tier": "gold"})) == [b.pk]
    assert walk(client, "/api/v1/people", {"sort": "custom.loyalty_tier", "limit": 1}) == [
        c.pk,
        b.pk,
        a.pk,
    ]
    assert walk(client, "/api/v1/people", {"sort": "-custom.loyalty_tier", "limit": 2}) == [
        a.pk,
        b.pk,
        c.pk,
    ]
    bad = client.get("/api/v1/people", {"custom.nope": "x"})
    assert_error(bad, 422, "validation_failed", {"custom.nope": "Unknown custom field."})
    bad_sort = client.get("/api/v1/people", {"sort": "custom.nope"})
    assert_error(bad_sort, 422, "validation_failed")
    assert set(bad_sort.json()["error"]["fields"]) == {"sort"}


def test_the_openapi_document_lists_the_fields_as_defined(api, admin_user, client):
    before = client.get("/api/v1/openapi.json").json()
    assert before["components"]["schemas"]["PersonOut"]["properties"]["custom"]["properties"] == {}
    _create(api, admin_user)
    after = client.get("/api/v1/openapi.json").json()
    custom = after["components"]["schemas"]["PersonOut"]["properties"]["custom"]
    assert custom["properties"]["loyalty_tier"]["anyOf"][0] == {
        "type": "string",
        "enum": ["gold", "silver"],
    }
    assert (
        "loyalty_tier"
        in after["components"]["schemas"]["PersonIn"]["properties"]["custom"]["properties"]
    )
