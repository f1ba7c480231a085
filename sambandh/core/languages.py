"""Languages as exports write them, read into BCP 47 tags.

Other CRMs export a person's preferred language as a name, not a code: HubSpot writes "German",
Zoho "Hindi", a spreadsheet "Deutsch" or "Portuguese (Brazil)". Accepted here, besides the tags
``clean_language`` reads itself: a language's name in English or in any of the product's
languages, its own name ("Deutsch", "हिन्दी", "日本語"), and a name followed by a country's name
in brackets or after a dash or a comma ("Portuguese (Brazil)", "Portuguese - Brazil",
"English, United Kingdom"), compared without case, accents or punctuation (countries.fold).
"""

from __future__ import annotations

import re
from functools import cache

from babel import Locale, UnknownLocaleError
from babel.localedata import locale_identifiers

from sambandh.core.countries import NAME_LOCALES, country_code, fold

#: "Language (Country)", "Language - Country", "Language, Country".
_WITH_COUNTRY = re.compile(r"^(?P<language>[^(),\-–]+?)\s*[(,\-–]\s*(?P<country>[^()]+?)\)?$")


@cache
def _names() -> dict[str, str]:
    """Folded name -> BCP 47 tag, in the product's languages and in English ("British
    English" and "Simplified Chinese" included)."""
    found: dict[str, str] = {}
    for name in NAME_LOCALES:
        for code, text in Locale.parse(name).languages.items():
            found.setdefault(fold(str(text)), code.replace("_", "-"))
    return found


@cache
def _own_names() -> dict[str, str]:
    """Folded name -> language code, by each language's own name ("Deutsch", "తెలుగు"): read
    only when a name is not found in ``_names`` (it loads every language's data once)."""
    found: dict[str, str] = {}
    for code in locale_identifiers():
        if "_" in code:
            continue
        try:
            own = Locale.parse(code).get_display_name(code)
        except (UnknownLocaleError, ValueError):
            continue
        if own:
            found.setdefault(fold(own), code)
    return found


@cache
def _scripts() -> dict[str, str]:
    """Folded script name -> its code ("Simplified" -> "Hans", "Cyrillic" -> "Cyrl")."""
    found: dict[str, str] = {}
    for name in NAME_LOCALES:
        for code, text in Locale.parse(name).scripts.items():
            found.setdefault(fold(str(text)), code)
    return found


def _tag(text: str, tables: tuple[dict[str, str], ...]) -> str | None:
    key = fold(text)
    for table in tables:
        if key in table:
            return table[key]
    match = _WITH_COUNTRY.match(text)
    if match is None:
        return None
    key = fold(match["language"])
    code = next((table[key] for table in tables if key in table), None)
    if code is None or "-" in code:
        return None
    region = country_code(match["country"]) or _scripts().get(fold(match["country"]))
    return f"{code}-{region}" if region else None


def language_tag(value: str) -> str | None:
    """The BCP 47 tag a language's name stands for ("German" -> "de", "Portuguese (Brazil)"
    -> "pt-BR", "Chinese (Simplified)" -> "zh-Hans"), or None when it names no language."""
    text = (value or "").strip()
    if not text:
        return None
    return _tag(text, (_names(),)) or _tag(text, (_names(), _own_names()))
