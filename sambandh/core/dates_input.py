"""Dates and times as people type them in their own format locale (``User.format_locale``).

A date is shown and read in the locale's CLDR *short* pattern with the year written in full, so
that nobody has to guess a century: 31/12/2026 (en-GB, fr), 12/31/2026 (en-US), 31.12.2026 (de),
2026/12/31 (ja); in native digits (౩౧/౧౨/౨౦౨౬) when the user chose them. Reading accepts the same
pattern with any separator, native or Latin digits, a month written as a word of the locale
("31 Dec 2026", the *medium* style), and ISO 8601 (2026-12-31), which is what the picker's hidden
input sends. A two-digit year is refused as ambiguous (1926 or 2026?), a day or month out of range
as not a date, each with the user's own example.

A time is shown in the locale's short time pattern (10:00, or 10:00 AM where the locale writes
a 12-hour clock) and read with or without the locale's AM/PM marker; without one it is a 24-hour
time. Where a date and time becomes a moment (the zone, daylight-saving edges) stays with
``formats_input.aware_local``.

``picker_config`` is what the browser's picker (web/static/web/date_input.js) needs to do the
same in the page: the patterns, the month and weekday names and the first day of the week, all
from Babel, so the calendar follows the user's locale, not the browser's.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from typing import Any

from babel import Locale
from babel import dates as babel_dates
from django.utils.translation import gettext as _

from sambandh.core import formats
from sambandh.core.errors import ValidationFailed
from sambandh.core.formats_input import _ascii_digits

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TOKENS = re.compile(r"\d+|[^\W\d_]+\.?", re.UNICODE)
# The example every message shows: a day past 12, so its order cannot be mistaken.
EXAMPLE_DAY = dt.date(2026, 12, 31)


class MalformedDate(ValidationFailed):
    code = "malformed_date"


class AmbiguousDate(ValidationFailed):
    code = "ambiguous_date"


class MalformedTime(ValidationFailed):
    code = "malformed_time"


def _unquoted(pattern: str) -> str:
    # CLDR quotes literal text ('de' in pt-BR); it is no field of the pattern.
    return re.sub(r"'[^']*'", "", pattern)


@lru_cache(maxsize=64)
def date_pattern(locale: str) -> str:
    """The locale's short date pattern with the year in full: "dd/MM/y", "M/d/y", "dd.MM.y"."""
    short = babel_dates.get_date_format("short", locale=locale).pattern
    return re.sub(r"y+", "y", short)


@lru_cache(maxsize=64)
def field_order(locale: str) -> str:
    """The order of day, month and year in the locale's short pattern: "dmy", "mdy" or "ymd"."""
    pattern = _unquoted(date_pattern(locale))
    spots = {k: pattern.find(c) for k, c in (("d", "d"), ("m", "M"), ("y", "y"))}
    if spots["m"] < 0:
        spots["m"] = pattern.find("L")
    return "".join(sorted(spots, key=lambda k: spots[k]))


@lru_cache(maxsize=64)
def time_pattern(locale: str) -> str:
    return babel_dates.get_time_format("short", locale=locale).pattern


def _prefs(locale: str | None) -> formats.Prefs:
    current = formats.current()
    if locale is None:
        return current
    return formats.Prefs(formats.babel_locale(locale), current.native_digits)


def format_date_input(value: dt.date | None, prefs: formats.Prefs | None = None) -> str:
    """A day as the user types it: "31/12/2026" (en-GB), "12/31/2026" (en-US)."""
    if value is None:
        return ""
    prefs = prefs or formats.current()
    text = babel_dates.format_date(value, date_pattern(prefs.locale), locale=prefs.locale)
    return formats.digits(text, prefs)


