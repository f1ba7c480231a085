"""The record-type registry: a record type declared once (tests/registry_app, which the test
settings install) appears in the API, sharing, search, saved views, lists and the field
policy without a line elsewhere."""

from __future__ import annotations

import pytest

from sambandh.core import registry
from sambandh.core.errors import ValidationFailed
from sambandh.core.saved_views import saved_view_create
from sambandh.search.selectors import search
from tests.api.helpers import assert_error
from tests.registry_app.records import gadget_create

pytestmark = pytest.mark.django_db


def test_the_declared_types_are_the_app_types_and_the_test_type():
    keys = [t.key for t in registry.record_types()]
    assert keys[:5] == ["person", "organization", "deal", "lead", "activity"]
    assert "gadget" in keys
    assert registry.by_api_path("gadgets") is registry.get("gadget")


def test_an_unknown_record_type_is_a_clear_error():
    with pytest.raises(ValidationFailed) as exc:
        registry.get("spaceship")
    assert exc.value.fields == {"record_type": "Not a record type."}


def test_the_api_lists_the_test_type_with_its_fields(api, owner):
    resp = api(owner).get("/api/v1/record-types")
    assert resp.status_code == 200
    gadget = next(t for t in resp.json()["items"] if t["key"] == "gadget")
    assert gadget["api_path"] == "gadgets"
    assert [f["name"] for f in gadget["fields"]] == ["name", "color", "owner"]
    assert gadget["shareable"] is True


def test_the_test_type_is_shared_through_the_api_and_then_seen(api, owner, teammate):
    gadget = gadget_create(actor=owner, name="Quantum widget")
    assert not registry.get("gadget").visible(teammate).filter(pk=gadget.pk).exists()
    resp = api(owner).post(
        f"/api/v1/gadgets/{gadget.pk}/shares", {"user_id": teammate.pk, "access": "read"}
    )
    assert resp.status_code == 201, resp.content
    assert resp.json()["user"] == {"id": teammate.pk, "name": "Tejas Teammate"}
    assert registry.get("gadget").visible(teammate).filter(pk=gadget.pk).exists()
    # and an outsider still cannot even list its shares
    assert_error(api(teammate).post(f"/api/v1/gadgets/{gadget.pk}/shares", {}), 403, "forbidden")


def test_the_test_type_is_found_by_search_with_a_link_to_its_page(owner, outsider):
    gadget = gadget_create(actor=owner, name="Quantum widget", color="teal")
    hits = search(viewer=owner, q="quantum")
    assert [(h.record_type, h.record_id, h.url) for h in hits] == [
        ("gadget", gadget.pk, f"/gadgets/{gadget.pk}/")
    ]
    assert search(viewer=outsider, q="quantum") == []


def test_the_test_type_has_a_list_page_with_saved_views(browser_for, owner, outsider):
    gadget_create(actor=owner, name="Quantum widget", color="teal")
    gadget_create(actor=outsider, name="Outsider gizmo")
    page = browser_for(owner).get("/records/gadgets/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "Quantum widget" in body and "teal" in body
    assert "Outsider gizmo" not in body
    view = saved_view_create(actor=owner, list_key="gadgets", name="Teal", filters={"name": "q"})
    assert browser_for(owner).get(f"/records/gadgets/?view={view.pk}").status_code == 200


def test_a_field_of_the_test_type_can_be_hidden_from_a_role(api, admin_user, owner, browser_for):
    gadget_create(actor=owner, name="Quantum widget", color="teal")
    resp = api(admin_user).put(
        "/api/v1/field-permissions",
        {"record_type": "gadget", "field": "color", "hidden_from": ["sales_rep"]},
    )
    assert resp.status_code == 200, resp.content
    body = browser_for(owner).get("/records/gadgets/").content.decode()
    assert "Quantum widget" in body and "teal" not in body


def test_a_type_cannot_be_declared_twice_differently():
    gadget = registry.get("gadget")
    from dataclasses import replace

    with pytest.raises(RuntimeError):
        registry.register(replace(gadget, label_plural="Other"))
    registry.register(gadget)  # the same declaration again is harmless
