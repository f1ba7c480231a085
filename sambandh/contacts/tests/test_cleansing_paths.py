"""The cleansing rules apply the same way on every path a record comes in by: the web form,
the API, and a direct service call with the typed input (as the import and lead conversion
call it). The rules live in the services (core/cleaning.py); no form or schema cleans on its
own."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from sambandh.contacts import services
from sambandh.contacts.models import Organization, Person, PostalAddress
from sambandh.contacts.schemas import OrganizationIn, PersonIn
from sambandh.sales.models import Lead
from sambandh.sales.schemas import LeadIn
from sambandh.sales.services import lead_create
from tests import factories

pytestmark = pytest.mark.django_db

TYPED = {
    "given_name": "\ufeffPATRICK\u200b",
    "family_name": "O'BRIEN  ",
    "full_name": "",
    "email": " Patrick.OBrien@Example.CO.UK ",
    "phone": "020 7946 0958",
    "country": "GB",
    "street": "10  Downing   Street",
    "city": "London",
    "postal_code": "sw1a2aa",
}


def _by_api(api: Any, owner: Any, typed: dict[str, str]) -> Person:
    resp = api(owner).post(
        "/api/v1/people",
        {
            "given_name": typed["given_name"],
            "family_name": typed["family_name"],
            "emails": [{"email": typed["email"]}],
            "phones": [{"number": typed["phone"]}],
            "addresses": [
                {
                    "street": typed["street"],
                    "city": typed["city"],
                    "postal_code": typed["postal_code"],
                    "country": typed["country"],
                }
            ],
        },
    )
    assert resp.status_code == 201, resp.content
    return Person.objects.get(pk=resp.json()["id"])


def _by_form(browser_for: Any, owner: Any, typed: dict[str, str]) -> Person:
    resp = browser_for(owner).post(
        reverse("contacts:person_create"),
        {
            "given_name": typed["given_name"],
            "family_name": typed["family_name"],
            "full_name": "",
            "owner": str(owner.pk),
            "email_0": typed["email"],
            "phone_0": typed["phone"],
            "country": typed["country"],
            "street": typed["street"],
            "city": typed["city"],
            "postal_code": typed["postal_code"],
        },
    )
    assert resp.status_code == 302, resp.content
    return Person.objects.get(pk=int(resp["Location"].strip("/").rsplit("/", 1)[1]))


def _by_service(owner: Any, typed: dict[str, str]) -> Person:
    # an import row: no country of the person's own, the address's country only
    return services.person_create(
        actor=owner,
        data=PersonIn.build(
            {
                "given_name": typed["given_name"],
                "family_name": typed["family_name"],
                "emails": [{"email": typed["email"]}],
                "phones": [{"number": typed["phone"]}],
                "addresses": [
                    {
                        "street": typed["street"],
                        "city": typed["city"],
                        "postal_code": typed["postal_code"],
                        "country": "United Kingdom",
                    }
                ],
            }
        ),
    )


@pytest.mark.parametrize("path", ["form", "api", "service"])
def test_every_path_stores_the_same_clean_person(path, api, browser_for, owner):
    if path == "form":
        person = _by_form(browser_for, owner, TYPED)
    elif path == "api":
        person = _by_api(api, owner, TYPED)
    else:
        person = _by_service(owner, TYPED)
    assert (person.given_name, person.family_name, person.full_name) == (
        "Patrick",
        "O'Brien",
        "Patrick O'Brien",
    )
    assert person.email == "patrick.obrien@example.co.uk"
    assert person.phone == "+442079460958"  # read in the address's country
    assert list(
        PostalAddress.objects.filter(person=person).values_list("street", "postal_code", "country")
    ) == [("10  Downing   Street", "SW1A 2AA", "GB")]


@pytest.mark.parametrize("country", ["USA", "United States of America", "us", "Estados Unidos"])
def test_the_api_and_a_service_call_take_a_country_by_name(api, owner, country):
    resp = api(owner).post(
        "/api/v1/people",
        {
            "full_name": "Mary Major",
            "country": country,
            "addresses": [{"city": "Cupertino", "region": "california", "country": country}],
        },
    )
    assert resp.status_code == 201, resp.content
    body = resp.json()
    assert body["country"] == "US"
    assert (body["addresses"][0]["country"], body["addresses"][0]["region"]) == ("US", "CA")
    person = services.person_create(
        actor=owner, data=PersonIn.build({"full_name": "Mary Minor", "country": country})
    )
    assert person.country == "US"


def test_an_unknown_country_is_refused_on_every_path_and_nothing_is_written(
    api, browser_for, owner
):
    resp = api(owner).post("/api/v1/people", {"full_name": "Mary Major", "country": "Atlantis"})
    assert resp.status_code == 422
    assert resp.json()["error"]["fields"] == {
        "country": "“Atlantis” is not a country: write its name or its ISO code "
        "(for example IN or India)."
    }
    form = browser_for(owner).post(
        reverse("contacts:person_create"),
        {"full_name": "Mary Major", "owner": str(owner.pk), "country": "QQ"},
    )
    assert form.status_code == 200
    assert form.context["form"].errors["country"]
    assert Person.objects.count() == 0


def test_a_national_phone_without_a_country_is_read_in_the_organizations_country(owner):
    # an import row with no country and no address: the organization's country says it
    org = factories.make_organization(owner, name="Kestrel GmbH", country="Deutschland")
    assert org.country == "DE"
    person = services.person_create(
        actor=owner,
        data=PersonIn.build(
            {
                "full_name": "jonas weber",
                "organization_id": org.pk,
                "phones": [{"number": "030 1234567"}],
            }
        ),
    )
    assert (person.full_name, person.phone) == ("Jonas Weber", "+49301234567")


def test_mixed_case_and_other_scripts_are_kept_as_typed(api, owner):
    for name in ("danah boyd-McKay", "आशा राव", "DeShawn Jones"):
        resp = api(owner).post("/api/v1/people", {"full_name": f"  {name}\u200b "})
        assert resp.status_code == 201, resp.content
        assert resp.json()["full_name"] == name


def test_an_organization_name_is_tidied_but_never_recased(api, browser_for, owner):
    resp = api(owner).post(
        "/api/v1/organizations", {"name": "\ufeff IBM   India\u200b ", "country": "India"}
    )
    assert resp.status_code == 201, resp.content
    assert (resp.json()["name"], resp.json()["country"]) == ("IBM India", "IN")
    org = services.organization_create(
        actor=owner, data=OrganizationIn.build({"name": "acme  labs", "country": "IND"})
    )
    assert (org.name, org.country) == ("acme labs", "IN")
    assert Organization.objects.count() == 2


@pytest.mark.parametrize("path", ["form", "api", "service"])
def test_a_leads_name_and_email_are_cleaned_on_every_path(path, api, browser_for, owner):
    typed = {"full_name": "RAVI KUMAR\u200b", "email": " Ravi@Kaveri.IN ", "country": "India"}
    if path == "api":
        resp = api(owner).post("/api/v1/leads", typed)
        assert resp.status_code == 201, resp.content
    elif path == "form":
        resp = browser_for(owner).post(
            reverse("sales:lead_create"),
            {**typed, "country": "IN", "owner": str(owner.pk), "status": "new"},
        )
        assert resp.status_code == 302, resp.content
    else:
        lead_create(actor=owner, data=LeadIn.build(typed))
    lead = Lead.objects.get()
    assert (lead.full_name, lead.email, lead.country) == ("Ravi Kumar", "ravi@kaveri.in", "IN")


@pytest.mark.parametrize("path", ["api", "service"])
def test_a_leads_bad_email_is_refused_and_nothing_written(path, api, owner):
    typed = {"full_name": "Ravi Kumar", "email": "ravi@kaveri"}
    if path == "api":
        resp = api(owner).post("/api/v1/leads", typed)
        assert resp.status_code == 422
        assert set(resp.json()["error"]["fields"]) == {"email"}
    else:
        from sambandh.core.errors import ValidationFailed

        with pytest.raises(ValidationFailed):
            lead_create(actor=owner, data=LeadIn.build(typed))
    assert Lead.objects.count() == 0


def test_an_update_cleans_the_same_way(api, owner):
    person = factories.make_person(owner, full_name="Asha Rao")
    resp = api(owner).patch(
        f"/api/v1/people/{person.pk}",
        {"full_name": "ASHA  RAO-MENON", "country": "भारत", "version": 1},
    )
    assert resp.status_code == 200, resp.content
    assert (resp.json()["full_name"], resp.json()["country"]) == ("Asha Rao-Menon", "IN")
