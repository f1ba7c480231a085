"""The person form's one country field, its address fields per country (htmx and without
JavaScript), and phone numbers shown national or international with tel: links."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from sambandh.contacts.models import Person, PostalAddress
from tests import factories
from tests.web.helpers import text

pytestmark = pytest.mark.django_db

NEW = reverse("contacts:person_create")


def form_data(owner, **overrides: str) -> dict[str, str]:
    data = {
        "given_name": "Jonas",
        "family_name": "Weber",
        "full_name": "",
        "owner": str(owner.pk),
        "country": "DE",
        "street": "Friedrichstraße 68",
        "city": "Berlin",
        "postal_code": "10117",
        "phone_0": "030 1234567",
    }
    data.update(overrides)
    return data


def test_the_person_form_has_one_country_field(owner, browser_for):
    html = browser_for(owner).get(NEW).content.decode()
    assert len(re.findall(r'<select name="country"', html)) == 1
    assert 'name="address_country"' not in html


def test_the_country_is_the_persons_and_their_addresss(owner, browser_for):
    # when a person is added with a Berlin address and a national number
    response = browser_for(owner).post(NEW, form_data(owner))
    # then the one country is the person's and the address's, and the number is German
    assert response.status_code == 302
    person = Person.objects.get()
    assert (person.country, person.phone) == ("DE", "+49301234567")
    assert list(PostalAddress.objects.values_list("country", "postal_code")) == [("DE", "10117")]


def test_a_bad_postal_code_comes_back_on_its_field_and_nothing_is_saved(owner, browser_for):
    response = browser_for(owner).post(NEW, form_data(owner, postal_code="1011"))
    assert response.status_code == 200
    assert response.context["form"].errors["postal_code"] == [
        "“1011” is not a postal code of this country (for example 26133)."
    ]
    assert Person.objects.count() == 0


def test_changing_the_country_swaps_the_address_fields_without_saving(owner, browser_for):
    # when the country becomes the United States (htmx posts the form with refresh_address)
    response = browser_for(owner).post(
        NEW, {**form_data(owner, country="US"), "refresh_address": "1"}, HTTP_HX_REQUEST="true"
    )
    # then the form comes back with the US fields, what was typed kept, and nothing saved
    form = response.context["form"]
    assert response.status_code == 200
    assert [(f.name, str(f.label)) for f in form.address_bound_fields] == [
        ("city", "City"),
        ("region", "State"),
        ("postal_code", "ZIP code"),
    ]
    assert form["street"].value() == "Friedrichstraße 68"
    assert form["given_name"].value() == "Jonas"
    assert 'id="region-options"' in response.content.decode()
    assert Person.objects.count() == 0


def test_a_country_without_regions_asks_none(owner, browser_for):
    response = browser_for(owner).post(
        NEW, {**form_data(owner, country="GB"), "refresh_address": "1"}
    )
    form = response.context["form"]
    assert [(f.name, str(f.label)) for f in form.address_bound_fields] == [
        ("city", "Post town"),
        ("postal_code", "Postal code"),
    ]


def test_without_javascript_a_button_shows_the_countrys_fields(owner, browser_for):
    html = browser_for(owner).get(NEW).content.decode()
    assert re.search(r"<noscript><button[^>]*name=\"refresh_address\"", html)


def test_the_record_page_shows_the_address_in_its_countrys_layout(owner, browser_for):
    person = factories.make_person(
        owner,
        full_name="Jane Doe",
        addresses=[
            {
                "street": "101 Mission Street",
                "city": "San Francisco",
                "region": "California",
                "postal_code": "94105",
                "country": "US",
            }
        ],
    )
    page = text(browser_for(owner).get(reverse("contacts:person_detail", args=[person.pk])))
    assert "101 Mission Street<br>San Francisco, CA 94105<br>United States</li>" in page


def test_phones_show_national_to_a_viewer_in_their_country_and_link_tel(owner, browser_for):
    # given a viewer in London and a British number
    london = factories.make_user(email="london@example.com", time_zone="Europe/London")
    person = factories.make_person(london, full_name="Jane Smith", phone="+447400123456")
    url = reverse("contacts:person_detail", args=[person.pk])
    # when the London viewer opens the record
    html = browser_for(london).get(url).content.decode()
    # then the number is national, and its link dials the E.164 form
    assert '<a class="nowrap" href="tel:+447400123456">' in html
    assert "07400 123456" in html
    assert "+44 7400 123456" not in html


def test_phones_show_international_to_a_viewer_elsewhere(owner, browser_for):
    kolkata = factories.make_user(email="kolkata@example.com", time_zone="Asia/Kolkata")
    person = factories.make_person(kolkata, full_name="Jane Smith", phone="+447400123456")
    html = browser_for(kolkata).get(reverse("contacts:person_detail", args=[person.pk])).content
    assert "+44 7400 123456" in html.decode()
    assert "07400 123456" not in html.decode()
