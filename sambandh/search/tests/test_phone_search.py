"""Phone numbers in global search: five digits or more from a number's start or its end."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from sambandh.accounts.services import record_share
from sambandh.contacts import services as contacts
from sambandh.contacts.schemas import OrganizationIn
from sambandh.core.cleaning import phone_digit_forms
from sambandh.search.models import SearchDocument
from sambandh.search.selectors import search
from sambandh.search.services import search_document_build, search_documents_save
from tests.factories import make_lead, make_person

pytestmark = pytest.mark.django_db

# The start and the end of +91 98765 43210, typed in the ways people type them.
QUERIES = ["98765", "987 65", "+91 98765", "09876", "43210", "5 43210", "6543210"]


def found(viewer, q, **options):
    return sorted((hit.record_type, hit.record_id) for hit in search(viewer=viewer, q=q, **options))


@pytest.fixture
def records(owner):
    """A person, an organization and a lead, each with the phone +91 98765 43210."""
    org = contacts.organization_create(
        actor=owner,
        data=OrganizationIn.build(
            {"name": "Rao Traders", "phones": [contacts.PhoneIn("+91 98765 43210")]}
        ),
    )
    person = make_person(owner, full_name="Asha Rao", phone="+91 98765 43210")
    lead = make_lead(owner, full_name="Kiran Desai", phone="+91 98765 43210")
    return sorted([("organization", org.pk), ("person", person.pk), ("lead", lead.pk)])


@pytest.mark.parametrize("q", QUERIES)
def test_five_digits_from_the_start_or_the_end_find_the_number(owner, records, q):
    # given a person, an organization and a lead with +91 98765 43210
    # when five digits or more of its start or its end are typed, then all three are found
    assert found(owner, q) == records


def test_a_number_of_another_country_is_found_by_its_start_and_its_end(owner, records):
    # given a person in the United States
    sam = make_person(owner, full_name="Sam Lee", phone="+1 415 555 0132")
    # then the start of the national number and the end of the number find them
    for q in ["41555", "50132", "555 0132", "(415) 555", "+1 41555", "1 415 55"]:
        assert found(owner, q) == [("person", sam.pk)], q
    # and digits from the middle find nothing, in either number
    for q in ["15550", "55501", "76543", "8765 4321", "876543"]:
        assert found(owner, q) == [], q


def test_the_end_of_a_number_is_not_found_after_a_plus_or_a_zero(owner, records):
    # a + or a leading 0 says the digits are the start of a number
    assert found(owner, "+43210") == []
    assert found(owner, "043210") == []


def test_fewer_than_five_digits_are_no_phone_query(owner, records):
    # four digits, or a country code and two digits, start too many numbers: nothing is found
    for q in ["9876", "3210", "+91 98", "0987"]:
        assert found(owner, q) == [], q


def test_digits_in_an_email_are_not_a_phone_number(owner):
    # given a person without a phone, whose email address holds digits
    ravi = make_person(owner, full_name="Ravi Kumar", email="ravi.9876543210@example.com")
    # then the start or the end of those digits does not find him, the whole digits do
    assert found(owner, "98765") == []
    assert found(owner, "43210") == []
    assert found(owner, "9876543210") == [("person", ravi.pk)]


@pytest.mark.parametrize("q", QUERIES)
def test_an_outsider_finds_none_of_the_numbers(outsider, records, q):
    assert found(outsider, q) == []


def test_a_teammate_finds_a_number_once_its_record_is_shared(owner, teammate, records):
    person = next(r for r in records if r[0] == "person")
    assert found(teammate, "43210") == []
    record_share(actor=owner, record_type="person", record_id=person[1], user=teammate)
    assert found(teammate, "43210") == [person]
    assert found(teammate, "+91 98765") == [person]


def test_many_numbers_with_the_same_start_do_not_hide_the_one_that_ends_so(owner):
    # given more numbers starting with 98765 than a search reads, written first
    numbers = [f"+9198765{n:05d}" for n in range(80)] + ["+919123498765"]
    docs = [
        search_document_build(
            record_type="person",
            record_id=n + 1,
            owner_id=owner.pk,
            title=f"Zara {n:03d}" if n < 80 else "Aarav Shah",
            words=phone_digit_forms(number),
        )
        for n, number in enumerate(numbers)
    ]
    search_documents_save(docs)
    # when its last five digits are searched
    titles = [hit.title for hit in search(viewer=owner, q="98765")]
    # then the number that ends with them is read too, and ranks first by its title
    assert titles[0] == "Aarav Shah"
    assert len(titles) == 10
    assert all(title.startswith("Zara ") for title in titles[1:])


@pytest.mark.django_db(transaction=True)
def test_the_migration_gives_stored_documents_their_end_tokens(owner):
    # given a person and a lead with phones, found by the end of their numbers
    person = make_person(owner, full_name="Asha Rao", phone="+91 98765 43210")
    lead = make_lead(owner, full_name="Sam Lee", phone="+1 415 555 0132")
    written = sorted(SearchDocument.objects.values_list("record_type", "record_id", "terms"))
    assert found(owner, "43210") == [("person", person.pk)]
    # when the migration is reversed, the documents are as an older version wrote them
    call_command("migrate", "search", "0004", verbosity=0)
    # (the columns of that version only: a later migration adds one)
    terms = {
        (record_type, record_id): stored
        for record_type, record_id, stored in SearchDocument.objects.values_list(
            "record_type", "record_id", "terms"
        )
    }
    assert terms == {
        ("person", person.pk): "asha rao 919876543210 9876543210 09876543210",
        ("lead", lead.pk): "sam lee 14155550132 4155550132",
    }
    # (no end token: the end is not found; today's search needs today's columns to be asked)
    # and when it is applied, each number has its end token again and is found by its end
    call_command("migrate", "search", verbosity=0)
    assert sorted(SearchDocument.objects.values_list("record_type", "record_id", "terms")) == (
        written
    )
    assert found(owner, "43210") == [("person", person.pk)]
    assert found(owner, "50132") == [("lead", lead.pk)]