def format_time_input(value: dt.time | None, prefs: formats.Prefs | None = None) -> str:
    """A time of day as the user types it: "10:00" (en-GB, de), "10:00 AM" (en-US)."""
    if value is None:
        return ""
    prefs = prefs or formats.current()
    text = babel_dates.format_time(value, time_pattern(prefs.locale), locale=prefs.locale)
    return formats.digits(text.replace("\u202f", " "), prefs)


def example_date(prefs: formats.Prefs | None = None) -> str:
    return format_date_input(EXAMPLE_DAY, prefs)


def _fold(word: str) -> str:
    return word.casefold().replace(".", "").replace(" ", "")


@lru_cache(maxsize=64)
def _month_words(locale: str) -> dict[str, int]:
    parsed = Locale.parse(locale)
    words: dict[str, int] = {}
    for context in ("format", "stand-alone"):
        for width in ("wide", "abbreviated"):
            for number, name in parsed.months[context][width].items():
                words.setdefault(_fold(name), number)
    english = Locale.parse("en")
    for width in ("wide", "abbreviated"):
        for number, name in english.months["format"][width].items():
            words.setdefault(_fold(name), number)
    return words


def _date_error(cls: type[ValidationFailed], message: str, field: str) -> ValidationFailed:
    return cls(message, fields={field: message})


def parse_date_input(
    text: object, locale: str | None = None, *, field: str = "date"
) -> dt.date | None:
    """The day ``text`` names in the user's format locale (default: the viewer's), or None when
    blank. Raises MalformedDate or AmbiguousDate, naming ``field``, with the user's example."""
    if text is None:
        return None
    if isinstance(text, dt.datetime):
        return text.date()
    if isinstance(text, dt.date):
        return text
    raw = str(text).strip()
    if not raw:
        return None
    prefs = _prefs(locale)
    plain = _ascii_digits(raw).replace("\u200f", "").replace("\u200e", "")
    example = example_date(prefs)
    shown = raw[:40]
    invalid = _("“%(value)s” is not a date. Write it like %(example)s.") % {
        "value": shown,
        "example": example,
    }
    if _ISO_DATE.match(plain):
        try:
            return dt.date.fromisoformat(plain)
        except ValueError:
            raise _date_error(MalformedDate, invalid, field) from None
    tokens = _TOKENS.findall(plain)
    numbers = [t for t in tokens if t.isdigit()]
    words = [t for t in tokens if not t.isdigit()]
    order = field_order(prefs.locale)
    month: int | None = None
    if words:
        # A month written as a word ("31 Dec 2026"): the two numbers are the day and the year.
        names = _month_words(prefs.locale)
        found = [names[_fold(w)] for w in words if _fold(w) in names]
        if len(found) != 1 or len(numbers) != 2 or len(words) > 2:
            raise _date_error(MalformedDate, invalid, field)
        month = found[0]
        order = order.replace("m", "")
        values = dict(zip(order, numbers, strict=True))
        if len(values["d"]) == 4 and len(values["y"]) <= 2:
            values["d"], values["y"] = values["y"], values["d"]  # "2026 Dec 31"
    elif len(numbers) == 3 and len(tokens) == 3:
        values = dict(zip(order, numbers, strict=True))
    else:
        raise _date_error(MalformedDate, invalid, field)
    if len(values["y"]) != 4:
        message = _("“%(value)s” is ambiguous: write the year in full, like %(example)s.") % {
            "value": shown,
            "example": example,
        }
        raise _date_error(AmbiguousDate if len(values["y"]) <= 2 else MalformedDate, message, field)
    try:
        return dt.date(int(values["y"]), month or int(values["m"]), int(values["d"]))
    except (ValueError, OverflowError):  # a day or month of twenty digits overflows C's long
        raise _date_error(MalformedDate, invalid, field) from None


