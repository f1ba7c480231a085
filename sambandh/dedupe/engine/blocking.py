"""Blocking: only pairs of records that share a key under at least one rule are compared.

The rules are OR-ed; a pair that two rules find is compared once (by the first rule that
finds it: a later rule skips a pair an earlier rule's keys already join). A key shared by more
than ``MAX_BLOCK`` records (a common name in one city) is skipped: it would cost quadratic
time and its pairs are rarely true; the scan reports how many it skipped."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from sambandh.dedupe.engine.normalize import phonetic, sound_key
from sambandh.dedupe.engine.records import MatchRecord

MAX_BLOCK = 100

Rule = Callable[[MatchRecord], list[str]]


def _sound(word: str) -> str:
    return sound_key(word)


def _meta(word: str) -> str:
    return phonetic(word)[0] if word else ""


def _all(*parts: str) -> list[str]:
    return ["|".join(parts)] if all(parts) else []


def _spelling_keys(word: str) -> set[str]:
    """Keys equal for two spellings of a word one slip apart: its letters sorted (any
    transposition: "eloilt" / "elliot", "writhg" / "wright") and, for a word of four letters
    or more, its letters sorted with one left out (a letter added, dropped or mistyped:
    "oievr" / "oliver", "harleyk" / "harley"), as in SymSpell's deletion neighbourhood."""
    keys = {"".join(sorted(word))}
    if len(word) >= 4:
        for i in range(len(word)):
            keys.add("".join(sorted(word[:i] + word[i + 1 :])))
    return keys


_LETTERS = re.compile(r"[a-z]{3,}")


def _name_words(r: MatchRecord) -> set[str]:
    """The words a person's name is made of, wherever they were written: the given and family
    names, the full name's words, the nickname's canonical form and the letters of the email's
    local part ("isabelleh97" -> "isabelleh", "l.armstrong" -> "armstrong")."""
    words = {r.given, r.family, r.given_canon, *r.full.split()}
    words.update(_LETTERS.findall(r.email_local))
    return {w for w in words if len(w) >= 2}


def _name_spellings(r: MatchRecord) -> list[str]:
    keys: set[str] = set()
    for word in _name_words(r):
        keys |= _spelling_keys(word)
        keys.add("~" + _sound(word))
    return sorted(keys)


def _year_buckets(r: MatchRecord) -> list[str]:
    """Two overlapping two-year spans holding the year of birth: two years a year apart share
    one."""
    if not r.birth:
        return []
    year = r.birth.year
    return [f"{year // 2}", f"{(year + 1) // 2}'"]


PEOPLE_RULES: dict[str, Rule] = {
    "email": lambda r: sorted(r.emails),
    "phone": lambda r: sorted(r.phones),
    "family_sound_birth_year": lambda r: _all(
        _sound(r.family), str(r.birth.year) if r.birth else ""
    ),
    "given_birth_date": lambda r: _all(r.given_canon, r.birth.isoformat() if r.birth else ""),
    "birth_date_family_initial": lambda r: _all(
        r.birth.isoformat() if r.birth else "", r.family[:1]
    ),
    "postcode_family_prefix": lambda r: _all(r.postcode, r.family[:2]),
    "family_metaphone_given_initial": lambda r: _all(_meta(r.family), r.given[:1]),
    "given_city": lambda r: _all(r.given_canon, r.city),
    "email_local_part": lambda r: _all(r.email_local),
    "birth_date": lambda r: _all(r.birth.isoformat() if r.birth else ""),
    "given_family_sound": lambda r: _all(_sound(r.given_canon), _sound(r.family)),
    "swapped_names": lambda r: _all(_sound(r.family), _sound(r.given)),
    "names_metaphone_either_order": lambda r: _all(*sorted((_meta(r.given), _meta(r.family)))),
    "city_family_sound": lambda r: _all(r.city, _sound(r.family)),
    "birth_month_given_initial": lambda r: _all(
        r.birth.strftime("%Y%m") if r.birth else "", r.given[:1]
    ),
    "name_spelling": _name_spellings,
    "city_start_birth_years": lambda r: (
        [f"{r.city[:2]}|{b}" for b in _year_buckets(r)] if r.city else []
    ),
}

