"""/api/v1/leads: create, read, update, delete, list, and convert."""

from __future__ import annotations

import pytest

from sambandh.activities.models import Activity
from sambandh.contacts.models import Organization, Person
from sambandh.sales import services as sales
from sambandh.sales.models import Deal, Lead
from sambandh.sales.schemas import LeadIn
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
from tests.factories import make_activity, make_lead, make_organization

pytestmark = pytest.mark.django_db

URL = "/api/v1/leads"
DETAIL_KEYS = {
    "id",
    "version",
    "full_name",
    "company",
    "job_title",
    "email",
    "phone",
    "status",
    "source",
    "country",
    "preferred_language",
    "description",
    "tags",
    "owner",
    "custom",
    "converted_at",
    "converted_person_id",
    "converted_organization_id",
    "converted_deal_id",
    "created_at",
    "updated_at",
}
LIST_KEYS = {
    "id",
    "version",
    "full_name",
    "company",
    "email",
    "phone",
    "status",
    "source",
    "country",
    "tags",
    "owner",
    "created_at",
    "updated_at",
}
ROUTES = [
    ("get", "/{id}", None),
    ("patch", "/{id}", {"status": "contacted", "version": 1}),
    ("delete", "/{id}?version=1", None),
    ("post", "/{id}/convert", {"version": 1}),
]


@pytest.fixture
def lead(owner):
    return make_lead(
        owner,
        full_name="Kenji Sato",
        company="Sony",
        email="kenji@sony.jp",
        phone="03-6748-2111",
        country="JP",
    )


def counts():
    return (Person.objects.count(), Organization.objects.count(), Deal.objects.count())


def test_create_answers_201_with_the_full_record(api, owner):
    resp = api(owner).post(
        URL,
        {
            "full_name": "Amara Okafor",
            "company": "Dangote",
            "email": "AMARA@dangote.ng",
            "phone": "0803 123 4567",
            "country": "NG",
            "source": "webinar",
            "tags": ["hot"],
        },
    )
    assert resp.status_code == 201, resp.content
    assert resp["ETag"] == etag(1)
    body = resp.json()
    assert set(body) == DETAIL_KEYS
    assert (body["email"], body["phone"], body["status"]) == (
        "amara@dangote.ng",
        "+2348031234567",
        "new",
    )
    assert (body["tags"], body["converted_person_id"]) == (["hot"], None)


def test_create_refuses_bad_input_and_writes_nothing(api, owner):
    resp = api(owner).post(URL, {"company": "X", "email": "nope", "status": "converted"})
    assert_error(resp, 422, "validation_failed")
    assert set(resp.json()["error"]["fields"]) == {"full_name", "email", "status"}
    assert Lead.objects.count() == 0


def test_read_and_update(api, owner, lead):
    client = api(owner)
    resp = client.get(f"{URL}/{lead.pk}")
    assert (resp.status_code, resp["ETag"], set(resp.json())) == (200, etag(1), DETAIL_KEYS)
    resp = client.patch(f"{URL}/{lead.pk}", {"status": "qualified", "version": 1})
    assert resp.status_code == 200, resp.content
    assert (resp["ETag"], resp.json()["status"]) == (etag(2), "qualified")
    resp = client.patch(f"{URL}/{lead.pk}", {"job_title": "CTO"}, **{"If-Match": etag(2)})
    assert resp.status_code == 200, resp.content
    lead.refresh_from_db()
    assert (lead.status, lead.job_title, lead.version) == ("qualified", "CTO", 3)


def test_stale_or_missing_versions_change_nothing(api, owner, lead):
    sales.lead_update(actor=owner, lead=lead, data=LeadIn.build({"source": "fair"}), version=1)
    client = api(owner)
    before = snapshot(lead)
    assert_error(
        client.patch(f"{URL}/{lead.pk}", {"source": "x", "version": 1}), 409, "version_conflict"
    )
    assert_error(client.patch(f"{URL}/{lead.pk}", {"source": "x"}), 428, "version_required")
    assert_error(client.post(f"{URL}/{lead.pk}/convert", {"version": 1}), 409, "version_conflict")
    assert_error(client.post(f"{URL}/{lead.pk}/convert", {}), 428, "version_required")
    assert_error(client.delete(f"{URL}/{lead.pk}?version=1"), 409, "version_conflict")
    assert_error(client.delete(f"{URL}/{lead.pk}"), 428, "version_required")
    assert_error(
        client.patch(f"{URL}/{lead.pk}", {"version": 2, "score": 9}),
        422,
        "validation_failed",
        {"score": "Unknown field."},
    )
    assert snapshot(lead) == before
    assert counts() == (0, 0, 0)


