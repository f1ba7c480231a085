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
    ``state_codes``/``county_codes`` (abbreviations written instead of names), ``by_state``
    (territories that geocoders file under their sovereign: ``{"Mayotte": "YT"}``) and
    ``set`` (components a territory always has).

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

#: Components that are parts of an address; any other names the place (a bank, a hotel) and is
#: written on the first line, with ``attention``.
KNOWN = frozenset(
    """
    attention house house_number road pedestrian footway path street residential cycleway
    steps bridleway square place road_reference road_reference_intl city town township village
    hamlet municipality locality suburb neighbourhood quarter city_district district borough
    county county_code state_district state state_code province region island archipelago
    postcode postal_city partial_postcode country country_code continent country_name
    local_administrative_area building public_building croft city_block area subcounty
    department commune
    """.split()
)
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


def _spec(code: str) -> dict[str, Any]:
    """The country's layout with what it inherits (``use``) merged in, its own keys first."""
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
        if key in KNOWN:
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
    if spec.get("country"):
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


def format_components(components: dict[str, Any]) -> list[str]:
    """The lines of an address given as components, in its country's layout, the country's
    name last (when the components name a country)."""
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
    codes_of = spec.get("state_codes")
    if codes_of:
        extra = spec.get("state_aliases", {})
        found = _state_code(values.get("state", ""), codes_of, extra)
        if found or not values.get("state_code"):
            values["state_code"] = found
    for state_code, city in spec.get("state_city", {}).items():
        if values.get("state_code") == state_code and not values.get("city"):
            values["city"] = city
    if spec.get("county_codes"):
        county = values.get("county", "")
        found = _state_code(county, spec["county_codes"], {})
        if found or re.fullmatch(r"[A-Z]{2}", county):
            values["county_code"] = found or county
    chains = {**_data()["chains"], **spec.get("chains", {})}
    # a suburb with the name of its own town says nothing more
    towns = {values.get(k) for k in ("city", "town", "village", "hamlet", "postal_city")} - {None}
    for key in ("suburb", "city_district", "neighbourhood", "quarter"):
        if values.get(key) in towns:
            del values[key]
    town = _resolve("CITY", values, chains)
    if spec.get("state_not_city") and values.get("state") == town:
        del values["state"]  # the capital that is its own state (Buenos Aires)
    if values.get("county", "").casefold() == f"county {town}".casefold():
        del values["county"]  # "County Dublin" for Dublin
    minimal = values.get("road") or values.get("postcode")
    lines_tpl = spec["main"] if minimal or "fallback" not in spec else spec["fallback"]
    lines: list[str] = []
    for template in lines_tpl:
        text = _render_line(template, values, chains)
        lines.extend(part.strip() for part in text.split("\n") if part.strip())
    return _dedupe(lines)
