"""The pages in the viewer's formats: one date style per page, their own digits, amounts typed
their way, date-times read in their zone (daylight-saving edges), meetings across zones."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from sambandh.activities.models import Activity
from sambandh.contacts.models import Affiliation, Person
from sambandh.sales.models import Deal
from tests import factories
from tests.web.helpers import HTMX, text

pytestmark = pytest.mark.django_db

ADDED = dt.datetime(2026, 9, 1, 13, 51, tzinfo=dt.UTC)  # 19:21 in Kolkata


def _prefs(user, **values):  # noqa: ANN001, ANN003, ANN202
    for key, value in values.items():
        setattr(user, key, value)
    user.save(update_fields=list(values))
    return user


def _person_added_on_the_first_of_september(owner):  # noqa: ANN001, ANN202
    org = factories.make_organization(owner, name="Tata Motors", time_zone="Asia/Kolkata")
    person = factories.make_person(owner, full_name="Asha Rao", organization_id=org.pk)
    Person.objects.filter(pk=person.pk).update(created_at=ADDED)
    Affiliation.objects.filter(person=person).update(started_on=dt.date(2026, 9, 1))
    return person


# --- the profile ----------------------------------------------------------------------------------
def test_the_profile_sets_the_format_locale_and_digits(owner, browser_for):
    client = browser_for(owner)
    page = text(client.get(reverse("accounts:profile")))
    assert '<option value="en-IN">English (India) · 12,34,567.89 · 1 Sept 2026</option>' in page
    response = client.post(
        reverse("accounts:profile"),
        {
            "full_name": "Olivia Owner",
            "language": "te",
            "time_zone": "Asia/Kolkata",
            "currency": "INR",
            "format_locale": "en-IN",
            "native_digits": "on",
        },
    )
    assert response.status_code == 302
    owner.refresh_from_db()
    assert (owner.language, owner.format_locale, owner.native_digits) == ("te", "en-IN", True)


# --- one date style per page ----------------------------------------------------------------------
def test_a_person_page_writes_every_date_in_one_style(owner, browser_for):
    # given an English user in Kolkata who writes dates the Indian way
    _prefs(owner, time_zone="Asia/Kolkata", format_locale="en-IN")
    person = _person_added_on_the_first_of_september(owner)
    # when they open the person's page
    page = text(browser_for(owner).get(reverse("contacts:person_detail", args=[person.pk])))
    # then the date-time and the affiliation's date are both in the medium style, in their zone
    assert "1 Sept 2026, 7:21\u202fPM" in page
    assert "since 1 Sept 2026" in page
    assert 'datetime="2026-09-01T13:51:00+00:00"' in page
    for other_style in ("Sept. 1, 2026", "09/01/2026", "01/09/2026", "2026-09-01</"):
        assert other_style not in page


def test_telugu_digits_when_the_user_chooses_them(owner, browser_for):
    _prefs(owner, time_zone="Asia/Kolkata", language="te")
    person = _person_added_on_the_first_of_september(owner)
    url = reverse("contacts:person_detail", args=[person.pk])
    assert "1 సెప్టెం, 2026 7:21 PM" in text(browser_for(owner).get(url))
    _prefs(owner, native_digits=True)
    assert "౧ సెప్టెం, ౨౦౨౬ ౭:౨౧ PM" in text(browser_for(owner).get(url))


def test_record_pages_show_the_local_time_of_their_zone(owner, browser_for):
    org = factories.make_organization(
        owner, name="Lord Howe Pearls", time_zone="Australia/Lord_Howe"
    )
    page = text(browser_for(owner).get(reverse("contacts:organization_detail", args=[org.pk])))
    assert "local time " in page
    assert "(Australia/Lord_Howe)" in page


# --- amounts typed the user's way -----------------------------------------------------------------
def _deal_form(pipeline, owner, amount, currency="EUR"):  # noqa: ANN001, ANN202
    return {
        "name": "Berlin fleet",
        "pipeline": str(pipeline.pk),
        "stage": str(pipeline.stages.first().pk),
        "amount": amount,
        "currency": currency,
        "owner": str(owner.pk),
    }


def test_a_german_amount_is_read_and_shown_back_the_german_way(owner, pipeline, browser_for):
    _prefs(owner, format_locale="de")
    client = browser_for(owner)
    response = client.post(reverse("sales:deal_create"), _deal_form(pipeline, owner, "1.234,50"))
    assert response.status_code == 302, response.context["form"].errors
    deal = Deal.objects.get()
    assert deal.amount == Decimal("1234.50")
    edit = client.get(reverse("sales:deal_edit", args=[deal.pk]))
    assert edit.context["form"]["amount"].value() == "1.234,50"


def test_an_indian_amount_is_read(owner, pipeline, browser_for):
    _prefs(owner, format_locale="en-IN")
    browser_for(owner).post(
        reverse("sales:deal_create"), _deal_form(pipeline, owner, "12,34,567.89", "INR")
    )
    assert Deal.objects.get().amount == Decimal("1234567.89")


def test_an_ambiguous_amount_is_refused_and_nothing_written(owner, pipeline, browser_for):
    _prefs(owner, format_locale="de")
    response = browser_for(owner).post(
        reverse("sales:deal_create"), _deal_form(pipeline, owner, "1,234")
    )
    assert response.status_code == 200
    assert response.context["form"].errors["amount"] == [
        "“1,234” is ambiguous: in your format it means 1,234, but it is often written for "
        "1.234. Write it like 1.234.567,89."
    ]
    assert Deal.objects.count() == 0


# --- times read in the user's zone ----------------------------------------------------------------
CREATE = "/activities/new/"


def _meeting(client, person, when):  # noqa: ANN001, ANN202
    return client.post(
        CREATE,
        {
            "kind": "meeting",
            "subject": "Review",
            "occurred_at": when,
            "record_type": "person",
            "record_id": person.pk,
        },
        headers=HTMX,
    )


def test_a_time_the_users_zone_skips_is_refused_and_nothing_written(owner, browser_for):
    _prefs(owner, time_zone="America/New_York")
    person = factories.make_person(owner, full_name="Asha Rao")
    response = _meeting(browser_for(owner), person, "2026-03-08T02:30")
    assert response.status_code == 422
    assert (
        "2026-03-08 02:30 does not exist in America/New_York: the clocks skip that hour "
        "(daylight saving time starts). Choose a time before or after it."
    ) in text(response)
    assert Activity.objects.filter(kind="meeting").count() == 0


def test_a_time_the_users_zone_repeats_is_the_first(owner, browser_for):
    _prefs(owner, time_zone="America/New_York")
    person = factories.make_person(owner, full_name="Asha Rao")
    response = _meeting(browser_for(owner), person, "2026-11-01T01:30")
    assert response.status_code == 200
    meeting = Activity.objects.get(kind="meeting")
    assert meeting.occurred_at == dt.datetime(2026, 11, 1, 5, 30, tzinfo=dt.UTC)


# --- a meeting across zones -----------------------------------------------------------------------
def test_a_meeting_shows_each_participants_local_time_and_shared_hours(owner, browser_for):
    # given a rep in Kolkata meeting a person in London on Tuesday 1 September 2026, 14:30 Kolkata
    _prefs(owner, time_zone="Asia/Kolkata", format_locale="en-GB")
    person = factories.make_person(owner, full_name="Tom Hardy", time_zone="Europe/London")
    meeting = factories.make_activity(
        owner,
        "meeting",
        subject="Renewal",
        person_id=person.pk,
        occurred_at=dt.datetime(2026, 9, 1, 9, 0, tzinfo=dt.UTC),
    )
    client = browser_for(owner)
    # when the rep opens the person's timeline and the meeting
    timeline = text(client.get(reverse("contacts:person_detail", args=[person.pk])))
    page = text(client.get(reverse("activities:activity_edit", args=[meeting.pk])))
    # then both say when it is for each of them, and the page lists the shared working hours
    for body in (timeline, page):
        assert "Olivia Owner: 14:30 (Asia/Kolkata)" in body
        assert "Tom Hardy: 10:00 (Europe/London)" in body
    assert "<strong>13:30–17:00</strong> · Olivia Owner 13:30–17:00 · Tom Hardy 09:00–12:30" in page
