"""Fellegi-Sunter scoring: each comparison level adds log2(m/u) to the pair's weight; the
weight plus the prior odds of a match gives the match probability.

``estimate`` re-estimates m and the prior by expectation-maximisation over the level patterns
of the blocked candidate pairs (u is kept from the defaults, or from random pairs, as splink
does), so no labelled pairs are needed."""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from sambandh.dedupe.engine.compare import NULL, Comparison
from sambandh.dedupe.engine.records import MatchRecord

Pattern = tuple[int, ...]
#: m and u are kept within these bounds, so one level never decides a pair alone.
_FLOOR = 1e-5


@dataclass
class Model:
    comparisons: Sequence[Comparison]
    m: list[list[float]] = field(default_factory=list)
    u: list[list[float]] = field(default_factory=list)
    #: Prior probability that a blocked candidate pair is a match.
    prior: float = 0.05

    def __post_init__(self) -> None:
        if not self.m:
            self.m = [[lv.m for lv in c.levels] for c in self.comparisons]
        if not self.u:
            self.u = [[lv.u for lv in c.levels] for c in self.comparisons]

    def pattern(self, a: MatchRecord, b: MatchRecord) -> Pattern:
        return tuple(c.compare(a, b) for c in self.comparisons)

    def weights(self) -> list[list[float]]:
        return [
            [math.log2(max(m, _FLOOR) / max(u, _FLOOR)) for m, u in zip(ms, us, strict=True)]
            for ms, us in zip(self.m, self.u, strict=True)
        ]

    def probability(self, pattern: Pattern, weights: list[list[float]] | None = None) -> float:
        weights = weights or self.weights()
        total = math.log2(self.prior / (1 - self.prior))
        for i, level in enumerate(pattern):
            if level != NULL:
                total += weights[i][level]
        return 1 / (1 + 2 ** (-max(min(total, 60), -60)))

    def reasons(self, pattern: Pattern, weights: list[list[float]] | None = None) -> list[str]:
        """``comparison:level`` for every comparison that spoke for the match, strongest
        first."""
        weights = weights or self.weights()
        found = [
            (
                weights[i][level],
                f"{self.comparisons[i].key}:{self.comparisons[i].levels[level].code}",
            )
            for i, level in enumerate(pattern)
            if level != NULL and weights[i][level] > 0
        ]
        return [code for _w, code in sorted(found, reverse=True)]

    def estimate_u(self, records: Sequence[MatchRecord], samples: int, seed: int = 7) -> None:
        """u from random pairs, nearly all of them different records."""
        if len(records) < 2:
            return
        rng = random.Random(seed)
        counts = [[1.0] * len(c.levels) for c in self.comparisons]
        for _ in range(samples):
            a, b = rng.sample(range(len(records)), 2)
            for i, level in enumerate(self.pattern(records[a], records[b])):
                if level != NULL:
                    counts[i][level] += 1
        self.u = [[x / sum(row) for x in row] for row in counts]

    def estimate(self, patterns: Counter[Pattern], iterations: int = 25) -> None:
        """m and the prior by EM over the candidate pairs' patterns (u held)."""
        if not patterns:
            return
        items: Iterable[tuple[Pattern, int]] = list(patterns.items())
        for _ in range(iterations):
            weights = self.weights()
            m_counts = [[0.5] * len(c.levels) for c in self.comparisons]
            matched = 0.0
            total = 0
            for pattern, count in items:
                p = self.probability(pattern, weights) * count
                matched += p
                total += count
                for i, level in enumerate(pattern):
                    if level != NULL:
                        m_counts[i][level] += p
            self.prior = min(max(matched / total, 1e-4), 0.9)
            self.m = [[x / sum(row) for x in row] for row in m_counts]
