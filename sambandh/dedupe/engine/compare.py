"""Comparisons of a pair of records, each into one of a few levels (best first), as in
Fellegi-Sunter and splink. A comparison returns -1 when either side is missing the value: a
missing value is no evidence either way.

Each level carries default m (how often true duplicates land there) and u (how often
different records do) probabilities; ``model`` may re-estimate them from the data."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz
from rapidfuzz.distance import DamerauLevenshtein, JaroWinkler, Levenshtein

from sambandh.dedupe.engine.normalize import phonetic, sound_key
from sambandh.dedupe.engine.records import MatchRecord

NULL = -1
#: ``_name_level``'s levels from "sounds alike" on, and its last: nothing in common.
PHONETIC, DIFFERENT = 3, 5
#: The words of an email's local part (letters; digits and separators split them).
_WORDS = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True)
class Level:
    code: str
    m: float
    u: float


@dataclass(frozen=True)
class Comparison:
    key: str
    levels: tuple[Level, ...]
    compare: Callable[[MatchRecord, MatchRecord], int]
    #: The record's value(s) whose frequency sets the weight of an exact agreement (a common
    #: name or one agency's phone number says less than a rare one); None: no adjustment.
    tf: Callable[[MatchRecord], str | frozenset[str]] | None = None


def _jw(a: str, b: str) -> float:
    return JaroWinkler.similarity(a, b)


def _sim(a: str, b: str) -> float:
    return JaroWinkler.similarity(a, b) if a and b else 0.0


@lru_cache(maxsize=1 << 18)
def _name_level(a: str, b: str, canon_a: str = "", canon_b: str = "") -> int:
    """0 exact, 1 variant (nickname, transliteration), 2 typo, 3 sounds alike, 4 close, 5 no."""
    if not a or not b:
        return NULL
    if a == b:
        return 0
    if (canon_a and canon_a == canon_b) or sound_key(a) == sound_key(b):
        return 1
    jw = _jw(a, b)
    if jw >= 0.92 or DamerauLevenshtein.distance(a, b) <= 1:
        return 2
    pa, pb = phonetic(a), phonetic(b)
    if (pa[0] and pa[0] == pb[0]) or (pa[1] and pa[1] == pb[1]):
        return 3
    if jw >= 0.8 or (len(a) > 1 and len(b) > 1 and (a in b or b in a)):
        return 4
    return DIFFERENT


def swapped(a: MatchRecord, b: MatchRecord) -> bool:
    """Whether ``b``'s given and family names line up with ``a``'s the other way round
    ("Isla Hall" / "Hall Isla", or a lone "Atkinson" / "Atkinson Eva")."""
    if (a.given and a.given == b.given) or (a.family and a.family == b.family):
        return False
    crossed = _sim(a.given, b.family) + _sim(a.family, b.given)
    return crossed > _sim(a.given, b.given) + _sim(a.family, b.family) + 0.05


def _crossed_level(x: str, y: str) -> int:
    level = _name_level(x, y)
    return 1 if level == 0 else level  # the same name in the other field: a variant


def _given(a: MatchRecord, b: MatchRecord) -> int:
    if swapped(a, b):
        return _crossed_level(a.given, b.family)
    level = _name_level(a.given, b.given, a.given_canon, b.given_canon)
    # An initial against the whole name (R. / Robert).
    if level >= 4 and min(len(a.given), len(b.given)) == 1 and a.given[:1] == b.given[:1]:
        return 4
    return level


def _family(a: MatchRecord, b: MatchRecord) -> int:
    if swapped(a, b):
        return _crossed_level(a.family, b.given)
    return _name_level(a.family, b.family)


def _birth(a: MatchRecord, b: MatchRecord) -> int:
    """0 same day, 1 a digit off or day and month swapped, 2 within a month, 3 within a year,
    4 no."""
    if not a.birth_day or not b.birth_day:
        return NULL
    if a.birth_day == b.birth_day:
        return 0
    x, y = a.birth, b.birth
    if DamerauLevenshtein.distance(a.birth_text, b.birth_text) <= 1 or (
        x is not None
        and y is not None
        and x.year == y.year
        and (x.month, x.day) == (y.day, y.month)
    ):
        return 1
    gap = abs(a.birth_day - b.birth_day)
    if gap <= 31:
        return 2
    if gap <= 366:
        return 3
    return 4


def _email(a: MatchRecord, b: MatchRecord) -> int:
    """0 same address, 1 same local part, 2 a typo apart (two edits in the address, or a
    close local part at a domain two edits apart), 3 no.

    Close local parts at two unrelated domains say nothing either way (missing): such local
    parts are mostly the names again ("isaac.james" and "isaac.jones54"), which the name
    comparisons already weigh."""
    if not a.emails or not b.emails:
        return NULL
    if a.emails & b.emails:
        return 0
    # The same or a close local part at another address, for two people of the same name, is
    # mostly the name again ("george_wright" at two employers, "georgewright942" and
    # "georgewright66" at one mail provider): it says nothing the names have not said. For
    # different names it is evidence of its own.
    namesakes = bool(a.full) and a.full == b.full
    if a.email_local and a.email_local == b.email_local:
        return NULL if namesakes else 1
    if Levenshtein.distance(a.email, b.email, score_cutoff=2) <= 2:
        return NULL if _names_apart(a, b) else 2
    if _jw(a.email_local, b.email_local) >= 0.88:
        if namesakes or _names_apart(a, b):
            return NULL
        domain_a, domain_b = a.email.rpartition("@")[2], b.email.rpartition("@")[2]
        return 2 if Levenshtein.distance(domain_a, domain_b, score_cutoff=2) <= 2 else NULL
    return 3


def _names_apart(a: MatchRecord, b: MatchRecord) -> bool:
    """Whether two local parts are one pattern over two different names, which makes them
    look a typo apart: "daisuke_kobayashi" and "daisuke_sato" (a word of one that is nowhere
    in the other and nothing like its counterpart), or "srao" and "rrao" for Subbalakshmi and
    Ravi Rao (each begins with its own given name's initial, and the given names differ).
    Such addresses say nothing either way: the names already said it."""
    la, lb = a.email_local, b.email_local
    words_a, words_b = _WORDS.findall(la), _WORDS.findall(lb)
    if len(words_a) == len(words_b) > 1:
        # With names that differ outright, a word merely close to its counterpart is enough
        # ("omar.alhashimi" / "omar.alnuaimi" for الهاشمي and النعيمي).
        names_differ = DIFFERENT in (_given(a, b), _family(a, b))
        for x, y in zip(words_a, words_b, strict=True):
            if min(len(x), len(y)) < 3 or x in words_b or y in words_a:
                continue
            level = _name_level(x, y)
            if level == DIFFERENT or (names_differ and level >= PHONETIC):
                return True
    return (
        len(la) > 1
        and la[1:] == lb[1:]
        and la[:1] == a.given[:1]
        and lb[:1] == b.given[:1]
        and la[:1] != lb[:1]
        and _given(a, b) == DIFFERENT
    )


def _phone(a: MatchRecord, b: MatchRecord) -> int:
    """0 a number in common, 1 the same last seven digits, 2 no."""
    if not a.phones or not b.phones:
        return NULL
    if a.phones & b.phones:
        return 0
    if {p[-7:] for p in a.phones} & {p[-7:] for p in b.phones}:
        return 1
    return 2


def _org_phone(a: MatchRecord, b: MatchRecord) -> int:
    """As ``_phone``, but a number shared by two sites at different house numbers says
    nothing: it is the head office's line that several of its sites give."""
    level = _phone(a, b)
    if level == 0 and a.house and b.house and a.house != b.house:
        return NULL
    return level


def _same_street(a: MatchRecord, b: MatchRecord) -> bool:
    """The same house on the same street: the postcode and the city then follow from it, and
    weighing them again would count one address three times."""
    return bool(a.street) and a.street == b.street and a.house == b.house


def _city(a: MatchRecord, b: MatchRecord) -> int:
    if not a.city or not b.city:
        return NULL
    if _same_street(a, b) or (a.postcode and a.postcode == b.postcode):
        return NULL  # said by the street or the postcode
    if a.city == b.city:
        return 0
    if _jw(a.city, b.city) >= 0.88:
        return 1
    return 2


def _postcode(a: MatchRecord, b: MatchRecord) -> int:
    if not a.postcode or not b.postcode:
        return NULL
    if a.postcode == b.postcode and _same_street(a, b):
        return NULL  # said by the street
    if a.postcode == b.postcode:
        return 0
    if a.postcode[:3] == b.postcode[:3]:
        return 1
    return 2


def _street(a: MatchRecord, b: MatchRecord) -> int:
    """0 same house and street, 1 same house and a close street, 2 same house, 3 another house
    number (a strong sign of another place), 4 a house number a typo apart, 5 no."""
    if not (a.house or a.street) or not (b.house or b.street):
        return NULL
    if a.house == b.house and a.street == b.street:
        return 0
    if a.house == b.house:
        if a.street and b.street and fuzz.token_set_ratio(a.street, b.street) >= 80:
            return 1
        return 2
    if a.house and b.house:
        return 4 if DamerauLevenshtein.distance(a.house, b.house) <= 1 else 3
    return 5


def _org_name(a: MatchRecord, b: MatchRecord) -> int:
    """0 same name (legal forms aside), 1 nearly, 2 the words of one within the other's, 3
    alike, 4 no."""
    if not a.full or not b.full:
        return NULL
    if a.full == b.full:
        return 0
    if fuzz.ratio(a.full, b.full) >= 92 or a.name_sound == b.name_sound:
        return 1
    if fuzz.token_set_ratio(a.full, b.full) >= 90:
        return 2
    if fuzz.token_set_ratio(a.full, b.full) >= 70:
        return 3
    return 4


def _domain(a: MatchRecord, b: MatchRecord) -> int:
    if not a.domain or not b.domain:
        return NULL
    return 0 if a.domain == b.domain else 1


def _employer(a: MatchRecord, b: MatchRecord) -> int:
    if not a.org or not b.org:
        return NULL
    if a.org == b.org:
        return 0
    return _employer_level(a.org, b.org)


@lru_cache(maxsize=1 << 16)
def _employer_level(a: str, b: str) -> int:
    # Cached by value: a scan meets the same few thousand employers in millions of pairs.
    return 0 if fuzz.token_set_ratio(a, b) >= 90 else 1


def _levels(*items: tuple[str, float, float]) -> tuple[Level, ...]:
    return tuple(Level(code, m, u) for code, m, u in items)


_NAME_LEVELS = _levels(
    ("exact", 0.70, 0.02),
    ("variant", 0.08, 0.002),
    ("typo", 0.12, 0.003),
    ("phonetic", 0.03, 0.004),
    ("close", 0.04, 0.03),
    ("different", 0.03, 0.94),
)

PEOPLE = (
    Comparison("given_name", _NAME_LEVELS, _given, tf=lambda r: r.given),
    Comparison("family_name", _NAME_LEVELS, _family, tf=lambda r: r.family),
    Comparison(
        "birth_date",
        _levels(
            ("exact", 0.70, 0.0005),
            ("typo", 0.10, 0.0005),
            ("month", 0.07, 0.002),
            ("year", 0.08, 0.02),
            ("different", 0.05, 0.977),
        ),
        _birth,
    ),
    Comparison(
        "email",
        _levels(
            ("exact", 0.70, 0.0001),
            ("local_part", 0.10, 0.0002),
            ("typo", 0.12, 0.0002),
            ("different", 0.08, 0.9995),
        ),
        _email,
    ),
    Comparison(
        "phone",
        _levels(("exact", 0.85, 0.0001), ("last_digits", 0.05, 0.0005), ("different", 0.1, 0.9994)),
        _phone,
    ),
    Comparison(
        "city",
        _levels(("exact", 0.80, 0.05), ("close", 0.1, 0.005), ("different", 0.1, 0.945)),
        _city,
        tf=lambda r: r.city,
    ),
    Comparison(
        "postcode",
        _levels(("exact", 0.8, 0.002), ("area", 0.1, 0.02), ("different", 0.1, 0.978)),
        _postcode,
    ),
    Comparison(
        "street",
        _levels(
            ("exact", 0.75, 0.0005),
            ("close", 0.1, 0.0002),
            ("house_number", 0.05, 0.003),
            ("other_house", 0.001, 0.9),
            ("house_typo", 0.01, 0.005),
            ("different", 0.077, 0.0913),
        ),
        _street,
    ),
    Comparison(
        "organization",
        _levels(("exact", 0.8, 0.05), ("different", 0.2, 0.95)),
        _employer,
        tf=lambda r: r.org,
    ),
)

ORGANIZATIONS = (
    Comparison(
        "name",
        _levels(
            ("exact", 0.55, 0.0005),
            ("close", 0.15, 0.0005),
            ("contained", 0.15, 0.002),
            ("alike", 0.10, 0.02),
            ("different", 0.05, 0.9770),
        ),
        _org_name,
        tf=lambda r: r.full,
    ),
    Comparison(
        "street",
        _levels(
            ("exact", 0.75, 0.0005),
            ("close", 0.15, 0.0003),
            ("house_number", 0.04, 0.003),
            ("other_house", 0.001, 0.9),
            ("house_typo", 0.01, 0.005),
            ("different", 0.037, 0.0912),
        ),
        _street,
    ),
    Comparison(
        "postcode",
        _levels(("exact", 0.85, 0.03), ("area", 0.05, 0.1), ("different", 0.1, 0.87)),
        _postcode,
    ),
    Comparison(
        "phone",
        _levels(("exact", 0.85, 0.0005), ("last_digits", 0.05, 0.001), ("different", 0.1, 0.9985)),
        _org_phone,
        tf=lambda r: r.phones,
    ),
    Comparison("domain", _levels(("exact", 0.9, 0.001), ("different", 0.1, 0.999)), _domain),
    Comparison(
        "email",
        _levels(
            ("exact", 0.7, 0.0001),
            ("local_part", 0.05, 0.001),
            ("typo", 0.05, 0.002),
            ("different", 0.2, 0.9969),
        ),
        _email,
    ),
    Comparison(
        "city",
        _levels(("exact", 0.85, 0.2), ("close", 0.05, 0.01), ("different", 0.1, 0.79)),
        _city,
    ),
)

COMPARISONS = {"people": PEOPLE, "organizations": ORGANIZATIONS}