def test_convert_makes_a_person_organization_and_deal(api, owner, pipeline, lead):
    # given a note on the lead
    note = make_activity(owner, "note", lead_id=lead.pk)
    # when it is converted with an amount
    resp = api(owner).post(
        f"{URL}/{lead.pk}/convert", {"version": 1, "amount": "5000", "currency": "JPY"}
    )
    # then the lead points at what was made, and the note moved along
    assert resp.status_code == 200, resp.content
    assert resp["ETag"] == etag(2)
    body = resp.json()
    person = Person.objects.get()
    org = Organization.objects.get()
    deal = Deal.objects.get()
    assert (
        body["status"],
        body["converted_person_id"],
        body["converted_organization_id"],
        body["converted_deal_id"],
    ) == ("converted", person.pk, org.pk, deal.pk)
    assert body["converted_at"].endswith("Z")
    assert (person.full_name, person.email, person.phone, person.organization_id) == (
        "Kenji Sato",
        "kenji@sony.jp",
        "+81367482111",
        org.pk,
    )
    assert (org.name, deal.amount, deal.currency) == ("Sony", 5000, "JPY")
    assert list(deal.people.all()) == [person]
    note.refresh_from_db()
    assert (note.person_id, note.organization_id, note.deal_id) == (person.pk, org.pk, deal.pk)


def test_convert_without_a_deal_into_an_existing_organization(api, owner, pipeline, lead):
    org = make_organization(owner, name="Sony Group")
    resp = api(owner).post(
        f"{URL}/{lead.pk}/convert", {"version": 1, "create_deal": False, "organization_id": org.pk}
    )
    assert resp.status_code == 200, resp.content
    assert (resp.json()["converted_organization_id"], resp.json()["converted_deal_id"]) == (
        org.pk,
        None,
    )
    assert counts() == (1, 1, 0)


def test_a_converted_lead_cannot_be_converted_or_changed_again(api, owner, pipeline, lead):
    client = api(owner)
    # (with If-Match the body may be left out altogether)
    resp = client.client.generic(
        "POST", f"{URL}/{lead.pk}/convert", b"", headers=client._headers({"If-Match": etag(1)})
    )
    assert resp.status_code == 200, resp.content
    lead.refresh_from_db()
    before = snapshot(lead)
    assert_error(client.post(f"{URL}/{lead.pk}/convert", {"version": 2}), 422, "validation_failed")
    assert_error(
        client.patch(f"{URL}/{lead.pk}", {"source": "x", "version": 2}), 422, "validation_failed"
    )
    assert snapshot(lead) == before
    assert counts() == (1, 1, 1)


def test_delete(api, owner, lead):
    assert api(owner).delete(f"{URL}/{lead.pk}?version=1").status_code == 204
    assert not Lead.objects.filter(pk=lead.pk).exists()


@pytest.mark.parametrize("who", ["outsider", "teammate"])
@pytest.mark.parametrize("method,path,body", ROUTES)
def test_a_hidden_lead_answers_404_like_a_missing_one(
    request, api, pipeline, lead, who, method, path, body
):
    client = api(request.getfixturevalue(who))
    before = snapshot(lead)
    hidden = call(client, method, URL + path.format(id=lead.pk), body)
    missing = call(client, method, URL + path.format(id=MISSING_ID), body)
    assert_error(hidden, 404, "not_found")
    assert (hidden.status_code, hidden.json()) == (missing.status_code, missing.json())
    assert snapshot(lead) == before
    assert counts() == (0, 0, 0)


@pytest.mark.parametrize("who", ["outsider", "teammate"])
def test_a_hidden_lead_is_not_listed(request, api, owner, lead, who):
    client = api(request.getfixturevalue(who))
    assert walk(client, URL) == []
    assert ids_of(client.get(URL, {"owner_id": owner.pk})) == []


