"""Reading what people type the way their locale writes it: amounts and local wall-clock times.

Amounts. ``parse_localized_amount("12,34,567.89", "en_IN")`` is 1234567.89, ``("1.234,50", "de")``
is 1234.50; digits may be native (౧౨౩). A lone decimal separator followed by exactly three digits
("1,234" for a German, "1.234" for an American) is refused as ambiguous, because the other half of
the world writes thousands that way — unless the currency has three decimals (BHD), where it is the
amount's own precision. The money rules (rounding to the currency's minor unit, no negatives) stay
with ``core.cleaning.clean_amount``, which callers run next.

Local times. ``aware_local(naive, zone)`` places a wall-clock time in a zone: a time that does not
exist there (the hour skipped when clocks spring forward) is refused; one that happens twice (the
hour repeated when they fall back) is the *first* of the two (``fold=0``, the earlier instant,
still on summer time), the same rule as Python's ``zoneinfo`` and the one we document.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
import zoneinfo
from decimal import Decimal, InvalidOperation

from babel import numbers as babel_numbers
from django.utils import timezone
from django.utils.translation import gettext as _

from sambandh.core import formats
from sambandh.core.errors import ValidationFailed

_SPACES = re.compile(r"[\s\u00a0\u202f\u2009']+")
_PLAIN = re.compile(r"^[+-]?\d+(\.\d+)?$")


class AmbiguousAmount(ValidationFailed):
    code = "ambiguous_amount"


class MalformedAmount(ValidationFailed):
    code = "malformed_amount"


class NonexistentTime(ValidationFailed):
    code = "nonexistent_time"


def _ascii_digits(text: str) -> str:
    """Any script's decimal digits (౧౨౩, ०१२, ٣٢١) as ASCII ones."""
    out = []
    for char in text:
        if char.isdigit() and not char.isascii():
            try:
                out.append(str(unicodedata.decimal(char)))
                continue
            except ValueError:
                pass
        out.append(char)
    return "".join(out)


def _symbols(locale: str) -> tuple[str, str]:
    decimal = babel_numbers.get_decimal_symbol(locale)
    group = babel_numbers.get_group_symbol(locale)
    # Arabic writes ٫ and ٬ with its own digits; people type either set.
    return decimal, group


def _precision(currency: str | None) -> int:
    try:
        return babel_numbers.get_currency_precision(currency) if currency else 2
    except (KeyError, ValueError):
        return 2


def _grouped_ok(whole: str, group: str) -> bool:
    """Whether the digits before the decimal separator are grouped as people group them: a first
    group of one to three digits, then groups of two (Indian lakhs and crores) or three, the
    last one of three."""
    if group not in whole:
        return whole.isdigit()
    parts = whole.split(group)
    head, middle, last = parts[0], parts[1:-1], parts[-1]
    return (
        1 <= len(head) <= 3
        and head.isdigit()
        and all(len(p) in (2, 3) and p.isdigit() for p in middle)
        and len(last) == 3
        and last.isdigit()
    )


def parse_localized_amount(
    text: object,
    locale: str | None = None,
    *,
    currency: str | None = None,
    field: str = "amount",
) -> Decimal | None:
    """The amount ``text`` says in ``locale`` (default: the viewer's format locale), or None when
    it is blank. Raises ValidationFailed naming ``field`` with what was understood or expected."""
    if text is None:
        return None
    if isinstance(text, Decimal | int) and not isinstance(text, bool):
        return Decimal(text)
    raw = str(text)
    # Spaces, and a currency sign typed with the amount ("₹ 1,500"), carry no number.
    cleaned = "".join(
        c for c in _SPACES.sub("", _ascii_digits(raw.strip())) if unicodedata.category(c) != "Sc"
    )
    if not cleaned:
        return None
    locale = formats.babel_locale(locale) if locale else formats.current().locale
    decimal, group = _symbols(locale)
    cleaned = cleaned.replace("\u066b", decimal).replace("\u066c", group)  # Arabic ٫ ٬
    if group.strip() == "" or group in "\u00a0\u202f'’":
        group = "\x00"  # a space or apostrophe group was removed with the spaces above
    sign = ""
    if cleaned[0] in "+-":
        sign, cleaned = ("-" if cleaned[0] == "-" else ""), cleaned[1:]
    whole, _sep, fraction = cleaned.partition(decimal)
    example = formats.example_amount(formats.Prefs(locale))
    shown = raw.strip()[:40]
    if (
        not whole
        and not fraction
        or decimal in fraction
        or (fraction and not fraction.isdigit())
        or not _grouped_ok(whole or "0", group)
    ):
        raise MalformedAmount(
            _("“%(value)s” is not an amount. Write it like %(example)s.")
            % {"value": shown, "example": example},
            fields={
                field: _("“%(value)s” is not an amount. Write it like %(example)s.")
                % {"value": shown, "example": example}
            },
        )
    if _sep and len(fraction) == 3 and group not in whole and _precision(currency) != 3:
        as_thousands = whole + fraction
        message = _(
            "“%(value)s” is ambiguous: in your format it means %(read)s, but it is often "
            "written for %(other)s. Write it like %(example)s."
        ) % {
            "value": shown,
            "read": formats.number(Decimal(f"{whole or 0}.{fraction}")),
            "other": formats.number(Decimal(as_thousands)),
            "example": example,
        }
        raise AmbiguousAmount(message, fields={field: message})
    plain = f"{sign}{(whole or '0').replace(group, '')}" + (f".{fraction}" if fraction else "")
    try:
        return Decimal(plain)
    except InvalidOperation:  # pragma: no cover - the checks above let only digits through
        raise MalformedAmount(fields={field: _("Enter a number.")}) from None


