"""A custom field hidden from a role, or read-only for it, through the field policy like a
native field: absent from the API record (the read lane steps aside), lists, search and pages;
filters and sorts on it are refused; a change is refused and changes nothing."""

from __future__ import annotations

import pytest

from sambandh.accounts import policy
from sambandh.accounts.services_access import field_permission_set
from sambandh.customfields.services import custom_field_create
from sambandh.search.selectors import search
from tests.api.helpers import assert_error, snapshot
from tests.factories import make_organization, make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def tier(admin_user):
    return custom_field_create(
        actor=admin_user,
        data={"record_type": "person", "key": "tier", "label": "Tier", "type": "text"},
    )


def test_a_hidden_custom_field_is_absent_everywhere(api, admin_user, owner, tier, browser_for):
    person = make_person(owner, full_name="Asha", custom={"tier": "platinumx"})
    field_permission_set(
        actor=admin_user, record_type="person", field="custom.tier", hidden_from=["sales_rep"]
    )
    rep = api(owner)
    # the record, through the lane's check and the API's redaction
    body = rep.get(f"/api/v1/people/{person.pk}")
    assert body.status_code == 200
    assert not rep.lane_answered
    assert body.json()["custom"] == {}
    assert b"platinumx" not in body.content
    # filters and sorts on it are refused, naming it
    assert_error(
        rep.get("/api/v1/people", {"custom.tier": "platinumx"}),
        422,
        "validation_failed",
        {"custom.tier": "This field is hidden from you."},
    )
    assert_error(
        rep.get("/api/v1/people", {"sort": "-custom.tier"}),
        422,
        "validation_failed",
        {"sort": "This field is hidden from you."},
    )
    # search does not find the record by it (the rep's rules are read afresh)
    policy.forget_field_access(owner)
    assert search(viewer=owner, q="platinumx") == []
    assert [h.record_id for h in search(viewer=admin_user, q="platinumx")] == [person.pk]
    # the record page and the form leave it out
    page = browser_for(owner).get(f"/people/{person.pk}/")
    assert page.status_code == 200 and b"platinumx" not in page.content
    form = browser_for(owner).get(f"/people/{person.pk}/edit/")
    assert b"cf_tier" not in form.content
    # a write to it is refused and changes nothing
    before = snapshot(person)
    refused = rep.patch(
        f"/api/v1/people/{person.pk}", {"version": person.version, "custom": {"tier": "x"}}
    )
    assert_error(refused, 403, "forbidden", {"custom.tier": "You cannot change this field."})
    assert snapshot(person) == before
    # the admin still sees it everywhere
    assert api(admin_user).get(f"/api/v1/people/{person.pk}").json()["custom"] == {
        "tier": "platinumx"
    }
    admin_page = browser_for(admin_user).get(f"/people/{person.pk}/")
    assert b"platinumx" in admin_page.content


def test_a_read_only_custom_field_is_shown_but_not_changed(api, admin_user, owner, tier):
    person = make_person(owner, full_name="Asha", custom={"tier": "gold"})
    field_permission_set(
        actor=admin_user, record_type="person", field="custom.tier", read_only_for=["sales_rep"]
    )
    rep = api(owner)
    assert rep.get(f"/api/v1/people/{person.pk}").json()["custom"] == {"tier": "gold"}
    before = snapshot(person)
    refused = rep.patch(
        f"/api/v1/people/{person.pk}", {"version": person.version, "custom": {"tier": "x"}}
    )
    assert_error(refused, 403, "forbidden", {"custom.tier": "You cannot change this field."})
    assert snapshot(person) == before
    # sending it back unchanged (as a form does) is fine
    same = rep.patch(
        f"/api/v1/people/{person.pk}",
        {"version": person.version, "custom": {"tier": "gold"}, "job_title": "Buyer"},
    )
    assert same.status_code == 200, same.content


def test_the_field_permissions_api_lists_custom_fields(api, admin_user, tier):
    listed = api(admin_user).get("/api/v1/field-permissions", {"record_type": "person"})
    assert listed.status_code == 200, listed.content
    names = [f["field"] for f in listed.json()["items"]]
    assert "custom.tier" in names


def test_a_lookup_to_a_hidden_organization_is_not_shown_on_the_page(
    admin_user, owner, outsider, browser_for
):
    custom_field_create(
        actor=admin_user,
        data={
            "record_type": "person",
            "key": "partner",
            "label": "Partner",
            "type": "lookup",
            "target": "organization",
        },
    )
    theirs = make_organization(outsider, name="Secretive Partners")
    person = make_person(admin_user, full_name="Asha", custom={"partner": theirs.pk})
    from sambandh.accounts.services import record_share

    record_share(actor=admin_user, record_type="person", record_id=person.pk, user=owner)
    page = browser_for(owner).get(f"/people/{person.pk}/")
    assert page.status_code == 200
    assert b"Secretive Partners" not in page.content
    assert b"Secretive Partners" in browser_for(admin_user).get(f"/people/{person.pk}/").content


def test_a_lookup_to_a_record_the_viewer_may_not_see_is_left_out_of_the_api(
    api, admin_user, owner, outsider, pipeline
):
    # given a lookup to organizations on people and deals, set by the admin to the outsider's
    for record_type in ("person", "deal"):
        custom_field_create(
            actor=admin_user,
            data={
                "record_type": record_type,
                "key": "partner",
                "label": "Partner",
                "type": "lookup",
                "target": "organization",
            },
        )
    theirs = make_organization(outsider, name="Secretive Partners")
    mine = make_organization(owner, name="Open Partners")
    hidden = make_person(admin_user, full_name="Asha", custom={"partner": theirs.pk})
    shown = make_person(admin_user, full_name="Bela", custom={"partner": mine.pk})
    from sambandh.accounts.services import record_share
    from tests.factories import make_deal

    deal = make_deal(admin_user, pipeline, custom={"partner": theirs.pk})
    for record_type, record in (("person", hidden), ("person", shown), ("deal", deal)):
        record_share(actor=admin_user, record_type=record_type, record_id=record.pk, user=owner)
    rep = api(owner)
    # then the rep reads neither its id (the lane steps aside for the API's check) ...
    read = rep.get(f"/api/v1/people/{hidden.pk}")
    assert read.status_code == 200 and read.json()["custom"] == {}
    assert not rep.lane_answered
    assert rep.get(f"/api/v1/people/{shown.pk}").json()["custom"] == {"partner": mine.pk}
    assert rep.get(f"/api/v1/deals/{deal.pk}").json()["custom"] == {}
    listed = rep.get("/api/v1/deals")
    assert [d.get("custom") for d in listed.json()["items"]] in ([None], [{}])
    # ... while the admin does
    assert api(admin_user).get(f"/api/v1/people/{hidden.pk}").json()["custom"] == {
        "partner": theirs.pk
    }
    assert api(admin_user).get(f"/api/v1/deals/{deal.pk}").json()["custom"] == {
        "partner": theirs.pk
    }
