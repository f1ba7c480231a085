"""Mapping a file's columns to targets with no help: a recognized product's preset first, then
the general names of each field (data/synonyms.json, in the product's languages), the targets'
own labels and keys, and the custom fields' labels, compared after normalization, with the
words in any order, and at last by close spelling."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from django.utils.translation import get_language, override
from rapidfuzz import fuzz, process

from sambandh.imports.mapping.normalize import normalize
from sambandh.imports.mapping.presets import DATA, PRESETS, detect_preset
from sambandh.imports.mapping.targets import KEYS, REPEATABLE, check_record_type, targets

#: Words that say nothing about which field a column is ("Primary Email", "E-mail 1 - Value").
_NOISE = frozenset({"primary", "main", "default", "value", "1", "the", "of", "no", "nr", "num"})
#: A first word naming the record itself ("Contact Owner", "Deal Stage", "Person - Email").
_ENTITY = frozenset(
    {"person", "contact", "lead", "deal", "opportunity", "account", "organization",
     "organisation", "company", "customer", "associated"}
)  # fmt: skip
#: Words that say which of several addresses or phones a column is, when the target has one.
_QUALIFIERS = frozenset(
    {"business", "work", "office", "mailing", "billing", "postal", "address", "company", "url"}
)
#: Words anywhere in a header that say an address or phone is the home one, or the work one
#: ("Privat: Ort", "Téléphone (bureau)", "Tel. dienstlich"), in the product's languages.
_HOME = frozenset(
    {"home", "private", "personal", "privat", "prive", "privee", "personnel", "personnelle",
     "domicile", "casa", "particular", "residencial", "residencia", "自宅", "घर", "ఇంటి", "ઘર",
     "المنزل"}
)  # fmt: skip
_WORK = frozenset(
    {"business", "work", "office", "dienstlich", "geschaftlich", "buro", "bureau",
     "professionnel", "professionnelle", "trabajo", "oficina", "comercial", "trabalho",
     "勤務先", "会社", "कार्यालय", "ఆఫీసు", "ઓફિસ", "العمل"}
)  # fmt: skip
_PHONES = ("phone", "work_phone", "mobile_phone", "other_phone")
#: Matching by shared words: a column whose words are mostly one field's own words.
_WORDS_SHARE = 0.6
#: A longer header is a sentence, not a field's name: not matched (and not worth the time).
_LONGEST = 200
#: Close spelling ("Adress", "E-mial") counts from this similarity (0-100) and this length.
_FUZZY_CUTOFF = 90
_FUZZY_MIN_LENGTH = 5


@dataclass(frozen=True)
class _Index:
    exact: dict[str, str]
    unordered: dict[str, str]
    phrases: tuple[str, ...]
    #: key -> the words of its names ("city", "town", "locality", ...).
    words: dict[str, frozenset[str]]


def _unordered(text: str) -> str:
    return " ".join(sorted(text.split()))


@cache
def _synonyms() -> dict[str, dict[str, list[str]]]:
    data = json.loads((DATA / "synonyms.json").read_text(encoding="utf-8"))
    data.pop("_about", None)
    return data


def _phrases(record_type: str, language: str) -> dict[str, str]:
    """Normalized phrase -> key for one record type: general names, then the record type's own
    (which win), then the targets' labels in English and in the active language, then keys."""
    keys = set(KEYS[record_type])
    found: dict[str, str] = {}
    synonyms = _synonyms()
    for key, phrases in synonyms["all"].items():
        if key in keys:
            found.update((normalize(phrase), key) for phrase in phrases)
    for key, phrases in synonyms.get(record_type, {}).items():
        found.update((normalize(phrase), key) for phrase in phrases)
    for lang in ("en", language):
        with override(lang):
            for target in targets(record_type):
                found.setdefault(normalize(target.label), target.key)
    for key in keys:
        found.setdefault(normalize(key), key)
    found.pop("", None)
    return found


@cache
def _builtin_index(record_type: str, language: str) -> dict[str, str]:
    return _phrases(record_type, language)


def _index(record_type: str, custom_fields: tuple[tuple[str, str, str], ...]) -> _Index:
    exact = dict(_builtin_index(record_type, get_language() or "en"))
    for key, label, _kind in custom_fields:
        for phrase in (normalize(label), normalize(key)):
            if phrase:
                exact.setdefault(phrase, "custom." + key)
    unordered: dict[str, str] = {}
    words: dict[str, set[str]] = {}
    for phrase, key in exact.items():
        unordered.setdefault(_unordered(phrase), key)
        words.setdefault(key, set()).update(phrase.split())
    return _Index(
        exact=exact,
        unordered=unordered,
        phrases=tuple(exact),
        words={key: frozenset(found) for key, found in words.items()},
    )


def _variants(text: str) -> list[str]:
    """The header, then without noise words, then without a leading record word, then without
    the leading words that only say which address or phone it is ("Business City" -> "city")."""
    words = text.split()
    plain = [word for word in words if word not in _NOISE]
    variants = [words, plain]
    for base in (words, plain):
        if len(base) > 1 and base[0] in _ENTITY:
            variants.append(base[1:])
    for base in list(variants):
        bare = base
        while len(bare) > 1 and bare[0] in _QUALIFIERS:
            bare = bare[1:]
            variants.append(bare)
    seen: list[str] = []
    for variant in variants:
        joined = " ".join(variant)
        if joined and joined not in seen:
            seen.append(joined)
    return seen