def parse_api_amount(
    value: object, *, currency: str | None = None, field: str = "amount"
) -> object:
    """An amount as the API takes it: a plain decimal string ("1234.50") or a number, as always;
    a string that is not plain is read in the user's format locale ("12,34,567.89" for en-IN,
    "1.234,50" for de). A plain string whose one point is followed by three digits is refused for
    a user whose locale groups thousands with a point ("1.234": 1.234 or 1234?)."""
    if value is None or isinstance(value, Decimal | int | float):
        return value
    text = str(value).strip()
    if not text:
        return value
    locale = formats.current().locale
    if _PLAIN.match(text):
        _decimal, group = _symbols(locale)
        fraction = text.partition(".")[2]
        if group == "." and len(fraction) == 3 and _precision(currency) != 3:
            message = _(
                "“%(value)s” is ambiguous: as a plain decimal it is %(plain)s, in your format "
                "%(local)s. Send a plain decimal such as “1234.50”."
            ) % {
                "value": text[:40],
                "plain": formats.number(Decimal(text)),
                "local": formats.number(Decimal(text.replace(".", ""))),
            }
            raise AmbiguousAmount(message, fields={field: message})
        return text
    return parse_localized_amount(text, locale, currency=currency, field=field)


# --- wall-clock times --------------------------------------------------------------------------
def time_exists(naive: dt.datetime, tz: zoneinfo.ZoneInfo) -> bool:
    """Whether the wall-clock time happens in ``tz`` (it does not in the skipped spring hour)."""
    there = naive.replace(tzinfo=tz)
    try:
        back = there.astimezone(dt.UTC).astimezone(tz).replace(tzinfo=None)
    except OverflowError:
        # Past the ends of the calendar in UTC: clean_datetime refuses it with its own message.
        return True
    return back == naive


def time_is_ambiguous(naive: dt.datetime, tz: zoneinfo.ZoneInfo) -> bool:
    """Whether the wall-clock time happens twice in ``tz`` (the repeated autumn hour)."""
    first = naive.replace(tzinfo=tz, fold=0).utcoffset()
    second = naive.replace(tzinfo=tz, fold=1).utcoffset()
    return first != second and time_exists(naive, tz)


def aware_local(
    naive: dt.datetime, tz: dt.tzinfo | None = None, *, field: str = "when"
) -> dt.datetime:
    """``naive`` read in ``tz`` (default: the viewer's zone) as an aware time. Refuses a time the
    zone skips; a time it repeats is the first (earlier) of the two."""
    if timezone.is_aware(naive):
        return naive
    zone = tz or timezone.get_current_timezone()
    if isinstance(zone, zoneinfo.ZoneInfo) and not time_exists(naive, zone):
        message = _(
            "%(time)s does not exist in %(zone)s: the clocks skip that hour (daylight saving "
            "time starts). Choose a time before or after it."
        ) % {"time": naive.strftime("%Y-%m-%d %H:%M"), "zone": zone.key}
        raise NonexistentTime(message, fields={field: message})
    return naive.replace(tzinfo=zone, fold=0)
