"""Countries as people type them, read into ISO 3166-1 alpha-2 codes.

Accepted: the alpha-2 code ("in"), the alpha-3 code ("IND"), the country's name in any of the
product's languages and in English, as CLDR (Babel) writes it ("India", "भारत", "インド",
"Inde", "Indien") or in its short and variant forms ("USA", "United States of America", "UK",
"Great Britain", "Deutschland"), compared without case, accents or punctuation.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from babel import Locale
from babel.core import get_global

#: The languages whose country names are read (the product's, see settings.LANGUAGES), and
#: English. Babel's locale names for them.
NAME_LOCALES = ("en", "te", "gu", "hi", "es", "pt_BR", "fr", "de", "ja", "ar")
#: CLDR codes that are not countries: unknown, the EU and the euro zone, the UN, outlying
#: Oceania, and the pseudo-locales.
NOT_COUNTRIES = frozenset({"ZZ", "EU", "EZ", "UN", "QO", "XA", "XB"})
#: Names people write that CLDR does not list (its alternative forms are added too).
VARIANTS = {
    "usa": "US",
    "us": "US",
    "u s a": "US",
    "u s": "US",
    "united states of america": "US",
    "america": "US",
    "uk": "GB",
    "u k": "GB",
    "great britain": "GB",
    "britain": "GB",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "northern ireland": "GB",
    "holland": "NL",
    "the netherlands": "NL",
    "south korea": "KR",
    "republic of korea": "KR",
    "north korea": "KP",
    "russia": "RU",
    "uae": "AE",
    "czech republic": "CZ",
    "ivory coast": "CI",
    "burma": "MM",
    "vatican": "VA",
    "hindustan": "IN",
    "bharat": "IN",
    "prc": "CN",
    "mainland china": "CN",
}
_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)


def fold(text: str) -> str:
    """Lower case, accents and punctuation gone, words split by one space ("Côte d’Ivoire" ->
    "cote d ivoire"); scripts without case or accents are kept as they are."""
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(c for c in text if unicodedata.category(c) != "Mn")
    return _NON_WORD.sub(" ", text).strip()


@cache
def country_codes() -> frozenset[str]:
    """Every ISO alpha-2 country code CLDR names."""
    names = Locale("en").territories
    return frozenset(
        code
        for code in map(str, names)
        if len(code) == 2 and code.isalpha() and code not in NOT_COUNTRIES
    )


@cache
def _names() -> dict[str, str]:
    codes = country_codes()
    found: dict[str, str] = {}
    for code, targets in get_global("territory_aliases").items():
        if len(code) == 3 and code.isalpha() and len(targets) == 1 and targets[0] in codes:
            found[code.casefold()] = targets[0]
    for name in NAME_LOCALES:
        locale = Locale.parse(name)
        for code, text in locale.territories.items():
            if code in codes:
                found.setdefault(fold(str(text)), code)
    for name, code in VARIANTS.items():
        found.setdefault(name, code)
    return found


def country_code(value: str) -> str | None:
    """The alpha-2 code ``value`` names, or None when it names no country."""
    text = (value or "").strip()
    if not text:
        return None
    if len(text) == 2 and text.isascii() and text.upper() in country_codes():
        return text.upper()
    key = fold(text)
    if key.startswith("the "):
        key = key[4:]
    return _names().get(key) or _names().get(f"the {key}")
