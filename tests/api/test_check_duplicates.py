"""POST /api/v1/people and /organizations with ?check_duplicates=true: a probable duplicate the
caller may see answers 409 naming it and creates nothing; otherwise the create goes on."""

from __future__ import annotations

import pytest

from sambandh.contacts.models import Organization, Person
from sambandh.core.models import AuditEvent
from tests.api.helpers import assert_error
from tests.factories import make_organization, make_person

pytestmark = pytest.mark.django_db

PEOPLE = "/api/v1/people"
ORGANIZATIONS = "/api/v1/organizations"
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
    assert set(duplicate) == {"id", "name", "score", "reasons"}
    assert (duplicate["id"], duplicate["name"]) == (asha.pk, "Asha Rao")
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
