"""Every number, amount, date and time the interface writes, the way the viewer's locale writes it.

One module (Babel/CLDR) for templates (``{% load formats %}``) and for Python that renders text,
so a page never mixes date styles: dates and date-times are CLDR's *medium* style everywhere
("1 Sept 2026, 7:21 pm" in en-IN, "Sep 1, 2026, 7:21 PM" in en-US), times are *short*.

The *format locale* is the user's own preference (``User.format_locale``), apart from the interface
language: English speakers choose en-US, en-GB or en-IN. Blank follows the language (``te`` writes
Telugu's CLDR formats, with Indian grouping 12,34,567.89). Native digits (౧౨౩, ०१२, ૧૨૩, ٣٢١) are
a second preference; Babel formats with Latin digits and we map them afterwards, since CLDR's
numbering systems only change the separators.

The request activates both (accounts.middleware) the way Django activates the time zone; outside a
request the locale follows the active language.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from asgiref.local import Local
from babel import Locale, UnknownLocaleError
from babel import dates as babel_dates
from babel import numbers as babel_numbers
from django.utils import timezone, translation

#: The format locales a user may choose, as BCP 47 tags (the interface languages, English in
#: three variants). Labels are each locale's own name for itself, as language pickers show them.
FORMAT_LOCALES: tuple[str, ...] = (
    "en-US",
    "en-GB",
    "en-IN",
    "te",
    "gu",
    "hi",
    "es",
    "pt-BR",
    "fr",
    "de",
    "ja",
    "ar",
)

# The format locale a language implies when the user chose none. Indian languages are written with
# their India conventions (te_IN: Indian grouping, ₹); English stays US, as it always was here.
_LANGUAGE_DEFAULTS = {"en": "en_US", "te": "te_IN", "gu": "gu_IN", "hi": "hi_IN", "pt-br": "pt_BR"}

# The decimal digits of the numbering systems a user may switch to, by language: the code point of
# each system's zero (its nine others follow it in Unicode).
_NATIVE_ZERO = {"te": 0x0C66, "gu": 0x0AE6, "hi": 0x0966, "mr": 0x0966, "ar": 0x0660}
_NUMBERING = {"te": "telu", "gu": "gujr", "hi": "deva", "mr": "deva", "ar": "arab"}

_state = Local()


@dataclass(frozen=True)
class Prefs:
    locale: str  # a Babel identifier: "en_IN", "te_IN", "de"
    native_digits: bool = False

    @property
    def language(self) -> str:
        return self.locale.split("_")[0]

    @property
    def digits_zero(self) -> int | None:
        return _NATIVE_ZERO.get(self.language) if self.native_digits else None

    @property
    def numbering_system(self) -> str:
        return _NUMBERING.get(self.language, "latn") if self.native_digits else "latn"


def babel_locale(tag: str) -> str:
    """A BCP 47 tag or Django language code as Babel's identifier, or "en_US" when Babel does not
    know it."""
    code = (tag or "").strip()
    code = _LANGUAGE_DEFAULTS.get(code.lower(), code)
    try:
        return str(Locale.parse(code.replace("-", "_")))
    except (UnknownLocaleError, ValueError, TypeError):
        return "en_US"


def locale_for(language: str, format_locale: str = "") -> str:
    """The Babel locale a user's numbers and dates are written in: their format locale, else the
    one their interface language implies."""
    return babel_locale(format_locale or language or "en")


def has_native_digits(tag: str) -> bool:
    """Whether the locale has digits of its own the user may switch to."""
    return babel_locale(tag).split("_")[0] in _NATIVE_ZERO


def activate(locale: str, *, native_digits: bool = False) -> None:
    _state.prefs = Prefs(babel_locale(locale), bool(native_digits))


def deactivate() -> None:
    if hasattr(_state, "prefs"):
        del _state.prefs


def prefs_for_user(user: object) -> Prefs:
    return Prefs(
        locale_for(getattr(user, "language", "en"), getattr(user, "format_locale", "")),
        bool(getattr(user, "native_digits", False)),
    )


def current() -> Prefs:
    prefs = getattr(_state, "prefs", None)
    if prefs is not None:
        return prefs
    return Prefs(babel_locale(translation.get_language() or "en"))


class override:
    """``with formats.override("de"):`` — format as another locale for a block (mails, tests)."""

    def __init__(self, locale: str, *, native_digits: bool = False):
        self.prefs = Prefs(babel_locale(locale), native_digits)

    def __enter__(self) -> Prefs:
        self.saved = getattr(_state, "prefs", None)
        _state.prefs = self.prefs
        return self.prefs

    def __exit__(self, *exc: object) -> None:
        if self.saved is None:
            deactivate()
        else:
            _state.prefs = self.saved


def digits(text: str, prefs: Prefs | None = None) -> str:
    """``text`` with its ASCII digits in the user's native digits, when they chose them."""
    zero = (prefs or current()).digits_zero
    if zero is None:
        return text
    return text.translate(_digit_table(zero))