def parse_time_input(
    text: object, locale: str | None = None, *, field: str = "time"
) -> dt.time | None:
    """The time of day ``text`` names ("10:00", "10:00 PM", "22.00", "१०:००"), or None when
    blank."""
    if text is None:
        return None
    if isinstance(text, dt.time):
        return text
    raw = str(text).strip()
    if not raw:
        return None
    prefs = _prefs(locale)
    plain = _ascii_digits(raw)
    parsed = Locale.parse(prefs.locale)
    periods = parsed.day_periods["format"]["abbreviated"]
    markers = {"am": 0, "pm": 12}
    for key in ("am", "pm"):
        if periods.get(key):
            markers[_fold(periods[key])] = 0 if key == "am" else 12
    numbers = re.findall(r"\d+", plain)
    rest = _fold(re.sub(r"[\d:.\s\u202f]+", " ", plain))
    shown = raw[:40]
    example = format_time_input(dt.time(22, 30), prefs)
    message = _("“%(value)s” is not a time. Write it like %(example)s.") % {
        "value": shown,
        "example": example,
    }
    if rest and rest not in markers:
        raise MalformedTime(message, fields={field: message})
    if len(numbers) == 1 and len(numbers[0]) in (3, 4):
        numbers = [numbers[0][:-2], numbers[0][-2:]]  # "1030"
    if not 1 <= len(numbers) <= 2:
        raise MalformedTime(message, fields={field: message})
    if any(len(n.lstrip("0")) > 2 for n in numbers):  # "100:00", or enough to overflow dt.time
        raise MalformedTime(message, fields={field: message})
    hour, minute = int(numbers[0]), int(numbers[1]) if len(numbers) == 2 else 0
    if rest:
        if not 1 <= hour <= 12:
            raise MalformedTime(message, fields={field: message})
        hour = hour % 12 + markers[rest]
    try:
        return dt.time(hour, minute)
    except ValueError:
        raise MalformedTime(message, fields={field: message}) from None


def zone_label(zone: Any = None, at: dt.datetime | None = None) -> str:
    """The zone a time is read in, as shown beside the input: "Asia/Kolkata (UTC+05:30)"."""
    from django.utils import timezone

    name = str(getattr(zone, "key", None) or zone or timezone.get_current_timezone_name())
    offset = formats.utc_offset(name, at)
    return f"{name} (UTC{offset})" if offset else name


@lru_cache(maxsize=64)
def _names(locale: str) -> dict[str, Any]:
    parsed = Locale.parse(locale)
    skeleton = parsed.datetime_skeletons.get("yMMMM")
    month_year = getattr(skeleton, "pattern", None) or str(skeleton or "MMMM y")
    periods = parsed.day_periods["format"]["abbreviated"]
    return {
        "pattern": date_pattern(locale),
        "order": field_order(locale),
        "fullPattern": babel_dates.get_date_format("full", locale=locale).pattern,
        "monthYear": month_year,
        "timePattern": time_pattern(locale).replace("\u202f", " "),
        "months": [parsed.months["format"]["wide"][m] for m in range(1, 13)],
        "monthsShort": [parsed.months["format"]["abbreviated"][m] for m in range(1, 13)],
        "monthsAlone": [parsed.months["stand-alone"]["wide"][m] for m in range(1, 13)],
        # Monday first, as CLDR numbers them; firstDay says where the week starts.
        "days": [parsed.days["format"]["wide"][d] for d in range(7)],
        "daysShort": [parsed.days["stand-alone"]["abbreviated"][d] for d in range(7)],
        "firstDay": parsed.first_week_day,
        "am": periods.get("am", "AM"),
        "pm": periods.get("pm", "PM"),
        "example": babel_dates.format_date(EXAMPLE_DAY, date_pattern(locale), locale=locale),
    }


def picker_config(prefs: formats.Prefs | None = None) -> dict[str, Any]:
    """What the browser's picker needs to show and read dates the user's way (JSON-ready)."""
    prefs = prefs or formats.current()
    config = dict(_names(prefs.locale))
    config["zero"] = prefs.digits_zero
    config["example"] = formats.digits(config["example"], prefs)
    return config
