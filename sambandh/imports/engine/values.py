"""Turning a cell's text into what a service takes: country names into ISO codes, dates in the
usual spellings, amounts with grouping, tag lists, yes/no, and custom field values by their
type. Each raises ValidationFailed naming the field, as the core cleaners do."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from functools import cache
from typing import Any

from babel import Locale
from django.utils.translation import gettext as _

from sambandh.core.cleaning import clean_country
from sambandh.core.errors import ValidationFailed

#: The languages whose country names a file may use (the product's languages).
NAME_LANGUAGES = ("en", "te", "gu", "hi", "es", "pt", "fr", "de", "ja", "ar")
_TAG_SPLIT = re.compile(r"\s*(?:;|,|:::|\|)\s*")


def _fold(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in plain if not unicodedata.combining(c) and c.isalnum())


@cache
def _country_names() -> dict[str, str]:
    names: dict[str, str] = {}
    for language in NAME_LANGUAGES:
        for code, name in Locale.parse(language).territories.items():
            if len(code) == 2 and code.isalpha():
                names.setdefault(_fold(name), code)
    for alias, code in (
        ("usa", "US"),
        ("us", "US"),
        ("unitedstatesofamerica", "US"),
        ("uk", "GB"),
        ("england", "GB"),
        ("greatbritain", "GB"),
        ("scotland", "GB"),
        ("wales", "GB"),
        ("russia", "RU"),
        ("southkorea", "KR"),
        ("korea", "KR"),
        ("uae", "AE"),
        ("holland", "NL"),
        ("czechrepublic", "CZ"),
        ("vietnam", "VN"),
        ("bharat", "IN"),
    ):
        names.setdefault(alias, code)
    return names


def country_code(text: str, *, field: str) -> str:
    """An ISO code from a code ("de", "DEU" is not one) or a country's name in any of the
    product's languages ("Germany", "Deutschland", "Allemagne")."""
    raw = (text or "").strip()
    if not raw:
        return ""
    if len(raw) == 2 and raw.isalpha():
        return clean_country(raw, field=field)
    code = _country_names().get(_fold(raw))
    if code is None:
        raise ValidationFailed(
            fields={field: _("“%(value)s” is not a country we know.") % {"value": raw[:60]}}
        )
    return code


_DATE_FORMATS = (
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%d.%m.%Y",
    "%d %B %Y",
    "%B %d, %Y",
    "%d %b %Y",
    "%b %d, %Y",
)


def parse_date(text: str, *, field: str) -> dt.date | None:
    """A day from ISO text (with or without a time), the unambiguous spellings above, or
    day/month/year when the day is over 12 (month/day/year when the month position is):
    a date such as 03/04/2020 that reads two ways is refused, naming both."""
    raw = (text or "").strip()
    if not raw:
        return None
    head = raw.split("T")[0].split(" ")[0] if re.match(r"^\d{4}-\d", raw) else raw
    for pattern in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(head, pattern).date()
        except ValueError:
            continue
    parts = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", raw)
    if parts:
        a, b, year = (int(p) for p in parts.groups())
        choices = set()
        for day, month in ((a, b), (b, a)):
            try:
                choices.add(dt.date(year, month, day))
            except ValueError:
                continue
        if len(choices) == 1:
            return choices.pop()
        if len(choices) == 2:
            raise ValidationFailed(
                fields={
                    field: _("“%(value)s” reads as two dates: write it as YYYY-MM-DD.")
                    % {"value": raw[:40]}
                }
            )
    raise ValidationFailed(
        fields={
            field: _("“%(value)s” is not a date: write it as YYYY-MM-DD.") % {"value": raw[:40]}
        }
    )


def birth_date_from_parts(year: str, month: str, day: str, *, field: str) -> dt.date | None:
    """Thunderbird's Birth Year / Birth Month / Birth Day columns (all three, or none)."""
    parts = [p.strip() for p in (year, month, day)]
    if not any(parts):
        return None
    try:
        return dt.date(int(parts[0]), int(parts[1]), int(parts[2]))
    except ValueError:
        raise ValidationFailed(
            fields={field: _("The year, month and day of birth do not make a date.")}
        ) from None


def amount_text(text: str) -> str:
    """ "1,234.50", "1 234,50", "€1.234,50" as "1234.50" (the last separator is the decimal
    one when it is followed by one or two digits)."""
    raw = re.sub(r"[^\d.,\-]", "", (text or "").strip())
    if not raw:
        return ""
    last = max(raw.rfind("."), raw.rfind(","))
    if last != -1 and 1 <= len(raw) - last - 1 <= 2:
        whole, fraction = raw[:last], raw[last + 1 :]
        return re.sub(r"[.,]", "", whole) + "." + fraction
    return re.sub(r"[.,]", "", raw)


def split_tags(text: str) -> list[str]:
    return [t for t in _TAG_SPLIT.split((text or "").strip()) if t]


def yes_no(text: str, *, field: str) -> bool | None:
    folded = (text or "").strip().casefold()
    if not folded:
        return None
    if folded in ("1", "true", "yes", "y", "x", "on", "oui", "ja", "sí", "si", "sim", "はい"):
        return True
    if folded in ("0", "false", "no", "n", "off", "non", "nein", "não", "nao", "いいえ"):
        return False
    raise ValidationFailed(fields={field: _("Enter yes or no.")})


def number(text: str, *, field: str) -> int | float:
    raw = amount_text(text)
    try:
        value = float(raw)
    except ValueError:
        raise ValidationFailed(fields={field: _("Enter a number.")}) from None
    return int(value) if value.is_integer() and "." not in raw else value


def custom_value(cf: Any, text: str, *, field: str) -> Any:
    """A custom field's value from a cell, by the field's type (the service checks it)."""
    kind = cf.type
    if kind == "number":
        return number(text, field=field)
    if kind == "boolean":
        return yes_no(text, field=field)
    if kind == "date":
        day = parse_date(text, field=field)
        return day.isoformat() if day else None
    if kind == "multi_picklist":
        return split_tags(text)
    if kind == "money":
        match = re.fullmatch(r"\s*([A-Za-z]{3})?\s*([^A-Za-z]+?)\s*([A-Za-z]{3})?\s*", text)
        code = match and (match.group(1) or match.group(3))
        if not match or not code:
            raise ValidationFailed(
                fields={field: _("Write an amount and its currency: 12.50 EUR.")}
            )
        return {"amount": amount_text(match.group(2)), "currency": code.upper()}
    if kind == "lookup":
        try:
            return int(text.strip())
        except ValueError:
            raise ValidationFailed(fields={field: _("Enter the id of the record.")}) from None
    return text


EMPLOYEE_SIZES = (
    (10, "1-10"),
    (50, "11-50"),
    (200, "51-200"),
    (1000, "201-1000"),
    (5000, "1001-5000"),
)


def size_from_employees(text: str, *, field: str) -> str:
    """An organization's size band from a head count ("250" -> "201-1000")."""
    count = number(text, field=field)
    for top, band in EMPLOYEE_SIZES:
        if count <= top:
            return band
    return "5001+"


def any_value(values: dict[str, Any]) -> bool:
    return any(v not in ("", None, [], {}) for v in values.values())