@lru_cache(maxsize=8)
def _digit_table(zero: int) -> dict[int, str]:
    return {ord("0") + i: chr(zero + i) for i in range(10)}


def _decimal(value: object) -> Decimal | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


# --- numbers and money -------------------------------------------------------------------------
def number(value: object, *, decimals: int | None = None) -> str:
    """``1234567.891`` -> "12,34,567.891" (te, en-IN), "1.234.567,891" (de); ``decimals`` fixes the
    number of decimals shown. Anything that is not a number is returned as it is."""
    amount = _decimal(value)
    if amount is None:
        return "" if value is None else str(value)
    if decimals is not None:
        amount = amount.quantize(Decimal(1).scaleb(-decimals))
    return _number(amount, decimals, current())


@lru_cache(maxsize=4096)
def _number(amount: Decimal, decimals: int | None, prefs: Prefs) -> str:
    # A list shows the same figures many times; formatting is a tenth of a millisecond each.
    fmt = None
    if decimals is not None:
        # The locale's own grouping pattern ("#,##,##0.###") with exactly ``decimals`` decimals.
        whole = Locale.parse(prefs.locale).decimal_formats[None].pattern.split(";")[0]
        fmt = whole.split(".")[0] + ("." + "0" * decimals if decimals else "")
    text = babel_numbers.format_decimal(
        amount,
        format=fmt,
        locale=prefs.locale,
        decimal_quantization=decimals is not None,
        numbering_system=_system(prefs),
    )
    return digits(text, prefs)


def money(amount: object, currency: object) -> str:
    """``money(Decimal("1234567.5"), "INR")`` -> "₹12,34,567.50" (en-IN, te), "1.234.567,50 ₹" (de):
    in the currency's own number of decimals (JPY none, BHD three)."""
    value = _decimal(amount)
    if value is None:
        return "" if amount in (None, "") else str(amount)
    code = str(currency or "").strip().upper()
    if not code:
        return number(value)
    return _money(value, code, current())


@lru_cache(maxsize=4096)
def _money(value: Decimal, code: str, prefs: Prefs) -> str:
    try:
        text = babel_numbers.format_currency(
            value, code, locale=prefs.locale, numbering_system=_system(prefs)
        )
    except (UnknownLocaleError, ValueError):
        text = babel_numbers.format_currency(value, code, locale="en_US")
    return digits(text, prefs)


def percent(value: object) -> str:
    """``percent(25)`` -> "25%" ("25 %" in de, "٢٥٪؜" in ar with native digits)."""
    amount = _decimal(value)
    if amount is None:
        return ""
    prefs = current()
    text = babel_numbers.format_percent(
        amount / 100, locale=prefs.locale, numbering_system=_system(prefs)
    )
    return digits(text, prefs)


def _system(prefs: Prefs) -> str:
    # The numbering system's separators (Arabic's ٫ and ٬) when the locale defines them.
    system = prefs.numbering_system
    if system == "latn":
        return "latn"
    try:
        babel_numbers.get_decimal_symbol(prefs.locale, numbering_system=system)
    except babel_numbers.UnsupportedNumberingSystemError:
        return "latn"
    return system


def example_amount(prefs: Prefs | None = None) -> str:
    """How the user writes 1234567.89: shown in help texts and in error messages."""
    prefs = prefs or current()
    return _number(Decimal("1234567.89"), 2, Prefs(prefs.locale))


# --- dates and times ---------------------------------------------------------------------------
def _local(value: dt.datetime, zone: dt.tzinfo | None = None) -> dt.datetime:
    if timezone.is_naive(value):
        return value
    return value.astimezone(zone or timezone.get_current_timezone())


def date(value: object) -> str:
    """A day in the medium style: "1 Sept 2026" (en-IN), "Sep 1, 2026" (en-US). A date-time is
    first moved to the viewer's time zone."""
    if value is None or value == "":
        return ""
    if isinstance(value, dt.datetime):
        value = _local(value).date()
    if not isinstance(value, dt.date):
        return str(value)
    prefs = current()
    return digits(babel_dates.format_date(value, "medium", locale=prefs.locale), prefs)


def time(value: object, zone: dt.tzinfo | None = None) -> str:
    """A time of day in the short style: "7:21 PM" (en-US), "19:21" (en-GB, de)."""
    if value is None or value == "":
        return ""
    if isinstance(value, dt.datetime):
        value = _local(value, zone)
    if not isinstance(value, dt.datetime | dt.time):
        return str(value)
    prefs = current()
    text = babel_dates.format_time(value, "short", tzinfo=None, locale=prefs.locale)
    return digits(text, prefs)


