"""People's names as they are stored: one Unicode form, no invisible characters, and name case
for a name typed all in capitals or all in small letters.

Name case is applied only to a name written in Latin letters and typed in one case
("ASHA RAO", "asha rao" -> "Asha Rao"): mixed case is the writer's choice ("McDonald",
"danah boyd", "DeShawn") and is never changed, and other scripts have no case to fix.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

# Never part of a name: controls, the byte-order mark, zero-width space, word joiner, soft
# hyphen, bidirectional marks and embeddings.
_INVISIBLE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u00ad\u180e\u200b\u200e\u200f"
    "\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\ufff9-\ufffb]"
)
# Zero-width (non-)joiners shape Indic, Persian and Arabic script words (a half form, a
# ligature kept apart): kept between two letters of such a script, dropped anywhere else.
_JOINER = re.compile("[\u200c\u200d]")
_SPACES = re.compile(r"\s+")

#: Words that stay in small letters inside a name ("van der Berg", "de la Cruz", "bin Said").
PARTICLES = frozenset(
    {
        "al", "bin", "binti", "bint", "da", "das", "de", "del", "della", "der", "den", "des",
        "di", "do", "dos", "du", "el", "la", "le", "lo", "op", "te", "ten", "ter", "van",
        "von", "y", "zu", "zum", "zur",
    }
)  # fmt: skip
#: Generational suffixes and roman numerals written in capitals ("Henry Ford III").
_UPPER_WORDS = frozenset({"ii", "iii", "iv", "vi", "vii", "viii", "ix"})
_TITLE_WORDS = {"jr": "Jr", "sr": "Sr"}
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*", re.UNICODE)


def _is_joined_letter(char: str) -> bool:
    return bool(char) and unicodedata.category(char)[0] in "LM" and ord(char) > 0x024F


def strip_invisible(text: str) -> str:
    """``text`` without control and invisible characters (a joiner between two letters of a
    script that uses one is kept)."""
    text = _INVISIBLE.sub("", text)
    if "\u200c" not in text and "\u200d" not in text:
        return text
    out = []
    for i, char in enumerate(text):
        if _JOINER.match(char):
            before = text[i - 1] if i else ""
            after = text[i + 1] if i + 1 < len(text) else ""
            if not (_is_joined_letter(before) and _is_joined_letter(after)):
                continue
        out.append(char)
    return "".join(out)


def tidy(text: str | None) -> str:
    """One line of text in NFC, without invisible characters, spaces collapsed and trimmed."""
    text = unicodedata.normalize("NFC", text or "")
    # Line and paragraph breaks become spaces before the controls go.
    text = strip_invisible(_SPACES.sub(" ", text))
    return _SPACES.sub(" ", text).strip()


@lru_cache(maxsize=4096)
def _is_latin_letter(char: str) -> bool:
    return unicodedata.name(char, "").startswith("LATIN ")


def one_case_latin(texts: Iterable[str]) -> bool:
    """Whether the texts, taken together, are written in Latin letters and all in capitals or
    all in small letters (and hold at least two letters)."""
    letters = [c for text in texts for c in text if c.isalpha()]
    if len(letters) < 2 or not all(_is_latin_letter(c) for c in letters):
        return False
    joined = "".join(letters)
    return joined.isupper() or joined.islower()


def _cap(word: str) -> str:
    return word[:1].upper() + word[1:].lower()


def _case_word(word: str, *, first: bool, family: bool) -> str:
    lower = word.lower()
    if lower in PARTICLES and (family or not first):
        return lower
    if lower in _UPPER_WORDS and not first:
        return lower.upper()
    if lower in _TITLE_WORDS and not first:
        return _TITLE_WORDS[lower]
    for mark in ("'", "’"):
        head, sep, tail = lower.partition(mark)
        if sep and tail:
            # O'Brien, D'Angelo, N'Dour: the letter before the apostrophe and the word after it.
            if len(head) == 1:
                return head.upper() + sep + _cap(tail)
            return _cap(head) + sep + tail
    if lower.startswith("mc") and len(lower) > 3:
        return "Mc" + _cap(lower[2:])
    return _cap(lower)


def name_case(text: str, *, family: bool = False) -> str:
    """A name typed in one case written in name case: "ASHA RAO" -> "Asha Rao", "o'brien" ->
    "O'Brien", "mcdonald" -> "McDonald", "anne-marie" -> "Anne-Marie", "juan de la cruz" ->
    "Juan de la Cruz". ``family``: the text is a family name alone, whose leading particles stay
    small ("van der Berg"). The caller decides whether the name is one-case Latin."""
    position = 0

    def replace(match: re.Match[str]) -> str:
        nonlocal position
        start = match.start()
        # A word right after a hyphen continues a compound name: capitalized, never a particle.
        after_hyphen = start > 0 and text[start - 1] == "-"
        word = match.group(0)
        cased = _cap(word) if after_hyphen else None
        if cased is None:
            cased = _case_word(word, first=position == 0, family=family)
        position += 1
        return cased

    return _WORD.sub(replace, text)


def clean_person_names(
    values: dict[str, str], *, family_keys: Iterable[str] = ("family_name",)
) -> dict[str, str]:
    """The parts of one person's name, each tidied; put in name case when the parts, taken
    together, were typed in one case in Latin letters (so "ASHA" with "Rao" stays as typed)."""
    tidied = {key: tidy(value) for key, value in values.items()}
    if not one_case_latin(tidied.values()):
        return tidied
    families = set(family_keys)
    return {key: name_case(value, family=key in families) for key, value in tidied.items()}
