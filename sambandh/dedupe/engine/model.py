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
#: The lowest frequency a term-frequency adjustment assumes (a value shared by two records
#: of a million is not taken as a near-certain match on its own).
TF_FLOOR = 1e-4
#: Random pairs with both sides of a comparison needed to estimate its u from them.
U_MIN_OBSERVED = 200


def to_probability(weight: float) -> float:
    return 1 / (1 + 2 ** (-max(min(weight, 60), -60)))


@dataclass
class Model:
    comparisons: Sequence[Comparison]
    m: list[list[float]] = field(default_factory=list)
    u: list[list[float]] = field(default_factory=list)
    #: Prior probability that a blocked candidate pair is a match.
    prior: float = 0.05
    #: Per comparison with a ``tf`` getter, each value's share of the records that have one.
    frequencies: list[dict[str, float] | None] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.m:
            self.m = [[lv.m for lv in c.levels] for c in self.comparisons]
        if not self.u:
            self.u = [[lv.u for lv in c.levels] for c in self.comparisons]
        self._compare = [c.compare for c in self.comparisons]
        self._tf = [c.tf for c in self.comparisons]

    def pattern(self, a: MatchRecord, b: MatchRecord) -> Pattern:
        return tuple([compare(a, b) for compare in self._compare])

    def estimate_tf(self, records: Sequence[MatchRecord]) -> None:
        """Each value's frequency, for the comparisons adjusted by term frequency."""
        self.frequencies = []
        for c in self.comparisons:
            if c.tf is None:
                self.frequencies.append(None)
                continue
            counts: Counter[str] = Counter()
            for r in records:
                value = c.tf(r)
                if isinstance(value, str):
                    if value:
                        counts[value] += 1
                else:
                    counts.update(value)
            total = sum(counts.values()) or 1
            self.frequencies.append({v: n / total for v, n in counts.items() if n > 1})

    def tf_weights(self) -> list[dict[str, float] | None]:
        """Per adjusted comparison, the weight of an exact agreement on each repeated value:
        log2(m / frequency), the chance that a random other record has that value standing
        in for u (a value seen once cannot be shared, so it is not listed)."""
        if not self.frequencies:
            return [None] * len(self.comparisons)
        tables: list[dict[str, float] | None] = []
        for i, freq in enumerate(self.frequencies):
            if freq is None:
                tables.append(None)
                continue
            m = max(self.m[i][0], _FLOOR)
            tables.append({v: math.log2(m / max(f, TF_FLOOR)) for v, f in freq.items()})
        return tables

    def weight(
        self,
        pattern: Pattern,
        a: MatchRecord,
        b: MatchRecord,
        weights: list[list[float]],
        tf: list[dict[str, float] | None],
    ) -> float:
        """The pair's total weight (log2 odds) with the term-frequency adjustments."""
        total = math.log2(self.prior / (1 - self.prior))
        for i, level in enumerate(pattern):
            if level == NULL:
                continue
            table = tf[i]
            if level == 0 and table is not None:
                getter = self._tf[i]
                assert getter is not None
                value = getter(a)
                if isinstance(value, str):
                    total += table.get(value, weights[i][0])
                else:
                    shared = value & getter(b)  # type: ignore[operator]
                    total += max(table.get(v, weights[i][0]) for v in shared)
            else:
                total += weights[i][level]
        return total

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

    def against(self, pattern: Pattern, weights: list[list[float]] | None = None) -> list[str]:
        """``-comparison:level`` for every comparison that spoke against the match, strongest
        first (what a reviewer weighs before a merge: "the given names differ")."""
        weights = weights or self.weights()
        found = [
            (
                weights[i][level],
                f"-{self.comparisons[i].key}:{self.comparisons[i].levels[level].code}",
            )
            for i, level in enumerate(pattern)
            if level != NULL and weights[i][level] < 0
        ]
        return [code for _w, code in sorted(found)]

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
        # A comparison that random pairs rarely have both sides of (birth dates nobody
        # entered) keeps its default u: a handful of pairs would make every level equally
        # likely.
        self.u = [
            [x / sum(row) for x in row] if sum(row) - len(row) >= U_MIN_OBSERVED else default
            for row, default in zip(counts, self.u, strict=True)
        ]

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
