"""Indic scripts to Latin, by rule (ITRANS-like, no diacritics), so "राम शर्मा", "రామ్ శర్మ"
and "Ram Sharma" fold to the same letters.

The Unicode blocks of Devanagari, Bengali, Gurmukhi, Gujarati, Oriya, Tamil, Telugu, Kannada
and Malayalam share one layout (a letter sits at the same offset in each block), so one table
of offsets serves all nine. A consonant carries the vowel "a" unless a vowel sign or the virama
follows; a word's last inherent "a" is dropped (राम -> ram), as names are written in Latin.
Every other script is handled by ``anyascii``.
"""

from __future__ import annotations

import re

from anyascii import anyascii

_BLOCKS = (0x0900, 0x0980, 0x0A00, 0x0A80, 0x0B00, 0x0B80, 0x0C00, 0x0C80, 0x0D00)

# Offsets within a block.
_VOWELS = {
    0x05: "a", 0x06: "aa", 0x07: "i", 0x08: "ii", 0x09: "u", 0x0A: "uu", 0x0B: "ri",
    0x0C: "li", 0x0D: "e", 0x0E: "e", 0x0F: "e", 0x10: "ai", 0x11: "o", 0x12: "o",
    0x13: "o", 0x14: "au",
}  # fmt: skip
_CONSONANTS = {
    0x15: "k", 0x16: "kh", 0x17: "g", 0x18: "gh", 0x19: "n", 0x1A: "ch", 0x1B: "chh",
    0x1C: "j", 0x1D: "jh", 0x1E: "n", 0x1F: "t", 0x20: "th", 0x21: "d", 0x22: "dh",
    0x23: "n", 0x24: "t", 0x25: "th", 0x26: "d", 0x27: "dh", 0x28: "n", 0x29: "n",
    0x2A: "p", 0x2B: "ph", 0x2C: "b", 0x2D: "bh", 0x2E: "m", 0x2F: "y", 0x30: "r",
    0x31: "r", 0x32: "l", 0x33: "l", 0x34: "zh", 0x35: "v", 0x36: "sh", 0x37: "sh",
    0x38: "s", 0x39: "h", 0x58: "q", 0x59: "kh", 0x5A: "gh", 0x5B: "z", 0x5C: "r",
    0x5D: "rh", 0x5E: "f", 0x5F: "y",
}  # fmt: skip
_SIGNS = {
    0x3E: "aa", 0x3F: "i", 0x40: "ii", 0x41: "u", 0x42: "uu", 0x43: "ri", 0x44: "rri",
    0x45: "e", 0x46: "e", 0x47: "e", 0x48: "ai", 0x49: "o", 0x4A: "o", 0x4B: "o",
    0x4C: "au", 0x57: "au",
}  # fmt: skip
_VIRAMA = 0x4D
_NASALS = {0x01: "n", 0x02: "n", 0x03: "h"}
_NUKTA = 0x3C
# Letters outside the shared layout: Gurmukhi's tippi and Malayalam's chillus (a consonant
# with no vowel, ൻ = n).
_FINALS = {0x70: "n", 0x7A: "n", 0x7B: "n", 0x7C: "r", 0x7D: "l", 0x7E: "l", 0x7F: "k"}


def _offset(ch: str) -> int | None:
    code = ord(ch)
    for base in _BLOCKS:
        if base <= code < base + 0x80:
            return code - base
    return None


def _indic_word(word: str) -> str:
    out: list[str] = []
    pending_a = False  # the last consonant still carries its inherent "a"
    for ch in word:
        off = _offset(ch)
        if off is None:
            if pending_a:
                out.append("a")
                pending_a = False
            out.append(ch)
            continue
        if off in _CONSONANTS:
            if pending_a:
                out.append("a")
            out.append(_CONSONANTS[off])
            pending_a = True
        elif off in _SIGNS:
            out.append(_SIGNS[off])
            pending_a = False
        elif off == _VIRAMA:
            pending_a = False
        elif off == _NUKTA:
            continue
        elif off in _VOWELS:
            if pending_a:
                out.append("a")
                pending_a = False
            out.append(_VOWELS[off])
        elif off in _FINALS and ord(ch) >= 0x0A00:
            if pending_a:
                out.append("a")
                pending_a = False
            out.append(_FINALS[off])
        elif off in _NASALS:
            if pending_a:
                out.append("a")
                pending_a = False
            out.append(_NASALS[off])
        elif 0x66 <= off <= 0x6F:
            if pending_a:
                out.append("a")
                pending_a = False
            out.append(str(off - 0x66))
    # The final inherent vowel is not written in Latin (राम -> ram), unless the word is a
    # single letter (न -> na).
    if pending_a and len(out) <= 1:
        out.append("a")
    return "".join(out)


_INDIC = re.compile("[\u0900-\u0d7f]")


def has_indic(text: str) -> bool:
    return _INDIC.search(text) is not None


def to_latin(text: str) -> str:
    """``text`` in Latin letters: Indic scripts by the rules above, every other script by
    anyascii (accents dropped, 山田 -> ShanTian)."""
    if has_indic(text):
        text = " ".join(_indic_word(w) for w in text.split())
    return anyascii(text)
