"""Standardize values at write time: trimmed text, normalized emails, E.164 phones, ISO codes.

Each cleaner returns the clean value or raises ValidationFailed naming the field, so a service can
collect every problem before writing anything.
"""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from functools import cache, lru_cache

import phonenumbers
from babel import Locale, UnknownLocaleError
from babel.numbers import get_currency_precision, list_currencies
from django.utils import timezone
from django.utils.translation import gettext as _
from email_validator import EmailNotValidError

from sambandh.core import names
from sambandh.core.countries import country_code
from sambandh.core.email_syntax import validate_syntax
from sambandh.core.errors import ValidationFailed
from sambandh.core.languages import language_tag
from sambandh.core.names import tidy


def clean_text(value: str | None, *, field: str, max_length: int, required: bool = False) -> str:
    """One line of text: Unicode NFC, control and invisible characters removed (core/names.py),
    spaces collapsed, trimmed."""
    text = tidy(value)
    if required and not text:
        raise ValidationFailed(fields={field: _("This field is required.")})
    if len(text) > max_length:
        raise ValidationFailed(fields={field: _("At most %(n)s characters.") % {"n": max_length}})
    return text


def clean_long_text(value: str | None, *, field: str, max_length: int = 100_000) -> str:
    text = (value or "").replace("\x00", "").replace("\r\n", "\n").strip()
    if len(text) > max_length:
        raise ValidationFailed(fields={field: _("At most %(n)s characters.") % {"n": max_length}})
    return text


#: RFC 2606's names for examples and tests: address books and other products' exports use them
#: (john@doe.invalid), and they are refused by email-validator as undeliverable.
_RESERVED_TLD = re.compile(r"\.(invalid|test)$", re.IGNORECASE)


def clean_email(value: str, *, field: str = "email") -> str:
    raw = (value or "").strip()
    if not raw:
        raise ValidationFailed(fields={field: _("Enter an email address.")})
    normalized = _email_normalized(raw)
    if normalized is None:
        raise ValidationFailed(
            fields={field: _("“%(value)s” is not a valid email address.") % {"value": raw[:100]}}
        )
    return normalized


@lru_cache(maxsize=8192)
def _email_normalized(raw: str) -> str | None:
    """The address normalized, or None when it is not one. Kept for the process's recent
    addresses: an import checks each row's address twice (reading the file, then the contacts
    service), and checking one costs about 0.1 ms."""
    reserved = _RESERVED_TLD.search(raw)
    checked = raw[: reserved.start()] + ".example" if reserved else raw
    try:
        # validate_email(checked, check_deliverability=False), each domain checked once.
        info = validate_syntax(checked)
    except EmailNotValidError:
        return None
    # The domain is case-insensitive; the local part is lower-cased too, as every CRM does, so
    # duplicates are found whatever the writer typed.
    normalized = info.normalized.lower()
    if reserved:
        normalized = normalized.removesuffix(".example") + "." + reserved.group(1).lower()
    return normalized


def clean_phone(value: str, *, region: str | None = None, field: str = "phone") -> str:
    """Return the number in E.164, or raise. ``region`` is the ISO country a national form
    (``07700 900123``) is read in: the record's own country, never a site-wide default, so
    without one only a number written with its +country code is taken. The number must be a
    valid one for its country (phonenumbers' ``is_valid_number``), not merely of a possible
    length."""
    raw = (value or "").strip()
    if not raw:
        raise ValidationFailed(fields={field: _("Enter a phone number.")})
    if raw in _valid_e164:  # already the E.164 form of a valid number (a region changes nothing)
        return raw
    code = (region or "").strip().upper() or None
    outcome, found = _phone_e164(raw, code)
    if outcome == "ok":
        if len(_valid_e164) >= 8192:
            _valid_e164.clear()
        _valid_e164[found] = None
        return found
    if outcome == "no_code":
        raise ValidationFailed(
            fields={
                field: _(
                    "“%(value)s” has no country code: write it with + and its country code "
                    "(for example +44 7700 900123), or set the country of the record."
                )
                % {"value": raw[:40]}
            }
        )
    if outcome == "unreadable":
        raise ValidationFailed(
            fields={field: _("“%(value)s” is not a phone number.") % {"value": raw[:40]}}
        )
    name = country_display_name(found) if found not in ("", "ZZ", "001") else ""
    raise ValidationFailed(
        fields={
            field: (
                _("“%(value)s” is not a valid phone number in %(country)s.")
                % {"value": raw[:40], "country": name}
                if name
                else _("“%(value)s” is not a valid phone number.") % {"value": raw[:40]}
            )
        }
    )


