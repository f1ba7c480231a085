"""Addresses written in each country's own layout (core/address_layouts.py) and kept as our five
fields (street, city, region, postal code, country)."""

from __future__ import annotations

import json

import pytest

from sambandh.core.address_layouts import (
    DATA,
    address_to_components,
    components_to_address,
    format_components,
)
from sambandh.core.addresses import format_address

PALO_ALTO = {
    "house_number": 301,
    "road": "Hamilton Avenue",
    "neighbourhood": "Crescent Park",
    "city": "Palo Alto",
    "postcode": 94303,
    "county": "Santa Clara County",
    "state": "California",
    "country": "USA",
    "country_code": "us",
}


def test_a_us_address_writes_the_state_code_and_the_countrys_name():
    assert format_components(PALO_ALTO) == [
        "301 Hamilton Avenue",
        "Palo Alto, CA 94303",
        "United States of America",
    ]
    # without a postal code the state is written out
    place = {"city": "Palo Alto", "state": "California", "country_code": "us", "country": "US"}
    assert format_components(place) == ["Palo Alto, California", "United States of America"]


def test_the_house_number_goes_where_the_country_puts_it():
    road = {"house_number": 17, "road": "Rue du Bac", "postcode": 75007, "city": "Paris"}
    assert format_components({**road, "country_code": "fr"}) == ["17 Rue du Bac", "75007 Paris"]
    assert format_components({**road, "country_code": "de"}) == ["Rue du Bac 17", "75007 Paris"]
    assert format_components({**road, "country_code": "es"}) == ["Rue du Bac, 17", "75007 Paris"]


def test_a_place_of_interest_is_named_first_and_a_place_without_a_road_by_its_suburb():
    fabisch = {
        "restaurant": "Fabisch",
        "road": "Rosenthaler Straße",
        "house_number": "1",
        "postcode": "10119",
        "suburb": "Mitte",
        "city": "Berlin",
        "state": "Berlin",
        "country": "Germany",
        "country_code": "DE",
    }
    assert format_components(fabisch) == [
        "Fabisch",
        "Rosenthaler Straße 1",
        "10119 Berlin",
        "Germany",
    ]
    moabit = {"suburb": "Moabit", "city": "Berlin", "state": "Berlin", "country_code": "de"}
    assert format_components({**moabit, "country": "Germany"}) == ["Moabit", "Berlin", "Germany"]


def test_repeated_names_are_written_once_but_new_york_new_york_is_a_city_and_its_state():
    berlin = {"city": "Berlin", "state": "Berlin", "country": "Germany", "country_code": "de"}
    assert format_components(berlin) == ["Berlin", "Germany"]
    ny = {"city": "New York", "state": "New York", "country_code": "us", "country": "USA"}
    assert format_components(ny) == ["New York, New York", "United States of America"]


def test_postal_codes_are_written_as_the_post_writes_them():
    def code(country: str, postcode: str) -> str:
        lines = format_components({"road": "X", "postcode": postcode, "country_code": country})
        return lines[1]

    assert code("se", "41134") == "411 34"
    assert code("nl", "1017CD") == "1017 CD"
    assert code("pl", "71637") == "71-637"
    assert code("br", "30170011") == "30170-011"
    # several postal codes for one place: the first of a list, none of a long one
    assert code("de", "63739,63741,63743") == "63739"
    assert format_components({"city": "Mulhouse", "postcode": "68100;68200", "country_code": "fr"})
    assert format_components(
        {"city": "Mulhouse", "postcode": "68100;68200", "country_code": "fr"}
    ) == ["Mulhouse"]


def test_territories_and_odd_input():
    gp = {"road": "Rue Sadi-Carnot", "postcode": "97110", "town": "Pointe-à-Pitre"}
    assert format_components({**gp, "country_code": "gp", "country": "Guadeloupe"})[-1] == (
        "Guadeloupe, France"
    )
    # filed under France with the territory as the state
    mayotte = {"road": "Rue Houmadi Bacar", "postcode": "97600", "town": "Mamoudzou"}
    lines = format_components({**mayotte, "state": "Mayotte", "country_code": "fr", "country": "F"})
    assert lines == ["Rue Houmadi Bacar", "97600 Mamoudzou", "Mayotte, France"]
    # no country, an unknown one, empty and non-text values, a web address for a name
    assert format_components({}) == []
    assert format_components({"island": "Null Island"}) == ["Null Island"]
    odd = {
        "road": "Main Street",
        "house_number": 123,
        "postcode": None,
        "city": "  ",
        "town": "Springfield",
        "fuel": "http://example.org/pois.txt",
        "country_code": "zz",
        "country": "Nowhere",
    }
    assert format_components(odd) == ["Main Street 123", "Springfield", "Nowhere"]


