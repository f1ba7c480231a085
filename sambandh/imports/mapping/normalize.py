"""Header text reduced to what it means: case, accents, spacing, punctuation and CamelCase
folded away, so "E-Mail", "e_mail" and "EMail" compare equal."""

from __future__ import annotations

import re
import unicodedata

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_DIGIT_WORD = re.compile(r"(?<=[a-z])(?=\d)|(?<=\d)(?=[a-z])")


def normalize(text: str) -> str:
    """ "Mailing Zip/Postal Code" -> "mailing zip postal code"; "FirstName" -> "first name";
    "Téléphone" -> "telephone"; scripts without case or Latin accents are kept as they are."""
    text = unicodedata.normalize("NFKC", text).strip()
    text = _CAMEL.sub(" ", text)
    text = _strip_latin_accents(text.casefold())
    text = text.replace("ß", "ss").replace("&", " and ")
    text = "".join(" " if _is_separator(char) else char for char in text)
    text = _DIGIT_WORD.sub(" ", text)
    return " ".join(text.split())


def _strip_latin_accents(text: str) -> str:
    """Drop combining marks that sit on a Latin letter ("é" -> "e"), but keep the vowel signs
    of Devanagari, Telugu, Gujarati or Arabic, which are letters of the word."""
    decomposed = unicodedata.normalize("NFD", text)
    kept: list[str] = []
    for char in decomposed:
        if unicodedata.combining(char) and kept and kept[-1] < "\u0250":
            continue
        kept.append(char)
    return unicodedata.normalize("NFC", "".join(kept))


def _is_separator(char: str) -> bool:
    """Punctuation, symbols, spaces and controls; letters, digits and marks are kept."""
    return unicodedata.category(char)[0] in "PSZC"
