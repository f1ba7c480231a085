"""The batch scan over plain records: estimate the model, then score every candidate pair."""

from __future__ import annotations

import gc
import multiprocessing as mp
import os
import threading
from collections import Counter, deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from sambandh.dedupe.engine.blocking import (
    RULES,
    Blocks,
    BlockStats,
    all_blocks,
    candidate_pairs,
    shard_pairs,
)
from sambandh.dedupe.engine.compare import COMPARISONS
from sambandh.dedupe.engine.model import Model, Pattern, to_probability
from sambandh.dedupe.engine.records import MatchRecord

#: A pair at or above this match probability is reported as a duplicate.
THRESHOLD = 0.8
#: Two records joined through others (A~B, B~C) are reported as a pair (A~C) when their own
#: probability reaches this: a chain of strong links is evidence the pair alone lacks.
LINKED_THRESHOLD = 0.2
#: Groups larger than this are not completed (a chain that long is more likely drift).
MAX_GROUP = 50
#: Candidate pairs the EM pass compares at most (a fixed sample of them past that).
EM_PAIRS = 200_000
U_SAMPLES = 50_000
#: Records and candidate pairs (counted with repeats) per shard at most: one shard's pairs
#: are remembered at a time, and a scan has enough shards to keep every process busy.
SHARD = 10_000
SHARD_PAIRS = 500_000
#: Fewer records than this are scanned in one process (forking costs more than it saves).
PARALLEL_FROM = 20_000
#: The prior of a scan, the chance that two records taken at random are the same: the true pairs
#: expected over all pairs. Pairs that share an email address or a phone number (the blocks of
#: these rules) are taken as about half of the true pairs, and at least one record in a
#: hundred as having a duplicate. The comparisons' default m and u were set with the scan's
#: pairs in view, not all pairs, which ``CALIBRATION_BITS`` makes up for (fitted on the two
#: truth sets of bench/bench_dedupe.py); the prior never exceeds the model's default.
STRONG_RULES = ("email", "phone")
STRONG_SHARE = 0.5
MIN_DUPLICATE_SHARE = 0.01
CALIBRATION_BITS = 4.0


@dataclass
class ScoredPair:
    a: MatchRecord
    b: MatchRecord
    probability: float
    reasons: list[str]
    rule: str


@dataclass
class ScanStats:
    records: int = 0
    blocking: BlockStats = field(default_factory=BlockStats)
    matches: int = 0
    linked: int = 0
    prior: float = 0.0
    workers: int = 1
    shards: int = 0
    shards_done: int = 0


