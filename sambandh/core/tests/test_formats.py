"""core.formats and core.formats_input: numbers, amounts, dates, digits and wall-clock times the
way each locale writes and types them (Babel/CLDR), and the daylight-saving edges."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal

import pytest
from django.utils import timezone

from sambandh.core import formats
from sambandh.core.errors import ValidationFailed
from sambandh.core.formats_input import (
    AmbiguousAmount,
    MalformedAmount,
    NonexistentTime,
    aware_local,
    parse_api_amount,
    parse_localized_amount,
    time_is_ambiguous,
)

MOMENT = dt.datetime(2026, 9, 1, 13, 51, tzinfo=dt.UTC)  # 19:21 in Kolkata


@pytest.fixture
def kolkata():  # noqa: ANN201
    with timezone.override(zoneinfo.ZoneInfo("Asia/Kolkata")):
        yield


# --- numbers and money ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("te", "12,34,567.89"),
        ("gu", "12,34,567.89"),
        ("hi", "12,34,567.89"),
        ("en-IN", "12,34,567.89"),
        ("en-US", "1,234,567.89"),
        ("en-GB", "1,234,567.89"),
        ("de", "1.234.567,89"),
        ("fr", "1\u202f234\u202f567,89"),
    ],
)
def test_numbers_are_grouped_the_locales_way(locale, expected):
    with formats.override(locale):
        assert formats.number(Decimal("1234567.89")) == expected


def test_amounts_keep_their_currencys_decimals_in_the_locales_way():
    with formats.override("en-IN"):
        assert formats.money(Decimal("1234567.5"), "INR") == "₹12,34,567.50"
        assert formats.money(Decimal("1000"), "JPY") == "JP¥1,000"
    with formats.override("de"):
        assert formats.money(Decimal("1234.5"), "EUR") == "1.234,50\xa0€"
    with formats.override("en-US"):
        assert formats.money(Decimal("1.234"), "BHD") == "BHD1.234"
        assert formats.money(None, "INR") == ""


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("te", "₹౧౨,౩౪,౫౬౭.౮౯"),
        ("hi", "₹१२,३४,५६७.८९"),
        ("gu", "₹૧૨,૩૪,૫૬૭.૮૯"),
        ("ar", "\u200f١٬٢٣٤٬٥٦٧٫٨٩\xa0₹"),
        # English has no digits of its own: the choice changes nothing.
        ("en-IN", "₹12,34,567.89"),
    ],
)
def test_native_digits_when_the_user_chooses_them(locale, expected):
    with formats.override(locale, native_digits=True):
        assert formats.money(Decimal("1234567.89"), "INR") == expected


def test_a_user_without_a_format_locale_writes_their_languages_formats():
    # given Indian-language users and an English one with no format locale chosen
    assert formats.locale_for("te") == "te_IN"
    assert formats.locale_for("hi") == "hi_IN"
    assert formats.locale_for("en") == "en_US"
    assert formats.locale_for("pt-br") == "pt_BR"
    # when an English user in India chooses en-IN, it wins over the language
    assert formats.locale_for("en", "en-IN") == "en_IN"


# --- dates and times -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("locale", "day", "moment", "clock"),
    [
        ("en-US", "Sep 1, 2026", "Sep 1, 2026, 7:21\u202fPM", "7:21\u202fPM"),
        ("en-GB", "1 Sept 2026", "1 Sept 2026, 19:21", "19:21"),
        ("en-IN", "1 Sept 2026", "1 Sept 2026, 7:21\u202fPM", "7:21\u202fPM"),
        ("de", "01.09.2026", "01.09.2026, 19:21", "19:21"),
        ("te", "1 సెప్టెం, 2026", "1 సెప్టెం, 2026 7:21 PM", "7:21 PM"),
    ],
)
def test_dates_are_medium_and_times_short_in_the_viewers_zone(kolkata, locale, day, moment, clock):
    with formats.override(locale):
        assert formats.date(MOMENT) == day
        assert formats.date(dt.date(2026, 9, 1)) == day
        assert formats.datetime(MOMENT) == moment
        assert formats.time(MOMENT) == clock


def test_a_date_time_near_midnight_is_the_day_of_the_viewers_zone(kolkata):
    late_utc = dt.datetime(2026, 8, 31, 20, 0, tzinfo=dt.UTC)  # 01:30 on Sept 1 in Kolkata
    with formats.override("en-GB"):
        assert formats.date(late_utc) == "1 Sept 2026"


def test_relative_times_in_the_locale():
    with formats.override("en-US"):
        assert formats.relative(MOMENT - dt.timedelta(days=3), MOMENT) == "3 days ago"
        assert formats.relative(MOMENT + dt.timedelta(hours=2), MOMENT) == "in 2 hours"
    with formats.override("te", native_digits=True):
        assert formats.relative(MOMENT - dt.timedelta(days=3), MOMENT) == "౩ రోజుల క్రితం"


def test_local_time_and_offsets_of_half_hour_zones():
    with formats.override("en-GB"):
        assert formats.local_time("Asia/Kolkata", MOMENT) == "19:21"
        assert formats.utc_offset("Asia/Kolkata", MOMENT) == "+05:30"
        # Lord Howe: +10:30 in the southern winter, +11:00 in summer (a 30-minute shift)
        assert formats.utc_offset("Australia/Lord_Howe", MOMENT) == "+10:30"
        january = dt.datetime(2026, 1, 15, tzinfo=dt.UTC)
        assert formats.utc_offset("Australia/Lord_Howe", january) == "+11:00"
        assert formats.local_time("Not/AZone", MOMENT) == ""


# --- amounts typed the locale's way --------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "locale", "expected"),
    [
        ("12,34,567.89", "en-IN", Decimal("1234567.89")),
        ("12,34,567.89", "te", Decimal("1234567.89")),
        ("1,234,567.89", "en-IN", Decimal("1234567.89")),  # western grouping is read too
        ("1,234,567.89", "en-US", Decimal("1234567.89")),
        ("1.234,50", "de", Decimal("1234.50")),
        ("1234,5", "de", Decimal("1234.5")),
        ("1 234,50", "fr", Decimal("1234.50")),
        ("1\u202f234,50", "fr", Decimal("1234.50")),
        ("౧౨,౩౪,౫౬౭.౮౯", "te", Decimal("1234567.89")),
        ("₹ 1,500", "en-IN", Decimal("1500")),
        ("-12.5", "en-US", Decimal("-12.5")),
        ("   ", "en-US", None),
    ],
)
def test_amounts_typed_the_locales_way_are_read(text, locale, expected):
    assert parse_localized_amount(text, locale) == expected


def test_a_lone_separator_before_three_digits_is_refused_as_ambiguous():
    # given a German user typing an amount the English way
    with formats.override("de"), pytest.raises(AmbiguousAmount) as refused:
        parse_localized_amount("1,234", currency="EUR")
    # then the message says what it would mean and what to write
    assert refused.value.fields == {
        "amount": "“1,234” is ambiguous: in your format it means 1,234, but it is often written "
        "for 1.234. Write it like 1.234.567,89."
    }
    # and an American typing it the German way is refused the same way
    with formats.override("en-US"), pytest.raises(AmbiguousAmount):
        parse_localized_amount("1.234", currency="USD")


def test_three_decimals_are_not_ambiguous_for_a_three_decimal_currency():
    assert parse_localized_amount("1,234", "de", currency="BHD") == Decimal("1.234")


@pytest.mark.parametrize(
    ("text", "locale"),
    [
        ("12,5,x", "en-US"),
        ("1,2,3", "en-US"),
        ("1.234.5", "en-US"),
        ("1234.50", "de"),
        ("abc", "hi"),
    ],
)
def test_malformed_amounts_are_refused_saying_how_to_write_them(text, locale):
    with pytest.raises(MalformedAmount) as refused:
        parse_localized_amount(text, locale)
    example = formats.example_amount(formats.Prefs(formats.babel_locale(locale)))
    assert refused.value.fields == {
        "amount": f"“{text}” is not an amount. Write it like {example}."
    }


def test_the_api_takes_plain_decimals_and_the_users_format():
    with formats.override("de"):
        assert parse_api_amount("1234.50", currency="EUR") == "1234.50"
        assert parse_api_amount("1.234,50", currency="EUR") == Decimal("1234.50")
        with pytest.raises(AmbiguousAmount) as refused:
            parse_api_amount("1.234", currency="EUR")  # 1.234 or 1234?
        assert refused.value.fields == {
            "amount": "“1.234” is ambiguous: as a plain decimal it is 1,234, in your format "
            "1.234. Send a plain decimal such as “1234.50”."
        }
    with formats.override("en-IN"):
        assert parse_api_amount("12,34,567.89", currency="INR") == Decimal("1234567.89")
        assert parse_api_amount("1.234", currency="INR") == "1.234"  # plain: the service rounds


# --- wall-clock times and daylight saving --------------------------------------------------------
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
LORD_HOWE = zoneinfo.ZoneInfo("Australia/Lord_Howe")
KOLKATA = zoneinfo.ZoneInfo("Asia/Kolkata")


def test_a_time_the_zone_skips_is_refused():
    # 2026-03-08: New York's clocks go from 02:00 to 03:00
    with pytest.raises(NonexistentTime) as refused:
        aware_local(dt.datetime(2026, 3, 8, 2, 30), NEW_YORK, field="occurred_at")
    assert refused.value.code == "nonexistent_time"
    assert refused.value.fields == {
        "occurred_at": "2026-03-08 02:30 does not exist in America/New_York: the clocks skip "
        "that hour (daylight saving time starts). Choose a time before or after it."
    }


def test_a_time_the_zone_repeats_is_the_first_of_the_two():
    # 2026-11-01: New York's 01:00-02:00 happens twice (EDT, then EST)
    naive = dt.datetime(2026, 11, 1, 1, 30)
    assert time_is_ambiguous(naive, NEW_YORK)
    aware = aware_local(naive, NEW_YORK)
    assert aware.astimezone(dt.UTC) == dt.datetime(2026, 11, 1, 5, 30, tzinfo=dt.UTC)


def test_lord_howes_thirty_minute_shift():
    # 2026-10-04: 02:00 becomes 02:30; 02:15 does not exist
    with pytest.raises(NonexistentTime):
        aware_local(dt.datetime(2026, 10, 4, 2, 15), LORD_HOWE)
    assert aware_local(dt.datetime(2026, 10, 4, 2, 30), LORD_HOWE).astimezone(dt.UTC) == (
        dt.datetime(2026, 10, 3, 15, 30, tzinfo=dt.UTC)
    )
    # 2026-04-05: 02:00 goes back to 01:30; 01:45 happens twice, the first at +11:00
    naive = dt.datetime(2026, 4, 5, 1, 45)
    assert time_is_ambiguous(naive, LORD_HOWE)
    assert aware_local(naive, LORD_HOWE).astimezone(dt.UTC) == dt.datetime(
        2026, 4, 4, 14, 45, tzinfo=dt.UTC
    )


def test_india_is_five_and_a_half_hours_ahead_all_year():
    for month in (1, 7):
        naive = dt.datetime(2026, month, 1, 9, 0)
        assert not time_is_ambiguous(naive, KOLKATA)
        assert aware_local(naive, KOLKATA).astimezone(dt.UTC) == dt.datetime(
            2026, month, 1, 3, 30, tzinfo=dt.UTC
        )


def test_ambiguous_amount_is_a_validation_failure_for_every_interface():
    assert issubclass(AmbiguousAmount, ValidationFailed)
    assert AmbiguousAmount.status == 422
