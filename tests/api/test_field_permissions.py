"""Field permissions: an admin hides a field from roles or makes it read-only for them, through
``PUT /api/v1/field-permissions`` or Settings → Field permissions, and every page, list, filter,
sort, search and API answer follows from the next request."""

from __future__ import annotations

import pytest

from sambandh.accounts.models import FieldRule
from sambandh.accounts.services_access import field_permission_set
from sambandh.sales import services as sales
from sambandh.sales.schemas import DealFields
from sambandh.search.selectors import search
from tests.api.helpers import assert_error, snapshot
from tests.factories import make_activity, make_deal, make_organization, make_person

pytestmark = pytest.mark.django_db
URL = "/api/v1/field-permissions"


@pytest.fixture
def person(owner):
    org = make_organization(owner, name="Kestrel Analytics")
    return make_person(
        owner,
        full_name="Asha Rao",
        email="asha@kestrel.example",
        phone="+91 98765 43210",
        organization_id=org.pk,
        job_title="Buyer",
    )


def _hide(admin, record_type, field, roles=("sales_rep",), read_only=()):
    field_permission_set(
        actor=admin,
        record_type=record_type,
        field=field,
        hidden_from=list(roles),
        read_only_for=list(read_only),
    )


def test_an_admin_sets_and_reads_a_fields_permissions(api, admin_user, owner):
    resp = api(admin_user).put(
        URL,
        {
            "record_type": "person",
            "field": "phones",
            "hidden_from": ["sales_rep"],
            "read_only_for": ["marketer"],
        },
    )
    assert resp.status_code == 200
    assert resp.json() == {
        "record_type": "person",
        "field": "phones",
        "hidden_from": ["sales_rep"],
        "read_only_for": ["marketer"],
    }
    listed = api(owner).get(URL, {"record_type": "person"}).json()["items"]
    phones = next(item for item in listed if item["field"] == "phones")
    assert (phones["hidden_from"], phones["read_only_for"]) == (["sales_rep"], ["marketer"])
    assert next(item for item in listed if item["field"] == "full_name")["hideable"] is False


def test_only_an_admin_sets_field_permissions(api, manager):
    client = api(manager)
    resp = client.put(URL, {"record_type": "person", "field": "phones", "hidden_from": []})
    assert_error(resp, 403, "forbidden")
    assert not FieldRule.objects.exists()


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"record_type": "spaceship", "field": "phones"}, {"record_type": "Not a record type."}),
        (
            {"record_type": "person", "field": "shoe_size"},
            {"field": "Not a field of this record type."},
        ),
        (
            {"record_type": "person", "field": "phones", "hidden_from": ["pirate"]},
            {
                "hidden_from.0": "Unknown role. Choose from: manager, sales_rep, "
                "support_agent, marketer, read_only."
            },
        ),
        (
            {"record_type": "person", "field": "phones", "read_only_for": ["admin"]},
            {"read_only_for.0": "Administrators always see and change every field."},
        ),
        (
            {"record_type": "person", "field": "full_name", "hidden_from": ["sales_rep"]},
            {"hidden_from": "This field identifies the record and cannot be hidden."},
        ),
        (
            {
                "record_type": "person",
                "field": "phones",
                "hidden_from": ["marketer"],
                "read_only_for": ["marketer"],
            },
            {"read_only_for": "“marketer” is already hidden from."},
        ),
        (
            {"record_type": "person", "field": "phones", "everyone": True},
            {"everyone": "Unknown field."},
        ),
    ],
)
def test_a_bad_field_permission_is_refused_and_changes_nothing(api, admin_user, body, fields):
    _hide(admin_user, "person", "emails", roles=["marketer"])
    before = list(FieldRule.objects.values_list())
    resp = api(admin_user).put(URL, body)
    assert_error(resp, 422, "validation_failed", fields)
    assert list(FieldRule.objects.values_list()) == before


def test_a_hidden_field_is_absent_from_the_record_and_the_list(api, admin_user, owner, person):
    client = api(owner)
    assert client.get(f"/api/v1/people/{person.pk}").json()["phone"] == "+919876543210"
    assert client.lane_answered
    # when phones are hidden from sales reps
    _hide(admin_user, "person", "phones")
    # then from the next request the record has no phones, and the read lane stepped aside
    record = client.get(f"/api/v1/people/{person.pk}")
    assert record.status_code == 200 and not client.lane_answered
    assert "phones" not in record.json() and "phone" not in record.json()
    assert record.json()["emails"][0]["email"] == "asha@kestrel.example"
    row = client.get("/api/v1/people").json()["items"][0]
    assert "phone" not in row and row["email"] == "asha@kestrel.example"
    assert "98765" not in record.content.decode() + str(row)
    # while an admin still sees them
    assert api(admin_user).get(f"/api/v1/people/{person.pk}").json()["phone"] == "+919876543210"


def test_a_hidden_field_cannot_be_filtered_or_sorted_on(api, admin_user, owner, pipeline):
    make_deal(owner, pipeline, name="Big", amount="900")
    _hide(admin_user, "deal", "amount")
    _hide(admin_user, "person", "emails")
    client = api(owner)
    assert_error(
        client.get("/api/v1/deals", {"sort": "-amount"}),
        422,
        "validation_failed",
        {"sort": "This field is hidden from you."},
    )
    assert_error(
        client.get("/api/v1/people", {"email": "asha@kestrel.example"}),
        422,
        "validation_failed",
        {"email": "This field is hidden from you."},
    )
    deal = client.get("/api/v1/deals").json()["items"][0]
    assert "amount" not in deal and deal["name"] == "Big"


