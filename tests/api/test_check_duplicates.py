"""POST /api/v1/people, /organizations and /leads with ?check_duplicates=true: a probable
duplicate the caller may see answers 409 naming it and creates nothing; otherwise the create
goes on. A lead's duplicates are leads and people ("this lead is already a contact")."""

from __future__ import annotations

import pytest

from sambandh.contacts.models import Organization, Person
from sambandh.core.models import AuditEvent
from sambandh.sales.models import Lead
from tests.api.helpers import assert_error
from tests.factories import make_lead, make_organization, make_person

pytestmark = pytest.mark.django_db

PEOPLE = "/api/v1/people"
ORGANIZATIONS = "/api/v1/organizations"
LEADS = "/api/v1/leads"
ASHA = {"full_name": "Asha R.", "emails": [{"email": "Asha@Example.in"}]}


@pytest.fixture
def asha(owner):
    return make_person(owner, full_name="Asha Rao", email="asha@example.in")


def test_a_probable_duplicate_answers_409_with_the_candidates_and_creates_nothing(api, owner, asha):
    client = api(owner)
    people, audit = Person.objects.count(), AuditEvent.objects.count()
    resp = client.post(f"{PEOPLE}?check_duplicates=true", ASHA)
    assert resp.status_code == 409, resp.content
    body = resp.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "fields", "duplicates"}
    assert body["error"]["code"] == "possible_duplicates"
    assert body["error"]["message"]
    assert body["error"]["fields"] == {}
    [duplicate] = body["error"]["duplicates"]
    assert set(duplicate) == {"type", "id", "name", "score", "reasons"}
    assert (duplicate["type"], duplicate["id"], duplicate["name"]) == (
        "person",
        asha.pk,
        "Asha Rao",
    )
    assert 0.8 <= duplicate["score"] <= 1
    assert duplicate["reasons"][0] == "Email: same"
    assert (Person.objects.count(), AuditEvent.objects.count()) == (people, audit)


def test_the_reasons_are_in_the_callers_language(api, owner, asha):
    owner.language = "de"
    owner.save(update_fields=["language"])
    resp = api(owner).post(f"{PEOPLE}?check_duplicates=true", ASHA)
    assert resp.status_code == 409
    assert resp.json()["error"]["duplicates"][0]["reasons"][0] == "E-Mail: gleich"


def test_without_a_duplicate_the_person_is_created(api, owner, asha):
    resp = api(owner).post(
        f"{PEOPLE}?check_duplicates=true",
        {"full_name": "Ravi Kumar", "emails": [{"email": "ravi@example.in"}]},
    )
    assert resp.status_code == 201, resp.content
    assert resp.json()["full_name"] == "Ravi Kumar"


def test_the_same_name_alone_never_refuses_a_create(api, owner, asha):
    # A second Asha Rao with nothing else in common is a new person: the name alone (however
    # well it scores) is shown while typing, never a 409.
    client = api(owner)
    resp = client.post(f"{PEOPLE}?check_duplicates=true", {"full_name": "Asha Rao"})
    assert resp.status_code == 201, resp.content
    same_phone = {"full_name": "Ravi Kumar", "phones": [{"number": "+91 98450 12345"}]}
    make_person(owner, full_name="Ravi Kumar", phone="+919845012345")
    assert client.post(f"{PEOPLE}?check_duplicates=true", same_phone).status_code == 409


def test_without_the_flag_a_duplicate_is_created_as_before(api, owner, asha):
    for query in ("", "?check_duplicates=false"):
        resp = api(owner).post(f"{PEOPLE}{query}", ASHA)
        assert resp.status_code == 201, resp.content
    assert Person.objects.filter(email="asha@example.in").count() == 3


def test_a_duplicate_the_caller_may_not_see_is_never_named(api, outsider, asha):
    # the outsider may not see Asha: their person is created, and nothing names her
    resp = api(outsider).post(f"{PEOPLE}?check_duplicates=true", ASHA)
    assert resp.status_code == 201, resp.content
    assert b"Asha Rao" not in resp.content
    assert str(asha.pk) != str(resp.json()["id"])


def test_a_reader_is_refused_before_anything_is_looked_up(api, readonly, owner, asha):
    resp = api(readonly).post(f"{PEOPLE}?check_duplicates=true", ASHA)
    assert_error(resp, 403, "forbidden")
    assert b"Asha" not in resp.content


def test_a_bad_flag_is_refused(api, owner):
    resp = api(owner).post(f"{PEOPLE}?check_duplicates=perhaps", ASHA)
    assert_error(resp, 422, "validation_failed")
    assert set(resp.json()["error"]["fields"]) == {"check_duplicates"}
    assert Person.objects.count() == 0