#: The E.164 numbers this process recently found valid: a service checking a number an import
#: already cleaned answers it as it is, without parsing it again.
_valid_e164: dict[str, None] = {}


@lru_cache(maxsize=8192)
def _phone_e164(raw: str, code: str | None) -> tuple[str, str]:
    """("ok", the E.164 form), ("no_code", ""), ("unreadable", "") or ("invalid", its country).
    Kept for the process's recent numbers, as ``_email_normalized``."""
    try:
        number = phonenumbers.parse(raw, code)
    except phonenumbers.NumberParseException as exc:
        if exc.error_type == phonenumbers.NumberParseException.INVALID_COUNTRY_CODE and not code:
            return "no_code", ""
        return "unreadable", ""
    if not phonenumbers.is_valid_number(number):
        return "invalid", phonenumbers.region_code_for_country_code(number.country_code or 0)
    return "ok", phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def country_display_name(code: str) -> str:
    """An ISO country code in the active language: "DE" -> "Germany" (or "Deutschland")."""
    from django.utils.translation import get_language, to_locale

    try:
        locale = Locale.parse(to_locale(get_language() or "en"))
    except (UnknownLocaleError, ValueError):
        locale = Locale("en")
    return str(locale.territories.get(code.upper(), code.upper()))


def phone_region(e164: str) -> str:
    """The country an E.164 number belongs to ("" when unknown)."""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return ""
    region = phonenumbers.region_code_for_number(number) or ""
    return "" if region in ("ZZ", "001") else region


def phone_digit_forms(e164: str) -> list[str]:
    """The digit strings a person might type for this number: international and national."""
    return list(_digit_forms(e164))


@lru_cache(maxsize=8192)
def _digit_forms(e164: str) -> tuple[str, ...]:
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return (re.sub(r"\D", "", e164),)
    national = re.sub(
        r"\D", "", phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    )
    forms = [e164.lstrip("+"), str(number.national_number), national]
    return tuple(dict.fromkeys(f for f in forms if f))


@lru_cache(maxsize=8192)
def format_phone(e164: str, *, international: bool = True, viewer_region: str = "") -> str:
    """The number for a reader: national when the reader is in the number's country
    (``viewer_region``), international otherwise. Kept for the process's recent numbers: a
    list page writes fifty, and parsing one costs about 0.1 ms."""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    if viewer_region:
        # Countries that share a calling code (+1, +44, +7) share toll-free ranges too: a
        # number is "the reader's" when it is valid in the reader's country.
        international = not phonenumbers.is_valid_number_for_region(number, viewer_region.upper())
    fmt = (
        phonenumbers.PhoneNumberFormat.INTERNATIONAL
        if international
        else phonenumbers.PhoneNumberFormat.NATIONAL
    )
    return phonenumbers.format_number(number, fmt)


@cache
def currency_codes() -> frozenset[str]:
    return frozenset(list_currencies())


def clean_currency(value: str | None, *, field: str = "currency") -> str:
    code = (value or "").strip().upper()
    if code not in currency_codes():
        raise ValidationFailed(
            fields={
                field: _("“%(value)s” is not an ISO 4217 currency code.") % {"value": code[:10]}
            }
        )
    return code


