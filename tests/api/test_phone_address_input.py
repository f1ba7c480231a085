"""Bad phone numbers and postal codes through the API: 422 on the field, nothing changed."""

from __future__ import annotations

import pytest

from sambandh.contacts.models import Person, PhoneNumber, PostalAddress
from tests import factories
from tests.api.helpers import assert_error, snapshot

pytestmark = pytest.mark.django_db

URL = "/api/v1/people"


def test_a_national_number_with_no_country_anywhere_is_refused(api, owner):
    resp = api(owner).post(URL, {"full_name": "Jane Smith", "phones": [{"number": "07400 123456"}]})
    assert_error(
        resp,
        422,
        "validation_failed",
        {
            "phones.0.number": "“07400 123456” has no country code: write it with + and its "
            "country code (for example +44 7700 900123), or set the country of the record."
        },
    )
    assert (Person.objects.count(), PhoneNumber.objects.count()) == (0, 0)


def test_the_country_sent_reads_the_national_number(api, owner):
    resp = api(owner).post(
        URL, {"full_name": "Jane Smith", "country": "GB", "phones": [{"number": "07400 123456"}]}
    )
    assert resp.status_code == 201, resp.content
    body = resp.json()
    assert (body["phone"], body["phones"][0]["number"]) == ("+447400123456", "+447400123456")


def test_a_bad_postal_code_on_update_changes_nothing(api, owner):
    person = factories.make_person(
        owner,
        full_name="Jonas Weber",
        addresses=[
            {
                "street": "Unter den Linden 21",
                "city": "Berlin",
                "postal_code": "10117",
                "country": "DE",
            }
        ],
    )
    client = api(owner)  # its token is an audit row of its own
    before = snapshot(person)
    resp = client.patch(
        f"{URL}/{person.pk}",
        {
            "version": 1,
            "addresses": [
                {
                    "street": "Unter den Linden 21",
                    "city": "Berlin",
                    "postal_code": "1O117",
                    "country": "DE",
                }
            ],
        },
    )
    assert_error(
        resp,
        422,
        "validation_failed",
        {
            "addresses.0.postal_code": "“1O117” is not a postal code of this country "
            "(for example 26133)."
        },
    )
    assert snapshot(person) == before
    assert list(PostalAddress.objects.values_list("postal_code", flat=True)) == ["10117"]
