"""Date and time inputs in the user's own format locale and time zone (web.date_inputs,
core.dates_input): shown in the locale's pattern, read back the same way when the script is off,
refused with the user's example when they are not a date or are ambiguous, read in the user's zone,
and in native digits when chosen. The picker's ISO value (the hidden input) is covered by the forms'
own tests, which post ISO as before."""

from __future__ import annotations

import datetime as dt
import html
import json
import re

import pytest
from django.urls import reverse

from sambandh.activities.models import Activity
from sambandh.core import dates_input, formats
from sambandh.core.errors import ValidationFailed
from sambandh.sales.models import Deal
from tests import factories
from tests.web.helpers import HTMX, text

pytestmark = pytest.mark.django_db

CREATE_ACTIVITY = reverse("activities:activity_create")


def _prefs(user, **values):  # noqa: ANN001, ANN003, ANN202
    for key, value in values.items():
        setattr(user, key, value)
    user.save(update_fields=list(values))
    return user


def _deal_form(pipeline, owner, **overrides):  # noqa: ANN001, ANN003, ANN202
    data = {
        "owner": str(owner.pk),
        "name": "Tata renewal",
        "pipeline": str(pipeline.pk),
        "stage": str(pipeline.stages.get(name="Proposal").pk),
        "amount": "125000",
        "currency": "INR",
        "probability": "",
        "organization": "",
        "person_0": "",
        "person_1": "",
        "source": "referral",
        "tags": "",
        "description": "",
    }
    data.update(overrides)
    return data


def _config(page: str) -> dict:
    found = re.search(r'data-date-config="([^"]*)"', page)
    assert found, "no date input on the page"
    return json.loads(html.unescape(found.group(1)))


# --- shown in the user's pattern ------------------------------------------------------------------
@pytest.mark.parametrize(
    ("locale", "shown", "december", "first_day"),
    [
        ("en-GB", "31/12/2026", "December", 0),
        ("en-US", "12/31/2026", "December", 6),
        ("de", "31.12.2026", "Dezember", 0),
    ],
)
def test_the_deal_form_shows_the_close_date_in_the_users_pattern(
    owner, pipeline, browser_for, locale, shown, december, first_day
):
    # given a deal closing on New Year's Eve and a user who writes dates the ``locale`` way
    _prefs(owner, format_locale=locale)
    deal = factories.make_deal(owner, pipeline, expected_close_date=dt.date(2026, 12, 31))

    # when they open its form
    page = text(browser_for(owner).get(reverse("sales:deal_edit", args=[deal.pk])))

    # then the day is written their way, the hidden ISO value waits for the script, and the
    # calendar's names and first weekday come from their locale
    assert f'name="expected_close_date_date" value="{shown}"' in page
    assert (
        '<input type="hidden" name="expected_close_date" value="2026-12-31" data-date-iso disabled>'
        in page
    )
    config = _config(page)
    assert (config["months"][11], config["firstDay"], config["example"]) == (
        december,
        first_day,
        shown,
    )
    assert f"Format: {shown}" in page or f"Format: {shown}" in html.unescape(page)


# --- typed without the script ---------------------------------------------------------------------
@pytest.mark.parametrize(
    ("locale", "typed"),
    [
        ("en-GB", "31/12/2026"),
        ("en-US", "12/31/2026"),
        ("de", "31.12.2026"),
        ("en-GB", "31 Dec 2026"),
    ],
)
def test_a_date_typed_in_the_users_format_is_saved(owner, pipeline, browser_for, locale, typed):
    _prefs(owner, format_locale=locale)
    response = browser_for(owner).post(
        reverse("sales:deal_create"), _deal_form(pipeline, owner, expected_close_date_date=typed)
    )
    assert response.status_code == 302
    assert Deal.objects.get().expected_close_date == dt.date(2026, 12, 31)


