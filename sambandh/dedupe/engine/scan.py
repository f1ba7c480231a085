"""The batch scan over plain records: estimate the model, then score every candidate pair."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from sambandh.dedupe.engine.blocking import RULES, BlockStats, candidate_pairs
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


def scan_records(
    kind: str,
    records: Sequence[MatchRecord],
    *,
    model: Model | None = None,
    threshold: float = THRESHOLD,
    stats: ScanStats | None = None,
) -> Iterator[ScoredPair]:
    """Every candidate pair at or above ``threshold``, as it is scored (never all kept)."""
    stats = stats if stats is not None else ScanStats()
    stats.records = len(records)
    model = model or fit_model(kind, records)
    stats.prior = model.prior
    weights = model.weights()
    tf = model.tf_weights()
    groups = _Groups()
    for a, b, rule in candidate_pairs(records, RULES[kind], stats.blocking):
        pattern = model.pattern(records[a], records[b])
        probability = to_probability(model.weight(pattern, records[a], records[b], weights, tf))
        if probability >= threshold:
            stats.matches += 1
            groups.join(a, b)
            yield ScoredPair(
                records[a], records[b], probability, model.reasons(pattern, weights), rule
            )
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
                    reasons = [*model.reasons(pattern, weights), "linked:chain"]
                    yield ScoredPair(records[a], records[b], probability, reasons, "linked")


class _Groups:
    """Union-find over the records of the pairs found (only those: memory grows with the
    duplicates, not with the candidate pairs), remembering which pairs were reported."""

    def __init__(self) -> None:
        self.parent: dict[int, int] = {}
        self.pairs: set[tuple[int, int]] = set()

    def _root(self, x: int) -> int:
        parent = self.parent
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def join(self, a: int, b: int) -> None:
        self.pairs.add((min(a, b), max(a, b)))
        self.parent[self._root(a)] = self._root(b)

    def seen(self, a: int, b: int) -> bool:
        return (min(a, b), max(a, b)) in self.pairs

    def members(self) -> list[list[int]]:
        found: dict[int, list[int]] = {}
        for x in list(self.parent):
            found.setdefault(self._root(x), []).append(x)
        return [sorted(m) for m in found.values()]
