"""How text becomes search tokens, the same way for the documents and for the query.

Both sides go through ``fold`` and ``tokens`` here, so the database index only ever compares
tokens that Python produced:

- ``fold``: NFKC, casefold, accents dropped from Latin, Greek and Cyrillic letters (José → jose),
  Arabic short vowels and tatweel dropped (مُحَمَّد → محمد). Marks of Indic scripts are letters'
  vowel signs, not accents, and stay (राहुल stays राहुल).
- ``tokens``: runs of letters, marks and digits. Everything else (spaces, punctuation, ``@``, ``.``,
  ``+``) separates, so an email gives its local part's pieces and its domain's labels.
- Names written without spaces (Chinese, Japanese, Korean) are one token; the document side also
  stores each of its suffixes, so a prefix match on them finds the name by any part of it
  (王小明 is found by 王, 王小, 王小明, 小明 and 明).

A query is a list of alternatives, each a list of tokens matched as prefixes and ANDed. A query
made of digits and phone punctuation also tries its digits joined together, so
"+91 98765 43210", "98765 43210" and "09876543210" find the stored digit forms of +919876543210
(see ``sambandh.core.cleaning.phone_digit_forms``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

MAX_TOKEN_LENGTH = 64
MAX_QUERY_TOKENS = 8
# Names in scripts written without spaces are short; longer runs are not split into suffixes.
MAX_SUFFIXED_LENGTH = 12

_PHONE_QUERY = re.compile(r"[\d\s+\-().]+")
_ARABIC_MARKS = frozenset(
    [chr(c) for c in range(0x064B, 0x0660)] + ["\u0670", "\u0640", "\u06e1", "\u06ed"]
)


def _strips_marks(base: str) -> bool:
    """Whether combining marks on ``base`` are accents (Latin, Greek, Cyrillic)."""
    code = ord(base)
    return code < 0x0530 or 0x1D00 <= code <= 0x1FFF or 0x2C60 <= code <= 0x2C7F


def is_unspaced_script(char: str) -> bool:
    """Han, kana and hangul: scripts whose names are commonly written without spaces."""
    code = ord(char)
    return (
        0x3040 <= code <= 0x30FF  # hiragana, katakana
        or 0x31F0 <= code <= 0x31FF
        or 0x3400 <= code <= 0x4DBF  # Han extension A
        or 0x4E00 <= code <= 0x9FFF  # Han
        or 0xF900 <= code <= 0xFAFF
        or 0x1100 <= code <= 0x11FF  # hangul jamo
        or 0x3130 <= code <= 0x318F
        or 0xAC00 <= code <= 0xD7AF  # hangul syllables
        or 0x20000 <= code <= 0x3FFFF  # Han extensions B onwards
    )


def fold(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "").casefold()
    if text.isascii():
        return text
    out: list[str] = []
    base = ""
    for char in unicodedata.normalize("NFD", text):
        if char in _ARABIC_MARKS:
            continue
        if unicodedata.combining(char):
            if base and _strips_marks(base):
                continue
        else:
            base = char
        out.append(char)
    return unicodedata.normalize("NFC", "".join(out))


def _is_token_char(char: str) -> bool:
    if char.isalnum():
        return True
    return unicodedata.category(char)[0] == "M"


def tokens(text: str) -> list[str]:
    """The folded tokens of ``text``, in order, repeats kept."""
    found: list[str] = []
    current: list[str] = []
    for char in fold(text):
        if _is_token_char(char):
            current.append(char)
        elif current:
            found.append("".join(current)[:MAX_TOKEN_LENGTH])
            current = []
    if current:
        found.append("".join(current)[:MAX_TOKEN_LENGTH])
    return found


def title_key(title: str) -> str:
    """The title as folded tokens joined by one space: what a title-prefix match compares."""
    return " ".join(tokens(title))[:300]


def index_terms(title: str, subtitle: str, words: Iterable[str]) -> str:
    """Every distinct token a document is found by, space-separated."""
    seen: dict[str, None] = {}
    for text in (title, subtitle, *words):
        for token in tokens(text or ""):
            seen[token] = None
            if 1 < len(token) <= MAX_SUFFIXED_LENGTH and any(map(is_unspaced_script, token)):
                for start in range(1, len(token)):
                    seen[token[start:]] = None
    return " ".join(seen)


@dataclass(frozen=True)
class ParsedQuery:
    """What to look for: any of ``alternatives`` (each a list of ANDed prefix tokens)."""

    alternatives: tuple[tuple[str, ...], ...]
    # The whole query as a title would start, for the title-prefix candidates and ranking.
    key: str
    is_phone: bool

    @property
    def first(self) -> tuple[str, ...]:
        return self.alternatives[0]


def _long_enough(token: str) -> bool:
    return len(token) >= 2 or any(map(is_unspaced_script, token))


def _ascii_digits(text: str) -> str:
    return "".join(str(unicodedata.digit(c)) for c in text if unicodedata.category(c) == "Nd")


def parse_query(raw: str) -> ParsedQuery | None:
    """Turn what the user typed into tokens; None when there is nothing worth searching for.

    A query needs at least one token of two characters (or one character of a script written
    without spaces): a single letter matches too much to be useful.
    """
    text = unicodedata.normalize("NFKC", raw or "").strip()
    words = tokens(text)[:MAX_QUERY_TOKENS]
    if not words or not any(map(_long_enough, words)):
        return None
    key = " ".join(words)
    if _PHONE_QUERY.fullmatch(text):
        digits = _ascii_digits(text)
        alternatives: list[tuple[str, ...]] = [(digits[:MAX_TOKEN_LENGTH],)]
        if digits.startswith("00") and len(digits) > 4:
            # 00 is the international call prefix in most countries: 0091... means +91...
            alternatives.append((digits[2:MAX_TOKEN_LENGTH],))
        if len(words) > 1:
            # Digits typed apart may also be separate numbers ("2024 42" in a deal name).
            alternatives.append(tuple(words))
        return ParsedQuery(tuple(dict.fromkeys(alternatives)), key, True)
    return ParsedQuery((tuple(words),), key, False)


def fts5_query(parsed: ParsedQuery) -> str:
    """The FTS5 MATCH expression: each token a quoted prefix, ANDed, alternatives ORed."""
    parts = [
        "(" + " AND ".join(f'"{token}"*' for token in alternative) + ")"
        for alternative in parsed.alternatives
    ]
    return " OR ".join(parts)


def tsquery(parsed: ParsedQuery) -> str:
    """The PostgreSQL to_tsquery text: each token a quoted prefix, ANDed, alternatives ORed.

    Tokens hold only letters, marks and digits, so they never contain a quote or backslash.
    """
    parts = [
        "(" + " & ".join(f"'{token}':*" for token in alternative) + ")"
        for alternative in parsed.alternatives
    ]
    return " | ".join(parts)