@pytest.mark.parametrize(
    ("locale", "typed", "message"),
    [
        ("en-US", "31/12/2026", "“31/12/2026” is not a date. Write it like 12/31/2026."),
        ("en-GB", "30/02/2027", "“30/02/2027” is not a date. Write it like 31/12/2026."),
        ("en-GB", "soon", "“soon” is not a date. Write it like 31/12/2026."),
        ("de", "31.12.26", "“31.12.26” is ambiguous: write the year in full, like 31.12.2026."),
    ],
)
def test_a_date_that_is_not_one_or_is_ambiguous_is_refused_and_nothing_is_written(
    owner, pipeline, browser_for, locale, typed, message
):
    _prefs(owner, format_locale=locale)
    response = browser_for(owner).post(
        reverse("sales:deal_create"), _deal_form(pipeline, owner, expected_close_date_date=typed)
    )
    assert response.status_code == 200
    assert response.context["form"].errors["expected_close_date"] == [message]
    # what was typed is shown again, to be corrected
    assert f'name="expected_close_date_date" value="{html.escape(typed)}"' in text(response)
    assert Deal.objects.count() == 0


def test_the_error_is_in_the_users_language(owner, pipeline, browser_for):
    _prefs(owner, language="de", format_locale="de")
    response = browser_for(owner).post(
        reverse("sales:deal_create"),
        _deal_form(pipeline, owner, expected_close_date_date="31.12.26"),
    )
    assert response.context["form"].errors["expected_close_date"] == [
        "„31.12.26“ ist mehrdeutig: Schreiben Sie das Jahr aus, etwa 31.12.2026."
    ]
    assert Deal.objects.count() == 0


# --- the time zone --------------------------------------------------------------------------------
def test_a_kolkata_users_ten_oclock_is_half_past_four_utc(owner, browser_for):
    # given a user in India who writes dates the British way
    _prefs(owner, time_zone="Asia/Kolkata", format_locale="en-GB")
    person = factories.make_person(owner)
    client = browser_for(owner)

    # the composer says which zone its times are read in
    page = text(
        client.get(
            CREATE_ACTIVITY,
            {"kind": "task", "record_type": "person", "record_id": person.pk},
            headers=HTMX,
        )
    )
    assert "Asia/Kolkata (UTC+05:30)" in page

    # when they type a task due at 10:00 on 15/01/2030 (no script: the typed text is posted)
    client.post(
        CREATE_ACTIVITY,
        {
            "kind": "task",
            "record_type": "person",
            "record_id": person.pk,
            "subject": "Call back",
            "due_at_date": "15/01/2030",
            "due_at_time": "10:00",
        },
        headers=HTMX,
    )

    # then it is due at 04:30 UTC, and shown back as 10:00 on their day
    task = Activity.objects.get()
    assert task.due_at == dt.datetime(2030, 1, 15, 4, 30, tzinfo=dt.UTC)
    edit = text(client.get(reverse("activities:activity_edit", args=[task.pk])))
    assert 'value="15/01/2030"' in edit and 'value="10:00"' in edit
    assert 'name="due_at" value="2030-01-15T10:00"' in edit


def test_a_time_typed_with_the_locales_pm_marker(owner, browser_for):
    _prefs(owner, time_zone="America/New_York", format_locale="en-US")
    person = factories.make_person(owner)
    browser_for(owner).post(
        CREATE_ACTIVITY,
        {
            "kind": "task",
            "record_type": "person",
            "record_id": person.pk,
            "subject": "Call back",
            "due_at_date": "7/4/2030",
            "due_at_time": "2:30 PM",
        },
        headers=HTMX,
    )
    # 14:30 in New York in July (UTC-4) is 18:30 UTC
    assert Activity.objects.get().due_at == dt.datetime(2030, 7, 4, 18, 30, tzinfo=dt.UTC)