def datetime(value: object, zone: dt.tzinfo | None = None) -> str:
    """A moment in the viewer's zone (or ``zone``): the medium date with the short time,
    "1 Sept 2026, 7:21 pm" (en-IN), "Sep 1, 2026, 7:21 PM" (en-US)."""
    if value is None or value == "":
        return ""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return date(value)
    if not isinstance(value, dt.datetime):
        return str(value)
    local = _local(value, zone)
    prefs = current()
    text = babel_dates.format_datetime(local, _datetime_pattern(prefs.locale), locale=prefs.locale)
    return digits(text, prefs)


@lru_cache(maxsize=64)
def _datetime_pattern(locale: str) -> str:
    # CLDR's medium date-time joins the medium date with the medium time (seconds too); ours
    # joins it with the short time, the way the rest of the page writes times.
    glue = str(babel_dates.get_datetime_format("medium", locale=locale))
    day = babel_dates.get_date_format("medium", locale=locale).pattern
    clock = babel_dates.get_time_format("short", locale=locale).pattern
    return glue.replace("{1}", day).replace("{0}", clock)


def relative(value: object, now: dt.datetime | None = None) -> str:
    """How long ago or ahead: "3 days ago", "in 2 hours" ("3 రోజుల క్రితం" in te)."""
    if not isinstance(value, dt.datetime):
        return date(value) if isinstance(value, dt.date) else ""
    moment = value if timezone.is_aware(value) else timezone.make_aware(value)
    delta = moment - (now or timezone.now())
    prefs = current()
    text = babel_dates.format_timedelta(
        delta, add_direction=True, threshold=1, format="long", locale=prefs.locale
    )
    return digits(text, prefs)


def iso(value: object) -> str:
    """The machine form for ``<time datetime="…">``: UTC with its offset, or the day."""
    if isinstance(value, dt.datetime):
        aware = timezone.is_aware(value)
        return value.astimezone(dt.UTC).isoformat() if aware else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return ""


def zone(name: str | None) -> zoneinfo.ZoneInfo | None:
    """The zone an IANA name stands for, or None for blank or unknown names."""
    try:
        return zoneinfo.ZoneInfo(name) if name else None
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


def local_time(zone_name: str | None, at: dt.datetime | None = None) -> str:
    """The time of day it is (or is at ``at``) in ``zone_name``: "14:05", "2:05 PM"."""
    tz = zone(zone_name)
    if tz is None:
        return ""
    return time(at or timezone.now(), tz)


def utc_offset(zone_name: str | None, at: dt.datetime | None = None) -> str:
    """The zone's UTC offset at ``at`` (default now): "+05:30", "-04:00", "+10:30"."""
    tz = zone(zone_name)
    if tz is None:
        return ""
    offset = (at or timezone.now()).astimezone(tz).utcoffset() or dt.timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    return digits(f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}")


def format_locale_choices(sample: dt.date | None = None) -> list[tuple[str, str]]:
    """The format locales for a picker, each named in its own language with how it writes a
    number and a date: "English (India) · 12,34,567.89 · 1 Sept 2026"."""
    day = sample or dt.date(2026, 9, 1)
    out = []
    for tag in FORMAT_LOCALES:
        locale = Locale.parse(babel_locale(tag))
        name = locale.get_display_name(locale) or tag
        if "-" not in tag:
            name = locale.get_language_name(locale) or name
        name = name[:1].upper() + name[1:]
        example = _number(Decimal("1234567.89"), 2, Prefs(str(locale)))
        shown = babel_dates.format_date(day, "medium", locale=locale)
        out.append((tag, f"{name} · {example} · {shown}"))
    return out


def stored_value(kind: str, value: object) -> str | None:
    """A custom field's stored JSON value (an ISO date or time string, a number, an amount with
    its currency) written for the viewer; None for kinds this module does not write."""
    try:
        if kind == "date" and isinstance(value, str):
            return date(dt.date.fromisoformat(value))
        if kind == "datetime" and isinstance(value, str):
            return datetime(dt.datetime.fromisoformat(value.replace("Z", "+00:00")))
    except ValueError:
        return str(value)
    if kind == "number" and isinstance(value, int | float | str) and not isinstance(value, bool):
        return number(value)
    if kind == "money" and isinstance(value, dict):
        return money(value.get("amount"), value.get("currency"))
    return None


def amount_input(amount: object, currency: str = "") -> str:
    """A stored amount as the user types it back in a form, their way but in Latin digits, so it
    reads back unchanged: 1000.5000 INR -> "1,000.50" (en-US), "1.000,50" (de); a whole amount
    without decimals ("12,34,567")."""
    value = _decimal(amount)
    if value is None:
        return ""
    if value == value.to_integral_value():
        places = 0
    else:
        try:
            places = babel_numbers.get_currency_precision(currency) if currency else 2
        except (KeyError, ValueError):
            places = 2
        places = max(places, -int(value.normalize().as_tuple().exponent))
    prefs = current()
    return _number(value.quantize(Decimal(1).scaleb(-places)), places, Prefs(prefs.locale))