def test_a_hidden_organization_cannot_receive_a_conversion(api, owner, outsider, pipeline):
    # given the outsider's own lead and the owner's organization
    theirs = make_lead(outsider, full_name="Lead", company="Co")
    org = make_organization(owner, name="Hidden")
    client = api(outsider)
    before = snapshot(theirs)
    hidden = client.post(f"{URL}/{theirs.pk}/convert", {"version": 1, "organization_id": org.pk})
    missing = client.post(
        f"{URL}/{theirs.pk}/convert", {"version": 1, "organization_id": MISSING_ID}
    )
    assert_error(hidden, 422, "validation_failed", {"organization_id": "No such organization."})
    assert hidden.json() == missing.json()
    assert snapshot(theirs) == before
    assert counts() == (0, 1, 0)


def test_the_manager_sees_changes_and_converts_the_teams_leads(api, manager, pipeline, lead):
    client = api(manager)
    assert client.get(f"{URL}/{lead.pk}").status_code == 200
    assert walk(client, URL) == [lead.pk]
    assert (
        client.patch(f"{URL}/{lead.pk}", {"status": "contacted", "version": 1}).status_code == 200
    )
    assert client.post(f"{URL}/{lead.pk}/convert", {"version": 2}).status_code == 200
    assert Lead.objects.get(pk=lead.pk).status == "converted"


def test_read_only_users_read_but_cannot_write(api, readonly, pipeline, lead):
    client = api(readonly)
    before = snapshot(lead)
    assert client.get(f"{URL}/{lead.pk}").status_code == 200
    assert_error(client.post(URL, {"full_name": "New"}), 403, "forbidden")
    assert_error(client.patch(f"{URL}/{lead.pk}", {"source": "x", "version": 1}), 403, "forbidden")
    assert_error(client.post(f"{URL}/{lead.pk}/convert", {"version": 1}), 403, "forbidden")
    assert_error(client.delete(f"{URL}/{lead.pk}?version=1"), 403, "forbidden")
    assert snapshot(lead) == before
    assert (Lead.objects.count(), counts()) == (1, (0, 0, 0))


def test_pages_walk_every_visible_lead_exactly_once(api, owner, outsider):
    mine = [make_lead(owner, full_name=n) for n in ["Ines", "Bo", "Ali", "Bo", "Chitra", "Dev"]]
    make_lead(outsider)
    client = api(owner)
    assert set(client.get(URL).json()["items"][0]) == LIST_KEYS
    assert walk(client, URL, {"limit": 4}) == [lead.pk for lead in reversed(mine)]
    by_name = sorted(mine, key=lambda lead: (lead.full_name, lead.pk))
    assert walk(client, URL, {"limit": 2, "sort": "name"}) == [lead.pk for lead in by_name]


def test_filters(api, owner, manager):
    a = sales.lead_create(
        actor=owner,
        data=LeadIn.build(
            {"full_name": "Wang Fang", "source": "Webinar", "status": "qualified", "tags": ["apac"]}
        ),
    )
    b = make_lead(owner, full_name="Li Wang", source="referral")
    c = make_lead(manager, full_name="Maria Silva", source="webinar")
    client = api(manager)
    assert ids_of(client.get(URL, {"status": "qualified"})) == [a.pk]
    assert ids_of(client.get(URL, {"status": "new"})) == [c.pk, b.pk]
    assert ids_of(client.get(URL, {"owner_id": owner.pk})) == [b.pk, a.pk]
    assert ids_of(client.get(URL, {"source": "WEBINAR"})) == [c.pk, a.pk]
    assert ids_of(client.get(URL, {"tag": "apac"})) == [a.pk]
    assert ids_of(client.get(URL, {"name": "wang"})) == [b.pk, a.pk]


@pytest.mark.parametrize("rows", [5, 20])
def test_list_query_count_does_not_grow_with_rows(api, owner, queries, rows):
    for n in range(rows):
        sales.lead_create(
            actor=owner, data=LeadIn.build({"full_name": f"L{n}", "tags": ["a", "b"]})
        )
    client = api(owner)
    warm(client, URL)
    with queries() as ctx:
        resp = client.get(URL)
    # token, the page's ids (owned and shared merged), the page (with owner), its tags
    assert len(ids_of(resp)) == rows
    # (+1: the viewer's field rules, accounts/policy.py field_access)
    # (+1: the custom field definitions, read once per request: customfields/selectors.py)
    # (+1: the type's sensitive fields, so a read of one is audited: core/sensitive.py)
    assert len(ctx.captured_queries) == 7
    assert Activity.objects.count() == 0
