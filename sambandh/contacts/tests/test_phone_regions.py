"""Phone numbers are read in the record's own country (its country, its address's, its
organization's, its owner's), never in a site-wide default one, and must be valid numbers."""

from __future__ import annotations

from typing import Any

import pytest

from sambandh.accounts.models import User
from sambandh.contacts import services
from sambandh.contacts.models import Organization, Person, PhoneNumber
from sambandh.contacts.schemas import OrganizationIn, PersonIn
from sambandh.core.errors import ValidationFailed
from tests import factories

pytestmark = pytest.mark.django_db

NO_CODE = (
    "“07700 900123” has no country code: write it with + and its country code "
    "(for example +44 7700 900123), or set the country of the record."
)


def create(owner: User, **data: Any) -> Person:
    return services.person_create(actor=owner, data=PersonIn.build(data))


def refused(owner: User, **data: Any) -> dict[str, str]:
    with pytest.raises(ValidationFailed) as caught:
        create(owner, **data)
    return dict(caught.value.fields or {})


@pytest.fixture
def nowhere_owner(db: Any) -> User:
    """A user whose settings name no country (UTC, plain English), in a company set likewise."""
    return factories.make_user(email="nowhere@example.com", time_zone="UTC", language="en")


def test_a_uk_mobile_on_a_person_without_country_is_refused_not_read_as_indian(nowhere_owner):
    # given an owner and a person with no country anywhere
    # when a UK mobile is typed in its national form
    errors = refused(nowhere_owner, full_name="Jane Smith", phones=[{"number": "07700 900123"}])
    # then it is refused asking for the +country code, and nothing is written
    assert errors == {"phones.0.number": NO_CODE}
    assert (Person.objects.count(), PhoneNumber.objects.count()) == (0, 0)


def test_the_persons_country_reads_a_uk_mobile(nowhere_owner):
    person = create(
        nowhere_owner, full_name="Jane Smith", country="GB", phones=[{"number": "07400 123456"}]
    )
    assert person.phone == "+447400123456"
    assert list(PhoneNumber.objects.values_list("e164", flat=True)) == ["+447400123456"]


def test_the_issues_uk_example_is_read_as_british_and_refused_as_a_drama_number(nowhere_owner):
    # 07700 900000-900999 is Ofcom's range for fiction: libphonenumber knows no such line, so
    # with the person's country it is read as British (never Indian) and refused as invalid.
    errors = refused(
        nowhere_owner, full_name="Jane Smith", country="GB", phones=[{"number": "07700 900123"}]
    )
    assert errors == {
        "phones.0.number": "“07700 900123” is not a valid phone number in United Kingdom."
    }
    assert Person.objects.count() == 0


def test_a_berlin_address_reads_a_berlin_number(nowhere_owner):
    # given a person whose only country is their Berlin address
    person = create(
        nowhere_owner,
        full_name="Jonas Weber",
        addresses=[
            {
                "street": "Friedrichstraße 68",
                "city": "Berlin",
                "postal_code": "10117",
                "country": "DE",
            }
        ],
        phones=[{"number": "030 1234567"}],
    )
    # then the number is a Berlin one, not an invalid Indian one
    assert person.phone == "+49301234567"


def test_the_organizations_country_reads_its_phone(nowhere_owner):
    org = services.organization_create(
        actor=nowhere_owner,
        data=OrganizationIn.build(
            {"name": "Siemens", "country": "DE", "phones": [{"number": "089 636 00"}]}
        ),
    )
    assert list(org.phones.values_list("e164", flat=True)) == ["+498963600"]


def test_a_person_without_country_takes_their_organizations(nowhere_owner):
    org = services.organization_create(
        actor=nowhere_owner, data=OrganizationIn.build({"name": "Kyocera", "country": "JP"})
    )
    person = create(
        nowhere_owner,
        full_name="Sato Hana",
        organization_id=org.pk,
        phones=[{"number": "090-1234-5678"}],
    )
    assert person.phone == "+819012345678"


def test_the_owners_time_zone_names_the_country_last(db):
    # given an owner working from Kolkata and a person with no country of their own
    owner = factories.make_user(email="kolkata@example.com", time_zone="Asia/Kolkata")
    person = create(owner, full_name="Asha Rao", phones=[{"number": "098765 43210"}])
    # then the owner's country reads the national number
    assert person.phone == "+919876543210"


def test_the_owners_locale_names_the_country_before_their_time_zone(db):
    owner = factories.make_user(
        email="saopaulo@example.com", language="pt-br", time_zone="Asia/Kolkata"
    )
    person = create(owner, full_name="Ana Souza", phones=[{"number": "(11) 96123-4567"}])
    assert person.phone == "+5511961234567"


def test_a_number_with_its_country_code_ignores_every_default(nowhere_owner):
    person = create(
        nowhere_owner,
        full_name="Jane Smith",
        country="IN",
        phones=[{"number": "+44 7400 123456"}],
    )
    assert person.phone == "+447400123456"


def test_a_possible_but_invalid_number_is_refused_naming_its_country(nowhere_owner):
    # 030 1234567 is the right length for India, yet no Indian number starts with 30
    errors = refused(
        nowhere_owner, full_name="Jonas Weber", country="IN", phones=[{"number": "030 1234567"}]
    )
    assert errors == {"phones.0.number": "“030 1234567” is not a valid phone number in India."}
    assert Person.objects.count() == 0


def test_an_update_reads_new_numbers_in_the_new_country(nowhere_owner):
    person = create(nowhere_owner, full_name="Jane Smith")
    updated = services.person_update(
        actor=nowhere_owner,
        person=person,
        data=PersonIn.build({"country": "GB", "phones": [{"number": "07400 123456"}]}),
        version=person.version,
    )
    assert (updated.country, updated.phone) == ("GB", "+447400123456")


def test_an_update_falls_back_to_the_stored_address(nowhere_owner):
    person = create(
        nowhere_owner,
        full_name="Jonas Weber",
        addresses=[{"city": "Berlin", "country": "DE"}],
    )
    updated = services.person_update(
        actor=nowhere_owner,
        person=person,
        data=PersonIn.build({"phones": [{"number": "030 1234567"}]}),
        version=person.version,
    )
    assert updated.phone == "+49301234567"


def test_a_refused_update_changes_nothing(nowhere_owner):
    person = create(nowhere_owner, full_name="Jane Smith", phones=[{"number": "+447400123456"}])
    with pytest.raises(ValidationFailed):
        services.person_update(
            actor=nowhere_owner,
            person=person,
            data=PersonIn.build({"phones": [{"number": "07400 123456"}]}),
            version=person.version,
        )
    person.refresh_from_db()
    assert (person.phone, person.version) == ("+447400123456", 1)
    assert list(PhoneNumber.objects.values_list("e164", flat=True)) == ["+447400123456"]
    assert Organization.objects.count() == 0
