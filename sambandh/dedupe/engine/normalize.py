"""Values folded for comparison: names, emails, phones, addresses, organization names."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import jellyfish

from sambandh.dedupe.engine.nicknames import canonical_given
from sambandh.dedupe.engine.translit import to_latin

_NON_ALNUM = re.compile(r"[^a-z0-9]+")


@lru_cache(maxsize=200_000)
def fold(text: str) -> str:
    """Lower-case Latin letters and digits, words split by one space: any script, accents
    dropped, punctuation gone ("  O'Brien-Smith " -> "o brien smith")."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", text)
    return _NON_ALNUM.sub(" ", to_latin(text).lower()).strip()


# Spellings that transliteration and ear make interchangeable (sh/s, aa/a, w/v, ph/f, ...),
# longest first so "chh" is read before "ch".
_SOUNDS = (
    ("chh", "c"), ("ksh", "ks"), ("sch", "s"), ("sh", "s"), ("ch", "c"), ("th", "t"),
    ("dh", "d"), ("bh", "b"), ("kh", "k"), ("gh", "g"), ("jh", "j"), ("ph", "f"),
    ("ck", "k"), ("aa", "a"), ("ee", "i"), ("ii", "i"), ("oo", "u"), ("uu", "u"),
    ("ou", "u"), ("w", "v"), ("q", "k"), ("x", "ks"), ("y", "i"), ("z", "s"),
)  # fmt: skip
_DOUBLE = re.compile(r"(.)\1+")


@lru_cache(maxsize=200_000)
def sound_key(word: str) -> str:
    """A loose spelling of a folded word, equal for transliteration variants and common
    misspellings: "sharmaa", "sharma", "sarma" -> "sarm"; "venkateshwar", "venkateswara"."""
    if not word:
        return ""
    key = word.replace(" ", "")
    for a, b in _SOUNDS:
        key = key.replace(a, b)
    key = _DOUBLE.sub(r"\1", key)
    if len(key) > 3 and key[-1] in "aeiou":
        key = key[:-1]
    return key


@lru_cache(maxsize=200_000)
def phonetic(word: str) -> tuple[str, str]:
    """Metaphone and NYSIIS codes of a folded word (empty for an empty word)."""
    if not word:
        return ("", "")
    return (jellyfish.metaphone(word), jellyfish.nysiis(word))


def given_forms(given: str) -> tuple[str, str]:
    """The folded first given name and its canonical form (Bob -> robert)."""
    first = given.split(" ")[0] if given else ""
    return first, canonical_given(first)


_EMAIL_PLUS = re.compile(r"\+.*$")


def email_key(email: str) -> tuple[str, str]:
    """The email lower-cased and its local part without +tags (and, at Gmail, without dots)."""
    email = (email or "").strip().lower()
    if "@" not in email:
        return "", ""
    local, _, domain = email.rpartition("@")
    local = _EMAIL_PLUS.sub("", local)
    if domain in ("gmail.com", "googlemail.com"):
        local = local.replace(".", "")
        domain = "gmail.com"
    return f"{local}@{domain}", local


def phone_key(phone: str) -> str:
    """Digits only; a stored phone is already E.164, so this keeps its country code."""
    return re.sub(r"\D", "", phone or "")


_STREET_WORDS = {
    "street": "st", "str": "st", "strasse": "st", "road": "rd", "avenue": "ave", "av": "ave",
    "boulevard": "blvd", "drive": "dr", "lane": "ln", "place": "pl", "court": "ct",
    "parkway": "pkwy", "highway": "hwy", "square": "sq", "terrace": "ter", "north": "n",
    "south": "s", "east": "e", "west": "w", "apartment": "apt", "suite": "ste", "floor": "fl",
    "marg": "rd", "nagar": "ngr", "first": "1st", "second": "2nd", "third": "3rd",
}  # fmt: skip


def street_key(street: str) -> tuple[str, str]:
    """(house number, street words) of a street line, abbreviations made one: "3449 W.
    Arthington Street" -> ("3449", "w arthington st")."""
    words = [_STREET_WORDS.get(w, w) for w in fold(street).split()]
    number = next((w for w in words if w[:1].isdigit()), "")
    rest = [w for w in words if w != number]
    return number, " ".join(rest)


def postcode_key(postcode: str) -> str:
    return fold(postcode).replace(" ", "")


_LEGAL = {
    "inc", "incorporated", "corp", "corporation", "co", "company", "llc", "llp", "ltd",
    "limited", "plc", "gmbh", "ag", "kg", "mbh", "sa", "sas", "sarl", "srl", "spa", "bv", "nv",
    "pvt", "private", "pte", "pty", "kk", "oy", "ab", "as", "the", "of", "and", "a", "an",
    "ohg", "eg", "ev", "ug", "se", "lp", "nfp", "not", "for", "profit",
}  # fmt: skip


@lru_cache(maxsize=200_000)
def org_name_key(name: str) -> str:
    """An organization's name folded, legal forms and filler words gone ("The Acme Pvt.
    Ltd." -> "acme")."""
    words = [w for w in fold(name).split() if w not in _LEGAL]
    return " ".join(words)


def domain_key(domain: str, website: str = "", email: str = "") -> str:
    """The organization's web domain without www. and scheme, from whichever is given."""
    for value in (domain, website):
        value = (value or "").strip().lower()
        value = re.sub(r"^[a-z]+://", "", value).split("/")[0]
        if value.startswith("www."):
            value = value[4:]
        if "." in value:
            return value
    return ""
