"""GET /api/v1/search."""

from __future__ import annotations

import pytest

from tests.api.helpers import assert_error
from tests.factories import make_organization, make_person

pytestmark = pytest.mark.django_db

URL = "/api/v1/search"


@pytest.fixture
def records(owner):
    org = make_organization(owner, name="Tata Motors", domain="tatamotors.com")
    person = make_person(owner, full_name="Asha Rao", phone="+919876543210", organization_id=org.pk)
    return org, person


def test_search_answers_items_and_no_next_page(api, owner, records):
    # given the owner's organization and person
    org, person = records
    # when the owner searches the company name
    resp = api(owner).get(URL, {"q": "tata"})
    # then both come back, the organization first, each with its page
    assert resp.status_code == 200
    assert resp.json() == {
        "items": [
            {
                "type": "organization",
                "id": org.pk,
                "title": "Tata Motors",
                "subtitle": "tatamotors.com",
                "url": f"/organizations/{org.pk}/",
            },
            {
                "type": "person",
                "id": person.pk,
                "title": "Asha Rao",
                "subtitle": "Tata Motors",
                "url": f"/people/{person.pk}/",
            },
        ],
        "next": None,
    }


def test_a_phone_number_with_spaces_and_plus_is_found(api, owner, records):
    _org, person = records
    resp = api(owner).get(URL, {"q": "+91 98765 43210"})
    assert [(i["type"], i["id"]) for i in resp.json()["items"]] == [("person", person.pk)]


@pytest.mark.parametrize("q", ["98765", "43210"])
def test_the_start_or_the_end_of_a_phone_number_finds_it(api, owner, outsider, records, q):
    # the README's example: five digits from the start, or the last five
    _org, person = records
    resp = api(owner).get(URL, {"q": q})
    assert resp.status_code == 200
    assert [(i["type"], i["id"]) for i in resp.json()["items"]] == [("person", person.pk)]
    assert api(outsider).get(URL, {"q": q}).json()["items"] == []


@pytest.mark.parametrize("types", ["person", ["person"], "person,deal", ["person", "deal"]])
def test_types_narrow_the_search_comma_separated_or_repeated(api, owner, records, types):
    _org, person = records
    resp = api(owner).get(URL, {"q": "tata", "types": types})
    assert resp.status_code == 200
    assert [(i["type"], i["id"]) for i in resp.json()["items"]] == [("person", person.pk)]


def test_limit_caps_the_items(api, owner, records):
    resp = api(owner).get(URL, {"q": "tata", "limit": 1})
    assert [i["type"] for i in resp.json()["items"]] == ["organization"]


def test_an_outsider_finds_nothing_of_the_owners(api, outsider, records):
    resp = api(outsider).get(URL, {"q": "tata"})
    assert resp.status_code == 200
    assert resp.json() == {"items": [], "next": None}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({}, "q"),
        ({"q": ""}, "q"),
        ({"q": "x" * 201}, "q"),
        ({"q": "tata", "limit": 0}, "limit"),
        ({"q": "tata", "limit": 51}, "limit"),
        ({"q": "tata", "limit": "many"}, "limit"),
    ],
)
def test_a_missing_or_oversized_parameter_is_refused(api, owner, params, field):
    resp = api(owner).get(URL, params)
    assert_error(resp, 422, "validation_failed")
    assert list(resp.json()["error"]["fields"]) == [field]


def test_an_unknown_record_type_is_refused_by_name(api, owner):
    resp = api(owner).get(URL, {"q": "tata", "types": "person,spaceship"})
    assert_error(resp, 422, "validation_failed")
    assert "spaceship" in resp.json()["error"]["fields"]["types"]


def test_a_query_too_short_to_search_finds_nothing(api, owner, records):
    resp = api(owner).get(URL, {"q": "t"})
    assert resp.status_code == 200
    assert resp.json() == {"items": [], "next": None}


def test_without_a_token_the_answer_is_401(client, records):
    resp = client.get(URL, {"q": "tata"})
    assert_error(resp, 401, "unauthorized")
    bad = client.get(URL, {"q": "tata"}, headers={"Authorization": "Bearer not-a-token"})
    assert_error(bad, 401, "unauthorized")