def test_an_organization_with_the_same_domain_answers_409(api, owner):
    acme = make_organization(owner, name="Acme Pvt Ltd", domain="acme.in")
    before = Organization.objects.count()
    resp = api(owner).post(
        f"{ORGANIZATIONS}?check_duplicates=true",
        {"name": "ACME", "website": "https://www.acme.in"},
    )
    assert resp.status_code == 409, resp.content
    [duplicate] = resp.json()["error"]["duplicates"]
    assert (duplicate["id"], duplicate["name"]) == (acme.pk, "Acme Pvt Ltd")
    assert "Domain: same" in duplicate["reasons"]
    assert Organization.objects.count() == before
    other = api(owner).post(f"{ORGANIZATIONS}?check_duplicates=true", {"name": "Globex"})
    assert other.status_code == 201, other.content


def test_the_openapi_document_describes_the_flag_and_the_409(api, owner):
    doc = api(owner).get("/api/v1/openapi.json").json()
    operation = doc["paths"]["/api/v1/people"]["post"]
    assert "check_duplicates" in {p["name"] for p in operation["parameters"]}
    assert "possible_duplicates" in operation["description"]
    assert "409" in operation["responses"]


# --- leads ----------------------------------------------------------------------------------------
def test_a_lead_that_is_already_a_contact_answers_409_naming_the_person(api, owner, asha):
    # given Asha, a person; when a lead is sent with her email written another way
    client = api(owner)
    leads, audit = Lead.objects.count(), AuditEvent.objects.count()
    resp = client.post(
        f"{LEADS}?check_duplicates=true", {"full_name": "Asha R.", "email": " ASHA@example.IN"}
    )
    # then nothing is created and the answer names the person, by type
    assert resp.status_code == 409, resp.content
    assert resp.json()["error"]["code"] == "possible_duplicates"
    [duplicate] = resp.json()["error"]["duplicates"]
    assert (duplicate["type"], duplicate["id"], duplicate["name"]) == (
        "person",
        asha.pk,
        "Asha Rao",
    )
    assert duplicate["reasons"][0] == "Email: same"
    assert (Lead.objects.count(), AuditEvent.objects.count()) == (leads, audit)


def test_a_lead_with_an_existing_leads_phone_answers_409_naming_the_lead(api, owner):
    ravi = make_lead(owner, full_name="Ravi Kumar", phone="+91 98450 12345", country="IN")
    resp = api(owner).post(
        f"{LEADS}?check_duplicates=true",
        {"full_name": "Ravi K", "phone": "098450 12345", "country": "IN"},
    )
    assert resp.status_code == 409, resp.content
    [duplicate] = resp.json()["error"]["duplicates"]
    assert (duplicate["type"], duplicate["id"]) == ("lead", ravi.pk)
    assert "Phone: same" in duplicate["reasons"]


def test_a_lead_named_like_a_person_alone_is_created(api, owner, asha):
    make_lead(owner, full_name="Asha Rao")
    resp = api(owner).post(f"{LEADS}?check_duplicates=true", {"full_name": "Asha Rao"})
    assert resp.status_code == 201, resp.content
    assert Lead.objects.filter(full_name="Asha Rao").count() == 2


def test_a_lead_the_caller_may_not_see_is_never_named(api, owner, outsider, asha):
    hidden = make_lead(owner, full_name="Hidden Lead", email="hidden@example.in")
    resp = api(outsider).post(
        f"{LEADS}?check_duplicates=true",
        {"full_name": "Someone", "email": "hidden@example.in"},
    )
    assert resp.status_code == 201, resp.content
    assert b"Hidden Lead" not in resp.content and b"Asha" not in resp.content
    assert resp.json()["id"] != hidden.pk


def test_a_reader_asking_about_a_lead_is_refused(api, readonly, owner, asha):
    leads = Lead.objects.count()
    resp = api(readonly).post(
        f"{LEADS}?check_duplicates=true", {"full_name": "A", "email": "asha@example.in"}
    )
    assert_error(resp, 403, "forbidden")
    assert b"Asha" not in resp.content
    assert Lead.objects.count() == leads


def test_the_lead_create_documents_the_flag(api, owner):
    doc = api(owner).get("/api/v1/openapi.json").json()
    operation = doc["paths"]["/api/v1/leads"]["post"]
    assert "check_duplicates" in {p["name"] for p in operation["parameters"]}
    assert "409" in operation["responses"]