def test_a_country_named_in_the_viewers_language_replaces_the_layouts_words():
    cx = {"road": "Gaze Road", "town": "Flying Fish Cove", "postcode": "6798", "country_code": "cx"}
    assert format_components({**cx, "country": "Christmas Island"}) == [
        "Gaze Road",
        "Flying Fish Cove 6798",
        "Australia",
    ]
    assert format_components(cx, country_name="Weihnachtsinsel") == [
        "Gaze Road",
        "Flying Fish Cove 6798",
        "Weihnachtsinsel",
    ]
    # Monaco's layout names no country; a record page still does
    mc = {"road": "Boulevard Princesse Charlotte", "postcode": "98000", "city": "Monaco"}
    assert format_components({**mc, "country_code": "mc"}, country_name="Monaco")[-1] == "Monaco"
    us = {**PALO_ALTO, "country": "Vereinigte Staaten"}
    assert format_components(us, country_name="Vereinigte Staaten")[-1] == "Vereinigte Staaten"
    assert format_components(us, country_name="")[-1] == "Palo Alto, CA 94303"


def test_japanese_in_japanese_is_written_from_the_prefecture_down():
    jp = {"road": "丸の内1-2-3", "city": "千代田区", "state": "東京都", "postcode": "1000005"}
    assert format_components({**jp, "country_code": "jp"}) == [
        "〒100-0005",
        "東京都",
        "千代田区",
        "丸の内1-2-3",
    ]
    latin = {"road": "Marunouchi 1-2-3", "city": "Chiyoda", "state": "Tokyo", "postcode": "1000005"}
    assert format_components({**latin, "country_code": "jp"}) == [
        "Marunouchi 1-2-3",
        "Chiyoda, Tokyo 100-0005",
    ]


def test_components_become_our_five_fields_and_back():
    fields = components_to_address(PALO_ALTO)
    assert fields == {
        "street": "301 Hamilton Avenue",
        "city": "Palo Alto",
        "region": "CA",
        "postal_code": "94303",
        "country": "US",
    }
    # the stored address prints as the components did
    assert format_address(**fields, country_name="United States of America") == (
        format_components(PALO_ALTO)
    )
    assert address_to_components(**fields) == {
        "road": "301 Hamilton Avenue",
        "city": "Palo Alto",
        "state": "CA",
        "postcode": "94303",
        "country_code": "US",
    }
    milan = {
        "road": "Via Giovanni Della Casa",
        "house_number": "4",
        "city": "Milano",
        "county": "Milano",
        "postcode": "20147",
        "country_code": "it",
    }
    assert components_to_address(milan) == {
        "street": "Via Giovanni Della Casa 4",
        "city": "Milano",
        "region": "MI",  # Italy's regions in our forms are its provinces, written as codes
        "postal_code": "20147",
        "country": "IT",
    }
    stored = components_to_address(milan)
    assert format_address(**stored, country_name="Italia") == [
        "Via Giovanni Della Casa 4",
        "20147 Milano MI",
        "Italia",
    ]
    building = {"building": "Willoughby House", "road": "Moor Lane", "country_code": "gb"}
    assert components_to_address(building)["street"] == "Willoughby House\nMoor Lane"
    assert components_to_address({"city": "Somewhere"})["country"] == ""


@pytest.mark.parametrize("code", sorted(json.loads(DATA.read_text("utf-8"))["countries"]))
def test_every_country_writes_a_postal_address(code):
    address = {
        "house_number": "7",
        "road": "Station Road",
        "city": "Townsville",
        "state": "Region",
        "postcode": "12345",
        "country": "Country",
        "country_code": code,
    }
    text = "\n".join(format_components(address))
    assert "Station Road" in text
    # Singapore is its own city: "Singapore 12345"
    assert "Townsville" in text or code == "SG"


def test_a_stored_value_the_layout_does_not_write_is_still_shown():
    """A record page never hides what was typed: Germany writes no state, Jamaica no postcode;
    both are shown before the country; a state written as its code is not repeated."""
    from sambandh.core.addresses import format_address

    german = format_address(
        street="Hauptstr. 5", city="München", region="Bayern", postal_code="80331",
        country_name="Germany", country="DE",
    )  # fmt: skip
    assert german == ["Hauptstr. 5", "80331 München", "Bayern", "Germany"]
    jamaican = format_address(
        street="12 Main Rd", city="Kingston", region="", postal_code="99999",
        country_name="", country="JM",
    )  # fmt: skip
    assert jamaican == ["12 Main Rd", "Kingston", "99999"]
    american = format_address(
        street="1 Main St", city="Springfield", region="California", postal_code="90001",
        country_name="USA", country="US",
    )  # fmt: skip
    assert american == ["1 Main St", "Springfield, CA 90001", "USA"]