def test_a_time_that_is_not_one_is_refused(owner, browser_for):
    _prefs(owner, format_locale="en-GB")
    person = factories.make_person(owner)
    response = browser_for(owner).post(
        CREATE_ACTIVITY,
        {
            "kind": "task",
            "record_type": "person",
            "record_id": person.pk,
            "subject": "Call back",
            "due_at_date": "15/01/2030",
            "due_at_time": "25:00",
        },
        headers=HTMX,
    )
    assert "“25:00” is not a time. Write it like 22:30." in html.unescape(text(response))
    assert Activity.objects.count() == 0


# --- native digits --------------------------------------------------------------------------------
def test_native_digits_are_shown_and_read(owner, pipeline, browser_for):
    _prefs(owner, language="te", format_locale="te", native_digits=True)
    deal = factories.make_deal(owner, pipeline, expected_close_date=dt.date(2026, 12, 31))
    client = browser_for(owner)
    page = text(client.get(reverse("sales:deal_edit", args=[deal.pk])))
    assert 'name="expected_close_date_date" value="౩౧/౧౨/౨౦౨౬"' in page
    assert _config(page)["zero"] == 0x0C66

    response = client.post(
        reverse("sales:deal_create"),
        _deal_form(pipeline, owner, name="Second", expected_close_date_date="౧/౨/౨౦౨౭"),
    )
    assert response.status_code == 302
    assert Deal.objects.get(name="Second").expected_close_date == dt.date(2027, 2, 1)


# --- outside the forms: inline editing ------------------------------------------------------------
def test_inline_editing_a_date_reads_the_users_format(owner, pipeline, browser_for):
    _prefs(owner, format_locale="de")
    deal = factories.make_deal(owner, pipeline, expected_close_date=dt.date(2026, 12, 31))
    client = browser_for(owner)
    url = f"/inline/deal/{deal.pk}/expected_close_date/"
    editor = text(client.get(url + f"?version={deal.version}"))
    assert 'name="value_date" value="31.12.2026"' in editor

    response = client.post(url, {"value_date": "1.2.2027", "version": deal.version})
    assert response.status_code == 200
    assert Deal.objects.get(pk=deal.pk).expected_close_date == dt.date(2027, 2, 1)

    deal.refresh_from_db()
    response = client.post(url, {"value_date": "2/1/27", "version": deal.version})
    assert response.status_code == 422
    assert 'aria-invalid="true"' in text(response)
    assert Deal.objects.get(pk=deal.pk).expected_close_date == dt.date(2027, 2, 1)


# --- the reader itself ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("locale", "typed", "day"),
    [
        ("en-GB", "5/1/2026", dt.date(2026, 1, 5)),
        ("en-US", "5/1/2026", dt.date(2026, 5, 1)),
        ("ja", "2026/12/31", dt.date(2026, 12, 31)),
        ("de", "31. Dezember 2026", dt.date(2026, 12, 31)),
        ("hi", "३१/१२/२०२६", dt.date(2026, 12, 31)),
        ("ar", "٣١‏/١٢‏/٢٠٢٦", dt.date(2026, 12, 31)),
        ("fr", "2026-12-31", dt.date(2026, 12, 31)),
    ],
)
def test_parse_date_input(locale, typed, day):
    assert dates_input.parse_date_input(typed, locale) == day


def test_parse_date_input_refusals():
    with formats.override("en-GB"), pytest.raises(ValidationFailed) as caught:
        dates_input.parse_date_input("12/31/2026", field="due")
    assert caught.value.fields == {"due": "“12/31/2026” is not a date. Write it like 31/12/2026."}
    with formats.override("en-US"), pytest.raises(dates_input.AmbiguousDate):
        dates_input.parse_date_input("12/31/26")


def test_format_inputs_follow_the_locale():
    day, time = dt.date(2026, 12, 31), dt.time(22, 5)
    with formats.override("en-US"):
        assert (dates_input.format_date_input(day), dates_input.format_time_input(time)) == (
            "12/31/2026",
            "10:05 PM",
        )
    with formats.override("ar", native_digits=True):
        assert dates_input.format_date_input(day) == "٣١\u200f/١٢\u200f/٢٠٢٦"
        assert dates_input.parse_time_input(dates_input.format_time_input(time)) == time
