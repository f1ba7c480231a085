"""may_contact's truth table: nothing recorded, granted, expired, pending, withdrawn (which wins
over every earlier grant, on any basis), a newer consent lifting a withdrawal, a contract or a
legitimate interest that never lifts one, "every channel" rows, and one-to-one messages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from sambandh.consents.selectors import may_contact, refused_addresses
from sambandh.consents.tests.helpers import record
from tests.factories import make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(owner):
    return make_person(owner, full_name="Asha Rao", email="asha@example.com")


def test_nothing_recorded(person):
    # marketing is refused, a one-to-one message allowed
    d = may_contact(person, "marketing_email", "email")
    assert (d.allowed, d.reason) == (False, "No consent recorded for Marketing emails by Email.")
    assert may_contact(person, "direct", "email").allowed
    assert may_contact(person, "profiling", "any").allowed is False


def test_granted_until_it_expires(owner, person):
    expires = timezone.now() + dt.timedelta(days=30)
    record(owner, person, "newsletter", "granted", expires_at=expires)
    d = may_contact(person, "newsletter", "email")
    assert (d.allowed, d.reason) == (True, "Consent granted for Newsletter by Email.")
    # the day after it expires
    later = expires + dt.timedelta(days=1)
    d = may_contact(person, "newsletter", "email", at=later)
    assert d.allowed is False
    assert d.reason.startswith("The consent expired on ")
    # another purpose is not covered
    assert not may_contact(person, "marketing_email", "email").allowed


def test_pending_allows_nothing(owner, person):
    record(owner, person, "newsletter", "pending")
    d = may_contact(person, "newsletter", "email")
    assert (d.allowed, d.reason) == (False, "Waiting for the person to confirm by email.")


def test_withdrawn_wins_over_earlier_grants_on_any_basis(owner, person):
    record(owner, person, "marketing_email", "granted", lawful_basis="legitimate_interest")
    d = may_contact(person, "marketing_email", "email")
    assert (d.allowed, d.reason) == (True, "Allowed on the lawful basis “Legitimate interest”.")
    # the person withdraws on every channel
    record(owner, person, "marketing_email", "withdrawn", channel="any")
    d = may_contact(person, "marketing_email", "email")
    assert (d.allowed, d.reason) == (False, "Withdrawn: Marketing emails by Email.")
    # a later legitimate-interest or contract grant never overrides the objection
    record(owner, person, "marketing_email", "granted", lawful_basis="contract")
    assert not may_contact(person, "marketing_email", "email").allowed
    # the person's own new consent does
    record(owner, person, "marketing_email", "granted", lawful_basis="consent")
    assert may_contact(person, "marketing_email", "email").allowed


def test_a_withdrawal_of_all_contact_on_a_channel(owner, person):
    record(owner, person, "newsletter", "granted")
    record(owner, person, "direct", "withdrawn", channel="email")
    # one-to-one email and every email purpose granted before it are refused
    d = may_contact(person, "direct", "email")
    assert (d.allowed, d.reason) == (False, "Withdrawn: One-to-one messages by Email.")
    d = may_contact(person, "newsletter", "email")
    assert (d.allowed, d.reason) == (False, "All contact by Email was withdrawn.")
    # other channels are untouched
    assert may_contact(person, "direct", "phone").allowed
    # and the addresses of the person are refused to a sender that has only addresses
    assert set(refused_addresses(["ASHA@example.com ", "other@example.com"], "direct")) == {
        "asha@example.com"
    }


def test_an_earlier_time_answers_from_the_rows_of_then(owner, person):
    before = timezone.now()
    record(owner, person, "newsletter", "granted")
    assert not may_contact(person, "newsletter", "email", at=before).allowed
    assert may_contact(person, "newsletter", "email").allowed


def test_an_unknown_purpose_is_a_programming_error(person):
    with pytest.raises(ValueError):
        may_contact(person, "telepathy", "email")
