"""Postal addresses written in each country's own layout, from structured components.

``format_components`` takes an address as named components (the names OpenStreetMap and
geocoders use: ``house_number``, ``road``, ``suburb``, ``city``/``town``/``village``,
``county``, ``state``, ``postcode``, ``country``, ``country_code``, and any place name such as
``restaurant`` or ``bank``) and returns its lines as the country writes them. The layouts are
ours, written from each country's postal conventions, and live in ``data/address_layouts.json``:

``chains``
    A name in capitals stands for the first non-empty of its components (``CITY`` is the city,
    else the town, else the village ...). A layout or a country may define its own.
``layouts``
    Shared layouts. Each has ``main`` lines and may have ``fallback`` lines, used when an
    address has neither a road nor a postal code (a place rather than a postal address: then
    the suburb, county and state say where it is). A line is a template such as
    ``"{postcode} {CITY}"``; ``{a|b}`` is the first non-empty of ``a`` and ``b``; a line that
    starts with ``?name:`` is written only when ``name`` has a value, ``?!name:`` only when it
    has none. A line whose components are all empty is left out, and so is a separator
    next to an empty component.
``countries``
    By ISO code: ``use`` (a shared layout or another country), its own ``main``/``fallback``,
    ``chains``, ``replace`` (``[component, regex, replacement]`` rules that clean a value, such as
    "Town of Oyster Bay" → "Oyster Bay"), ``postcode`` (``[regex, replacement]`` that writes a
    code as the post does, "41134" → "411 34"), ``country`` (the name written on the last
    line, for a country whose name is always the same or a territory written with its state),
    ``state_codes``/``county_codes`` (the country whose region list in Google's data gives the
    abbreviations written instead of names; ``state_aliases`` adds names it lacks),
    ``state_city`` (the city of a state that is one: DC is Washington), ``state_not_city``
    (a state named like its city is not written twice), ``by_state`` (territories that
    geocoders file under their sovereign: ``{"Mayotte": "YT"}``), ``set`` (components a
    territory always has), ``native`` (other lines for an address in the country's own script,
    Japan's) and ``region_is`` (the component our stored region is: Italy's is the province).
``components``
    The components that are parts of an address; any other is the name of a place.

After the lines are written, repeated lines and repeated comma-separated parts of a line are
written once ("Berlin, Berlin" → "Berlin"; "New York, New York" is a real city and state and is
kept).
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "data" / "address_layouts.json"

#: Other names for components.
ALIASES = {
    "housenumber": "house_number",
    "street_number": "house_number",
    "street_name": "road",
    "zip": "postcode",
    "postal_code": "postcode",
    "partial_postcode": "postcode",
}
TOKEN = re.compile(r"\{([A-Za-z_|]+)\}")


@cache
def _data() -> dict[str, Any]:
    with DATA.open(encoding="utf-8") as f:
        data: dict[str, Any] = json.load(f)
    return data


@cache
def _spec(code: str) -> dict[str, Any]:
    """The country's layout with what it inherits (``use``) merged in, its own keys first
    (cached: read it, never change it)."""
    data = _data()
    own = dict(data["countries"].get(code) or data["countries"]["default"])
    base_name = own.get("use")
    if base_name:
        if base_name in data["layouts"]:
            base = dict(data["layouts"][base_name])
        else:
            base = _spec(base_name)
        merged = {**base, **own}
        merged["chains"] = {**base.get("chains", {}), **own.get("chains", {})}
        merged["replace"] = [*base.get("replace", []), *own.get("replace", [])]
        return merged
    return own


def _text(value: Any) -> str:
    text = str(value).strip()
    # "2115," (a road name ending in a stray comma) is written "2115"
    return re.sub(r"[\s,]+$", "", text)


@cache
def _known() -> frozenset[str]:
    """Components that are parts of an address; any other names the place (a bank, a hotel)
    and is written on the first line, with ``attention``."""
    return frozenset(_data()["components"])


def _prepare(components: dict[str, Any]) -> tuple[dict[str, str], list[str]]:
    """Clean components (names, aliases) and the names of the places (unknown components)."""
    values: dict[str, str] = {}
    places: list[str] = []
    for key, value in components.items():
        if key.startswith("_") or value is None:
            continue
        text = _text(value)
        if not text:
            continue
        key = ALIASES.get(key, key)
        if key in _known():
            values.setdefault(key, text)
        elif not re.match(r"https?://", text):
            places.append(text)  # a place's name (a web address is not one)
    return values, places


def _country_code(values: dict[str, str]) -> str:
    code = values.get("country_code", "").upper()
    if code == "UK":
        code = "GB"
    return code


def _state_code(name: str, country: str, extra: dict[str, str]) -> str:
    """A state's abbreviation: the country's own list (Google's address data), else ``extra``."""
    if not name:
        return ""
    folded = name.casefold()
    for alias, code in extra.items():
        if alias.casefold() == folded:
            return code
    from sambandh.core.addresses import region_choices

    for key, label in region_choices(country):
        if folded in (key.casefold(), label.casefold()):
            return key
    return ""


def _resolve(name: str, values: dict[str, str], chains: dict[str, list[str]]) -> str:
    for option in name.split("|"):
        if option in chains:
            found = _resolve("|".join(chains[option]), values, chains)
        else:
            found = values.get(option, "")
        if found:
            return found
    return ""


def _render_line(template: str, values: dict[str, str], chains: dict[str, list[str]]) -> str:
    """One line: the literal text between two written components is kept, the one after the
    last written component joins it to the next one written ("{city}, {state} {postcode}"
    without a state writes "city, postcode"); the text before the first component is kept only
    when that component is written (the "〒" before Japan's postal code)."""
    condition = re.match(r"\?(!?)([a-z_A-Z]+):", template)
    if condition:
        negate, name = condition.groups()
        present = bool(_resolve(name, values, chains))
        if present == bool(negate):
            return ""
        template = template[condition.end() :]
    parts = TOKEN.split(template)  # literal, token, literal, token, ..., literal
    literals, tokens = parts[0::2], parts[1::2]
    if not tokens:
        return template.strip()
    written = [_resolve(t, values, chains) for t in tokens]
    out = ""
    last = -1
    for i, value in enumerate(written):
        if not value:
            continue
        if last < 0:
            out = literals[0] if i == 0 else ""
        else:
            out += literals[last + 1]
        out += value
        last = i
    if last < 0:
        return ""
    if last == len(tokens) - 1:
        out += literals[-1]
    return re.sub(r"[ \t]{2,}", " ", out).strip(" \t,-")


def _apply_replacements(values: dict[str, str], rules: list[list[str]]) -> None:
    for name, pattern, replacement in rules:
        targets = list(values) if name == "*" else [name]
        for key in targets:
            if key in values:
                values[key] = re.sub(pattern, replacement, values[key]).strip()
                if not values[key]:
                    del values[key]


def _clean_postcode(values: dict[str, str], spec: dict[str, Any]) -> None:
    code = values.get("postcode", "")
    if not code:
        return
    if ";" in code or len(code) > 20:
        del values["postcode"]  # several postal codes for one place: none is the address's
        return
    code = code.split(",")[0].strip()
    for pattern, replacement in spec.get("postcode", []):
        code = re.sub(pattern, replacement, code)
    values["postcode"] = code


def _clean_country(values: dict[str, str], spec: dict[str, Any]) -> None:
    name = values.get("country", "")
    if name.isdigit() and values.get("state"):
        # a number where the country should be: the state is the country's name (Malta)
        values["country"] = values.pop("state")
    elif name:
        name = re.sub(r"\s*\([^)]*\)", "", name)
        name = re.sub(r"^Territorial waters of ", "", name)
        values["country"] = name.split(", ")[0].strip()
    if spec.get("country") and values.get("country"):
        values["country"] = spec["country"]


def _dedupe(lines: list[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for line in lines:
        parts: list[str] = []
        for part in line.split(", "):
            if part in parts and part != "New York":
                continue
            parts.append(part)
        line = ", ".join(parts).strip()
        if line and line not in seen:
            seen.add(line)
            out.append(line)
    return out


def _street_lines(spec: dict[str, Any]) -> list[str]:
    """The templates of the lines that write the building and the street."""
    return [t for t in spec["main"] if "ROAD" in t or "HOUSE" in t or "house_number" in t]


def format_components(components: dict[str, Any], *, country_name: str | None = None) -> list[str]:
    """The lines of an address given as components, in its country's layout, the country's
    name last (when the components name a country). ``country_name``, when given, is written
    as it is (the country named in the viewer's language) instead of the components' or the
    layout's name."""
    values, places = _prepare(components)
    code = _country_code(values)
    spec = _spec(code)
    for state, other in spec.get("by_state", {}).items():
        if values.get("state", "").casefold() == state.casefold():
            code = other
            spec = _spec(code)
            break
    values.update(spec.get("set", {}))
    if values.get("attention"):
        places.insert(0, values["attention"])
    if places:
        values["attention"] = ", ".join(dict.fromkeys(places))
    _apply_replacements(values, spec.get("replace", []))
    _clean_postcode(values, spec)
    _clean_country(values, spec)
    if country_name is not None:
        values["country"] = country_name
    _abbreviate(values, spec)
    chains = {**_data()["chains"], **spec.get("chains", {})}
    towns = {values.get(k) for k in ("city", "town", "village", "hamlet", "postal_city")} - {None}
    for key in ("suburb", "city_district", "neighbourhood", "quarter"):
        if values.get(key) in towns:
            del values[key]  # a suburb with the name of its own town says nothing more
    town = _resolve("CITY", values, chains)
    if spec.get("state_not_city") and values.get("state") == town:
        del values["state"]  # the capital that is its own state (Buenos Aires)
    if values.get("county", "").casefold() == f"county {town}".casefold():
        del values["county"]  # "County Dublin" for Dublin
    native = spec.get("native")
    if native and re.search(native["script"], values.get("state", "") + values.get("city", "")):
        spec = {**spec, **native}  # Japanese written in Japanese: from the prefecture down
    # an address with neither a road nor a postal code is a place: its fallback lines say
    # where it is (suburb, county, state)
    minimal = values.get("road") or values.get("postcode")
    lines_tpl = spec["main"] if minimal or "fallback" not in spec else spec["fallback"]
    if country_name is not None:
        # a name given in the viewer's language replaces the layout's own words for the
        # sovereign ("Australia" under Christmas Island), and every address names its country
        lines_tpl = [t for t in lines_tpl if TOKEN.search(t)]
        if not any("{country}" in t for t in lines_tpl):
            lines_tpl.append("{country}")
    lines: list[str] = []
    for template in lines_tpl:
        text = _render_line(template, values, chains)
        lines.extend(part.strip() for part in text.split("\n") if part.strip())
    return _dedupe(lines)


def _abbreviate(values: dict[str, str], spec: dict[str, Any]) -> None:
    """State and county codes where the country writes them ("California" -> "CA")."""
    codes_of = spec.get("state_codes")
    if codes_of:
        extra = spec.get("state_aliases", {})
        found = _state_code(values.get("state", ""), codes_of, extra)
        if found or not values.get("state_code"):
            values["state_code"] = found
    for state_code, city in spec.get("state_city", {}).items():
        if values.get("state_code") == state_code and not values.get("city"):
            values["city"] = city  # "Washington, DC"
    if spec.get("county_codes"):
        county = values.get("county", "")
        found = _state_code(county, spec["county_codes"], {})
        if found or re.fullmatch(r"[A-Z]{2}", county):
            values["county_code"] = found or county


def address_to_components(
    *,
    street: str,
    city: str,
    region: str,
    postal_code: str,
    country: str,
    country_name: str = "",
    attention: str = "",
    dependent_locality: str = "",
) -> dict[str, str]:
    """A stored address (our five fields) as components. The street is kept as written (its
    number where the person who typed it put it); the region is the state, or the province
    where the country's regions are provinces written as codes (Italy's "MI")."""
    spec = _spec(country.upper())
    components = {
        "road": street,
        "city": city,
        spec.get("region_is", "state"): region,
        "postcode": postal_code,
        "country_code": country,
        "country": country_name,
        "attention": attention,
        "suburb": dependent_locality,
    }
    return {k: v for k, v in components.items() if v}


def components_to_address(components: dict[str, Any]) -> dict[str, str]:
    """Our five fields from components: the building and the street written as the country
    writes them (its number before or after the street), the town, the region (a state's
    code where the country writes codes), the postal code as the post writes it, the ISO
    country code. What our fields cannot hold (a suburb, a county, a shop's name) is left out."""
    values, _places = _prepare(components)
    code = _country_code(values)
    spec = _spec(code)
    _apply_replacements(values, spec.get("replace", []))
    _clean_postcode(values, spec)
    _abbreviate(values, spec)
    chains = {**_data()["chains"], **spec.get("chains", {})}
    street = [
        line
        for template in _street_lines(spec)
        if (line := _render_line(template.replace("{attention}", ""), values, chains))
    ]
    region_is = spec.get("region_is", "state")
    region = values.get("county_code" if region_is == "county" else "state", "")
    if spec.get("state_codes") and values.get("state_code"):
        region = values["state_code"]
    return {
        "street": "\n".join(street),
        "city": _resolve("CITY", values, chains),
        "region": region or _resolve("STATE", values, chains),
        "postal_code": values.get("postcode", ""),
        "country": code if code in _data()["countries"] else "",
    }