def clean_amount(value: object, *, currency: str, field: str = "amount") -> Decimal:
    """A Decimal with no more places than ``currency``'s minor unit (none for JPY, 2 for INR,
    3 for BHD), which Babel's CLDR data knows; an amount of an unknown currency is refused
    (Babel would answer 2 places for any code). More places than the unit are refused rather
    than rounded: a typed amount is never silently changed."""
    code = (currency or "").strip().upper()
    if code not in currency_codes():
        raise ValidationFailed(
            fields={
                field: _("“%(value)s” is not an ISO 4217 currency code.") % {"value": code[:10]}
            }
        )
    currency = code
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValidationFailed(fields={field: _("Enter a number.")}) from None
    if not amount.is_finite():
        raise ValidationFailed(fields={field: _("Enter a number.")})
    if amount < 0:
        raise ValidationFailed(fields={field: _("The amount cannot be negative.")})
    if amount >= Decimal("1e14"):
        raise ValidationFailed(fields={field: _("The amount is too large.")})
    places = get_currency_precision(currency)
    quantum = Decimal(1).scaleb(-places)
    if amount != amount.quantize(quantum):
        message = (
            _("%(currency)s amounts have no decimal places.") % {"currency": currency}
            if places == 0
            else _("%(currency)s amounts have at most %(n)s decimal places.")
            % {"currency": currency, "n": places}
        )
        raise ValidationFailed(fields={field: message})
    return amount.quantize(quantum)


def clean_datetime(value: datetime, *, field: str) -> datetime:
    """An aware time as it is stored: in UTC. A time without a zone, or one UTC cannot hold
    (``0001-01-01T00:00+14:00`` is in the year 0 there, ``9999-12-31T23:59-14:00`` in 10000), is
    refused naming ``field``: the database driver would raise converting it."""
    if timezone.is_naive(value):
        raise ValidationFailed(fields={field: _("Enter a time with its UTC offset.")})
    try:
        return value.astimezone(UTC)
    except OverflowError:
        raise ValidationFailed(
            fields={field: _("Enter a time from the year 1 to 9999 in UTC.")}
        ) from None


@cache
def time_zone_names() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def clean_time_zone(value: str | None, *, field: str = "time_zone") -> str:
    name = (value or "").strip()
    if name not in time_zone_names():
        raise ValidationFailed(
            fields={field: _("“%(value)s” is not a known time zone.") % {"value": name[:60]}}
        )
    return name


def clean_language(value: str | None, *, field: str = "language") -> str:
    """A BCP 47 language tag that Babel knows (any language a person may prefer), from a tag
    ("de", "pt_BR") or a language's name as exports write it ("German", "Deutsch",
    "Portuguese (Brazil)": core/languages.py)."""
    tag = (value or "").strip().replace("_", "-")
    if not tag:
        return ""
    try:
        Locale.parse(tag, sep="-")
    except (UnknownLocaleError, ValueError):
        named = language_tag(tag)
        if named is None:
            raise ValidationFailed(
                fields={field: _("“%(value)s” is not a known language.") % {"value": tag[:20]}}
            ) from None
        return named
    return "-".join(_subtag(part, i) for i, part in enumerate(tag.split("-")))


def _subtag(part: str, index: int) -> str:
    """BCP 47's cases: "en", "Hans", "US" (a language, a script, a region); others lower."""
    if index and len(part) == 4 and part.isalpha():
        return part.title()
    if index and len(part) == 2 and part.isalpha():
        return part.upper()
    return part.lower()


def clean_person_names(values: Mapping[str, str | None]) -> dict[str, str]:
    """The parts of a person's (or a lead's) name as stored: tidied, and in name case when
    typed all in one case in Latin letters (core/names.py). Not their length: ``clean_text``
    checks that, field by field."""
    return names.clean_person_names({k: v or "" for k, v in values.items()})


def clean_country(value: str | None, *, field: str = "country") -> str:
    """An ISO 3166-1 alpha-2 code from a code (alpha-2 or alpha-3) or a country's name in any
    of the product's languages (core/countries.py); empty stays empty."""
    text = tidy(value)
    if not text:
        return ""
    code = country_code(text)
    if code is None:
        raise ValidationFailed(
            fields={
                field: _(
                    "“%(value)s” is not a country: write its name or its ISO code "
                    "(for example IN or India)."
                )
                % {"value": text[:60]}
            }
        )
    return code


def clean_domain(value: str | None, *, field: str = "domain") -> str:
    text = (value or "").strip().lower()
    text = re.sub(r"^[a-z][a-z0-9+.-]*://", "", text).split("/")[0].removeprefix("www.")
    if not text:
        return ""
    if len(text) > 253 or not re.fullmatch(r"[^\s@/]+\.[^\s@/.]{2,}", text):
        raise ValidationFailed(
            fields={field: _("“%(value)s” is not a domain name.") % {"value": text[:60]}}
        )
    return text