def test_a_hidden_field_is_not_searched_nor_shown_in_results(admin_user, owner, person):
    assert [h.subtitle for h in search(viewer=owner, q="98765")] == [
        "Buyer · Kestrel Analytics · asha@kestrel.example"
    ]
    _hide(admin_user, "person", "phones")
    _hide(admin_user, "person", "emails")
    owner = type(owner).objects.get(pk=owner.pk)  # the next request
    assert search(viewer=owner, q="98765") == []
    assert search(viewer=owner, q="asha@kestrel.example") == []
    assert [h.subtitle for h in search(viewer=owner, q="Asha")] == ["Buyer · Kestrel Analytics"]
    assert [h.record_id for h in search(viewer=admin_user, q="98765")] == [person.pk]


def test_a_change_to_a_read_only_field_is_refused_and_changes_nothing(
    api, admin_user, owner, person
):
    _hide(admin_user, "person", "job_title", roles=[], read_only=["sales_rep"])
    client = api(owner)
    before = snapshot(person)
    resp = client.patch(f"/api/v1/people/{person.pk}", {"job_title": "CEO", "version": 1})
    assert_error(resp, 403, "forbidden", {"job_title": "You cannot change this field."})
    assert snapshot(person) == before
    # sending it back unchanged is fine
    resp = client.patch(
        f"/api/v1/people/{person.pk}", {"job_title": "Buyer", "source": "fair", "version": 1}
    )
    assert resp.status_code == 200 and resp.json()["job_title"] == "Buyer"


def test_a_change_to_a_hidden_field_is_refused(api, admin_user, owner, person):
    _hide(admin_user, "person", "phones")
    client = api(owner)
    before = snapshot(person)
    resp = client.patch(
        f"/api/v1/people/{person.pk}", {"phones": [{"number": "+91 90000 00000"}], "version": 1}
    )
    assert_error(resp, 403, "forbidden", {"phones": "You cannot change this field."})
    assert snapshot(person) == before


def test_pages_leave_out_a_hidden_field_and_forms_keep_it(browser_for, admin_user, owner, person):
    _hide(admin_user, "person", "phones")
    client = browser_for(owner)
    for url in (f"/people/{person.pk}/", "/people/", f"/people/{person.pk}/edit/"):
        page = client.get(url).content.decode()
        assert "98765" not in page and "9876543210" not in page, url
    # saving the form (which has no phone field now) keeps the phone
    resp = client.post(
        f"/people/{person.pk}/edit/",
        {"full_name": "Asha R. Rao", "owner": owner.pk, "organization": "", "version": "1"},
    )
    assert resp.status_code == 302
    person.refresh_from_db()
    assert (person.full_name, person.phone) == ("Asha R. Rao", "+919876543210")


def test_a_read_only_field_is_shown_but_disabled_in_the_form(
    browser_for, admin_user, owner, person
):
    _hide(admin_user, "person", "job_title", roles=[], read_only=["sales_rep"])
    page = browser_for(owner).get(f"/people/{person.pk}/edit/").content.decode()
    assert (
        'name="job_title" value="Buyer"' in page
        and "disabled" in page.split('name="job_title"')[1][:80]
    )


def test_a_hidden_amount_leaves_the_board_without_totals(browser_for, admin_user, owner, pipeline):
    make_deal(owner, pipeline, name="Big", amount="987654", currency="INR")
    _hide(admin_user, "deal", "amount")
    page = browser_for(owner).get("/deals/").content.decode()
    assert "Big" in page and "9,87,654" not in page and "987,654" not in page


def test_a_hidden_activity_field_is_not_on_the_timeline_nor_in_the_api(
    api, browser_for, admin_user, owner, person
):
    note = make_activity(owner, "note", person_id=person.pk, body="The secret price is 42")
    _hide(admin_user, "activity", "body")
    assert "secret price" not in browser_for(owner).get(f"/people/{person.pk}/").content.decode()
    assert "body" not in api(owner).get(f"/api/v1/activities/{note.pk}").json()


def test_the_settings_page_sets_field_permissions(browser_for, admin_user, owner):
    client = browser_for(admin_user)
    page = client.get("/settings/fields/?type=deal").content.decode()
    assert 'name="rule:amount:sales_rep"' in page
    resp = client.post("/settings/fields/?type=deal", {"rule:amount:sales_rep": "hidden"})
    assert resp.status_code == 302
    assert list(FieldRule.objects.values_list("record_type", "field", "role", "access")) == [
        ("deal", "amount", "sales_rep", "hidden")
    ]
    # a rep gets no settings
    assert browser_for(owner).get("/settings/fields/").status_code == 403


def test_field_permissions_apply_to_deal_writes_too(api, admin_user, owner, pipeline):
    deal = make_deal(owner, pipeline, name="Big")
    _hide(admin_user, "deal", "amount", roles=[], read_only=["sales_rep"])
    client = api(owner)
    before = snapshot(deal)
    resp = client.patch(f"/api/v1/deals/{deal.pk}", {"amount": "5", "version": 1})
    assert_error(resp, 403, "forbidden", {"amount": "You cannot change this field."})
    assert snapshot(deal) == before
    sales.deal_update(
        actor=admin_user, deal=deal, data=DealFields.build({"amount": "5"}), version=1
    )