ORGANIZATION_RULES: dict[str, Rule] = {
    "phone": lambda r: sorted(r.phones),
    "domain": lambda r: _all(r.domain),
    "email": lambda r: sorted(r.emails),
    "postcode_house": lambda r: _all(r.postcode, r.house),
    "house_street_word": lambda r: _all(r.house, _sound(r.street.split()[-1] if r.street else "")),
    "house_street_sound": lambda r: _all(
        r.house, _sound(max(r.street.split(), key=len, default=""))
    ),
    "name": lambda r: _all(r.full),
    "house_number": lambda r: _all(r.house),
    "name_start": lambda r: _all(" ".join(r.name_sound[:2])),
}

RULES = {"people": PEOPLE_RULES, "organizations": ORGANIZATION_RULES}


@dataclass
class BlockStats:
    candidate_pairs: int = 0
    skipped_blocks: int = 0
    skipped_pairs: int = 0


#: Per rule, the blocks worth comparing: each a sorted tuple of record indexes (2 to
#: ``MAX_BLOCK`` of them; a key only one record has is dropped as it is read).
Blocks = list[list[tuple[int, ...]]]


def rule_blocks(
    records: Sequence[MatchRecord], rule: Rule, stats: BlockStats | None = None
) -> list[tuple[int, ...]]:
    """The blocks of one rule. Keys are kept as hashes (two keys that collide only add a
    candidate pair, which scoring then judges); a key past ``MAX_BLOCK`` records stops
    growing as soon as it passes it, so a common key costs no more memory than a rare one."""
    stats = stats if stats is not None else BlockStats()
    index: dict[int, list[int] | None] = {}
    sizes: dict[int, int] = defaultdict(int)
    cap = MAX_BLOCK
    for i, record in enumerate(records):
        # In the rule's order (not a set's), so the blocks come in the same order every run.
        for key in dict.fromkeys(hash(value) for value in rule(record)):
            members = index.get(key, ())
            if members is None:
                sizes[key] += 1
            elif len(members) >= cap:
                index[key] = None
                sizes[key] = cap + 1
            elif members:
                members.append(i)
            else:
                index[key] = [i]
    for size in sizes.values():
        stats.skipped_blocks += 1
        stats.skipped_pairs += size * (size - 1) // 2
    return [tuple(m) for m in index.values() if m is not None and len(m) > 1]


def all_blocks(
    records: Sequence[MatchRecord], rules: dict[str, Rule], stats: BlockStats | None = None
) -> Blocks:
    return [rule_blocks(records, rule, stats) for rule in rules.values()]


def shard_pairs(blocks: Blocks, n: int, lo: int, hi: int) -> Iterator[tuple[int, int, int]]:
    """(index a, index b, rule number) for every candidate pair with ``lo <= a < hi``, a < b,
    each pair once (named by the first rule that finds it). The pairs already given are
    remembered as integers for this shard only, so a scan split into shards holds one shard's
    worth at a time."""
    seen: set[int] = set()
    for number, rule_blocks_ in enumerate(blocks):
        for members in rule_blocks_:
            if members[-1] < lo or members[0] >= hi:
                continue
            start = bisect_left(members, lo)
            for x in range(start, len(members) - 1):
                a = members[x]
                if a >= hi:
                    break
                base = a * n
                for b in members[x + 1 :]:
                    pair = base + b
                    if pair in seen:
                        continue
                    seen.add(pair)
                    yield a, b, number


def candidate_pairs(
    records: Sequence[MatchRecord], rules: dict[str, Rule], stats: BlockStats | None = None
) -> Iterator[tuple[int, int, str]]:
    """(index a, index b, rule) for every candidate pair, a < b, each pair once (the first
    rule that finds it names it), in one shard (for a benchmark or the model's estimation; the
    scan itself goes shard by shard, see ``engine.scan``)."""
    stats = stats if stats is not None else BlockStats()
    names = list(rules)
    blocks = all_blocks(records, rules, stats)
    for a, b, number in shard_pairs(blocks, len(records), 0, len(records)):
        stats.candidate_pairs += 1
        yield a, b, names[number]