def fit_model(kind: str, records: Sequence[MatchRecord], *, estimate: bool | str = True) -> Model:
    """The model for ``kind`` ("people" or "organizations"): defaults, then u from random pairs
    and m and the prior from EM over the candidate pairs, when ``estimate``."""
    model = Model(COMPARISONS[kind])
    if not estimate or len(records) < 50:
        return model
    model.estimate_u(records, U_SAMPLES)
    model.estimate_tf(records)
    if estimate != "em":
        return model
    patterns: Counter[Pattern] = Counter()
    stats = BlockStats()
    total = sum(1 for _ in candidate_pairs(records, RULES[kind], BlockStats()))
    step = max(1, total // EM_PAIRS)
    for n, (a, b, _rule) in enumerate(candidate_pairs(records, RULES[kind], stats)):
        if n % step == 0:
            patterns[model.pattern(records[a], records[b])] += 1
    model.estimate(patterns)
    return model


def scale_prior(n: int, names: Sequence[str], blocks: Blocks, ceiling: float) -> float:
    """The prior for a scan of ``n`` records (see ``STRONG_RULES``).

    A fixed prior does not scale: among a million people a common name is shared by dozens of
    strangers, millions of pairs of them in all, against tens of thousands of true pairs. The
    expected true pairs grow with the records, all pairs with their square: with the prior at
    their ratio, two records need more than a shared name to be reported in a large set, and
    no more than before in a small one."""
    if n < 2:
        return ceiling
    strong = sum(
        len(members) * (len(members) - 1) // 2
        for name, rule_blocks in zip(names, blocks, strict=True)
        if name in STRONG_RULES
        for members in rule_blocks
    )
    expected = max(strong / STRONG_SHARE, MIN_DUPLICATE_SHARE * n)
    return min(expected / (n * (n - 1) / 2) * 2**CALIBRATION_BITS, ceiling)


def default_workers() -> int:
    """The cores this process may use (the scan runs one scoring process per core)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


#: What the scoring processes read: set in the parent before they are forked, so they share
#: the records and blocks with it (copy on write) instead of receiving them pickled.
_WORK: dict[str, Any] = {}


def _score_shard(bounds: tuple[int, int]) -> tuple[int, list[tuple[int, int, float, Pattern, int]]]:
    """Score the candidate pairs whose first record lies in ``bounds``: how many there were,
    and those at or above the threshold (indexes, probability, level pattern, rule number)."""
    records: Sequence[MatchRecord] = _WORK["records"]
    model: Model = _WORK["model"]
    weights, tf, threshold = _WORK["weights"], _WORK["tf"], _WORK["threshold"]
    pattern_of, weight_of = model.pattern, model.weight
    count = 0
    found = []
    for a, b, number in shard_pairs(_WORK["blocks"], len(records), *bounds):
        count += 1
        ra, rb = records[a], records[b]
        pattern = pattern_of(ra, rb)
        probability = to_probability(weight_of(pattern, ra, rb, weights, tf))
        if probability >= threshold:
            found.append((a, b, probability, pattern, number))
    return count, found


def _can_fork() -> bool:
    """Whether the scoring processes can be forked safely: the platform forks, and this
    process runs no other thread (a thread holding a lock while forking would leave the child
    waiting on it forever)."""
    return "fork" in mp.get_all_start_methods() and threading.active_count() == 1


def _shards(n: int, blocks: Blocks) -> list[tuple[int, int]]:
    """Index ranges of the records holding about the same number of candidate pairs each
    (a pair belongs to the range of its first record, and early records own more of their
    blocks' pairs), at most ``SHARD`` records and about ``SHARD_PAIRS`` pairs a range: one
    range's pairs are held at a time. The ranges depend on the records only, not on the
    number of processes, so neither does the order of the pairs."""
    owned = [0] * n
    for rule_blocks in blocks:
        for members in rule_blocks:
            last = len(members) - 1
            for x in range(last):
                owned[members[x]] += last - x
    total = sum(owned)
    count = max(-(-n // SHARD), -(-total // SHARD_PAIRS), 1)
    target = total / count
    bounds: list[tuple[int, int]] = []
    lo = held = 0
    for i, pairs in enumerate(owned):
        held += pairs
        if held >= target or i + 1 - lo >= SHARD:
            bounds.append((lo, i + 1))
            lo, held = i + 1, 0
    if lo < n:
        bounds.append((lo, n))
    return bounds


def _scored_shards(
    shards: list[tuple[int, int]], workers: int
) -> Iterator[tuple[int, list[tuple[int, int, float, Pattern, int]]]]:
    """Each shard's result, in shard order: in ``workers`` forked processes when there are
    several and the platform can fork, else here. At most two shards a process are in hand at
    a time, so results the parent has not written yet do not pile up in its memory."""
    if workers > 1 and len(shards) > 1 and _can_fork():
        gc.freeze()  # the shared records stay shared: the collector does not touch them
        try:
            with mp.get_context("fork").Pool(workers) as pool:
                waiting = iter(shards)
                pending = deque(
                    pool.apply_async(_score_shard, (bounds,))
                    for bounds in islice(waiting, 2 * workers)
                )
                while pending:
                    result = pending.popleft().get()
                    following = next(waiting, None)
                    if following is not None:
                        pending.append(pool.apply_async(_score_shard, (following,)))
                    yield result
        finally:
            gc.unfreeze()
    else:
        for bounds in shards:
            yield _score_shard(bounds)


def scan_records(
    kind: str,
    records: Sequence[MatchRecord],
    *,
    model: Model | None = None,
    threshold: float = THRESHOLD,
    stats: ScanStats | None = None,
    workers: int = 1,
    on_shard: Callable[[ScanStats], None] | None = None,
) -> Iterator[ScoredPair]:
    """Every candidate pair at or above ``threshold``, as it is scored (never all kept), then
    the pairs the grouping step completes. ``workers`` processes score the candidate pairs
    (one shard of the records' pairs each at a time); the pairs come out in the same order
    whatever their number. ``on_shard`` hears of each shard scored (``stats`` so far)."""
    stats = stats if stats is not None else ScanStats()
    stats.records = len(records)
    rules = RULES[kind]
    names = list(rules)
    blocks = all_blocks(records, rules, stats.blocking)
    if model is None:
        model = fit_model(kind, records)
        model.prior = scale_prior(len(records), names, blocks, model.prior)
    stats.prior = model.prior
    weights = model.weights()
    tf = model.tf_weights()
    n = len(records)
    if workers > 1 and (n < PARALLEL_FROM or not _can_fork()):
        workers = 1
    stats.workers = workers
    _WORK.update(
        records=records, blocks=blocks, model=model, weights=weights, tf=tf, threshold=threshold
    )
    groups = _Groups(n)
    # A scan reports millions of pairs with a few hundred level patterns.
    reasons_of: dict[Pattern, list[str]] = {}
    try:
        shards = _shards(n, blocks)
        stats.shards = len(shards)
        for count, found in _scored_shards(shards, workers):
            stats.blocking.candidate_pairs += count
            stats.shards_done += 1
            for a, b, probability, pattern, number in found:
                stats.matches += 1
                groups.join(a, b)
                if pattern not in reasons_of:
                    reasons_of[pattern] = [
                        *model.reasons(pattern, weights),
                        *model.against(pattern, weights),
                    ]
                yield ScoredPair(
                    records[a], records[b], probability, list(reasons_of[pattern]), names[number]
                )
            if on_shard is not None:
                on_shard(stats)
    finally:
        _WORK.clear()
    del blocks
    # Complete each group: a pair the chain joins but the blocking or the score missed alone.
    for members in groups.members():
        if len(members) > MAX_GROUP:
            continue
        for x, a in enumerate(members):
            for b in members[x + 1 :]:
                if groups.seen(a, b):
                    continue
                pattern = model.pattern(records[a], records[b])
                probability = to_probability(
                    model.weight(pattern, records[a], records[b], weights, tf)
                )
                if probability >= LINKED_THRESHOLD:
                    stats.linked += 1
                    reasons = [
                        *model.reasons(pattern, weights),
                        "linked:chain",
                        *model.against(pattern, weights),
                    ]
                    yield ScoredPair(records[a], records[b], probability, reasons, "linked")


class _Groups:
    """Union-find over the records of the pairs found (only those: memory grows with the
    duplicates, not with the candidate pairs), remembering which pairs were reported (as
    integers)."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.parent: dict[int, int] = {}
        self.pairs: set[int] = set()

    def _root(self, x: int) -> int:
        parent = self.parent
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def join(self, a: int, b: int) -> None:
        self.pairs.add(min(a, b) * self.n + max(a, b))
        self.parent[self._root(a)] = self._root(b)

    def seen(self, a: int, b: int) -> bool:
        return min(a, b) * self.n + max(a, b) in self.pairs

    def members(self) -> list[list[int]]:
        found: dict[int, list[int]] = {}
        for x in list(self.parent):
            found.setdefault(self._root(x), []).append(x)
        return [sorted(m) for m in found.values()]
