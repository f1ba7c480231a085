"""The batch scan over plain records: estimate the model, then score every candidate pair."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from sambandh.dedupe.engine.blocking import RULES, BlockStats, candidate_pairs
from sambandh.dedupe.engine.compare import COMPARISONS
from sambandh.dedupe.engine.model import Model, Pattern
from sambandh.dedupe.engine.records import MatchRecord

#: A pair at or above this match probability is reported as a duplicate.
THRESHOLD = 0.5
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
    prior: float = 0.0


def fit_model(kind: str, records: Sequence[MatchRecord], *, estimate: bool | str = True) -> Model:
    """The model for ``kind`` ("people" or "organizations"): defaults, then u from random pairs
    and m and the prior from EM over the candidate pairs, when ``estimate``."""
    model = Model(COMPARISONS[kind])
    if not estimate or len(records) < 50:
        return model
    model.estimate_u(records, U_SAMPLES)
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
    for a, b, rule in candidate_pairs(records, RULES[kind], stats.blocking):
        pattern = model.pattern(records[a], records[b])
        probability = model.probability(pattern, weights)
        if probability >= threshold:
            stats.matches += 1
            yield ScoredPair(
                records[a], records[b], probability, model.reasons(pattern, weights), rule
            )