def match(header: str, index: _Index) -> tuple[str, float]:
    """(target key, confidence 0-100) for one header, or ("", 0)."""
    if len(header) > _LONGEST:
        return "", 0.0
    text = normalize(header)
    if not text:
        return "", 0.0
    # A longer name is the more specific claim: "Job Title" beats "Title" for job_title.
    for rank, variant in enumerate(_variants(text)):
        specific = 0.1 * sum(1 for word in variant.split() if len(word) > 1)
        if variant in index.exact:
            return index.exact[variant], 100.0 - rank + specific
        key = index.unordered.get(_unordered(variant))
        if key:
            return key, 99.5 - rank + specific
    qualified = _qualified(text, index)
    if qualified[0]:
        return qualified
    for variant in _variants(text):
        if len(variant) < _FUZZY_MIN_LENGTH:
            continue
        best = process.extractOne(
            variant, index.phrases, scorer=fuzz.ratio, score_cutoff=_FUZZY_CUTOFF
        )
        if best:
            return index.exact[best[0]], float(best[1]) - 10.0
    for variant in _variants(text):
        key, score = _by_words(variant, index)
        if key:
            return key, score
    return "", 0.0


def _qualified(text: str, index: _Index) -> tuple[str, float]:
    """A header naming home or work anywhere: the rest matched exactly, then made the home or
    work field when the record type has one ("Privat: PLZ" -> home_postal_code)."""
    words = text.split()
    home = any(word in _HOME for word in words)
    work = any(word in _WORK for word in words)
    rest = [w for w in words if w not in _HOME and w not in _WORK]
    if not (home or work) or not rest or len(rest) == len(words):
        return "", 0.0
    key = ""
    for variant in _variants(" ".join(rest)):
        key = index.exact.get(variant) or index.unordered.get(_unordered(variant), "")
        if key:
            break
    if not key:
        return "", 0.0
    valid = set(index.exact.values())
    if home:
        if f"home_{key}" in valid:
            key = f"home_{key}"
        elif key in _PHONES and "home_phone" in valid:
            key = "home_phone"
    elif work and key == "phone" and "work_phone" in valid:
        key = "work_phone"
    return key, 96.0


def _by_words(text: str, index: _Index) -> tuple[str, float]:
    """The one field whose names hold most of the column's words ("City/town/village/locality"
    -> city), when no other field holds as many."""
    # Digits and single letters ("2", the "e" of "e-mail") say too little to count as shared.
    words = {word for word in text.split() if len(word) > 1 and not word.isdigit()} - _NOISE
    if len(words) < 2:
        return "", 0.0
    shares = sorted(
        ((len(words & vocabulary) / len(words), key) for key, vocabulary in index.words.items()),
        reverse=True,
    )
    best_share, best_key = shares[0]
    if best_share < _WORDS_SHARE or (len(shares) > 1 and shares[1][0] == best_share):
        return "", 0.0
    # A leftover word that names another field ("mail" in "E-mail Display Name") means the
    # column is about that other field's thing, not this one.
    leftover = words - index.words[best_key]
    if any(word in vocabulary for word in leftover for vocabulary in index.words.values()):
        return "", 0.0
    return best_key, 70.0 + 10.0 * best_share


def auto_map(
    headers: list[str],
    record_type: str,
    *,
    preset: str | None = None,
    custom_fields: Iterable[tuple[str, str, str]] = (),
) -> dict[str, str]:
    """header -> target key ("" = not imported) for every header. A preset (given, or detected
    from the headers) decides its own columns; the rest are matched by name. No target is used
    twice, except "tags" and "description", which the engine joins."""
    check_record_type(record_type)
    if preset is not None and preset not in PRESETS:
        raise ValueError(f"unknown preset {preset!r}")
    chosen = preset or detect_preset(headers, record_type)
    known = PRESETS[chosen].lookup(record_type) if chosen else {}
    return _assign(headers, record_type, known, tuple(custom_fields))


def map_by_name(
    headers: list[str], record_type: str, *, custom_fields: Iterable[tuple[str, str, str]] = ()
) -> dict[str, str]:
    """auto_map without presets: the columns matched by their names alone (what the benchmark
    measures to show the general matching, not a product's preset, does the work)."""
    check_record_type(record_type)
    return _assign(headers, record_type, {}, tuple(custom_fields))


def _assign(
    headers: list[str],
    record_type: str,
    known: dict[str, str],
    custom_fields: tuple[tuple[str, str, str], ...],
) -> dict[str, str]:
    index = _index(record_type, custom_fields)
    valid = {target.key for target in targets(record_type)} | {
        key for key in index.exact.values() if key.startswith("custom.")
    }
    proposals: list[tuple[float, int, str, str]] = []
    for position, header in enumerate(headers):
        text = normalize(header)
        if text in known:
            key, score = known[text], 200.0
        else:
            key, score = match(header, index)
        if key and key not in valid:
            key, score = "", 0.0
        proposals.append((score, position, header, key))
    result = dict.fromkeys(headers, "")
    used: set[str] = set()
    for _score, _position, header, key in sorted(proposals, key=lambda p: (-p[0], p[1])):
        if not key or (key in used and key not in REPEATABLE):
            continue
        result[header] = key
        used.add(key)
    return result
