"""How many rows a list holds, told cheaply: exactly up to a cap, and above it as the database's
estimate (PostgreSQL's planner) or, where there is none (SQLite), an exact count. A list page
never waits for it: the page asks for its count once it has been shown (web/static/web/lists.js).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

from django.db import DatabaseError, connections

#: Up to this many rows the count is exact.
EXACT_UP_TO = 10_000


@dataclass(frozen=True)
class Count:
    value: int
    exact: bool

    @property
    def rounded(self) -> int:
        """An estimate to three significant figures (12,437 -> 12,400); an exact count as it is."""
        if self.exact or self.value < 1000:
            return self.value
        step = 10 ** (int(math.log10(self.value)) - 2)
        return int(round(self.value / step) * step)


def _planned_rows(qs: Any) -> int | None:
    try:
        plan = json.loads(qs.explain(format="json"))
        return int(plan[0]["Plan"]["Plan Rows"])
    except (DatabaseError, ValueError, KeyError, IndexError, TypeError):
        return None


def approximate_count(qs: Any, *, exact_up_to: int | None = None) -> Count:
    """The rows of ``qs`` (already limited to what the viewer may see): exact up to
    ``exact_up_to`` (EXACT_UP_TO), an estimate above it."""
    if exact_up_to is None:
        exact_up_to = EXACT_UP_TO
    qs = qs.order_by()
    seen = qs[: exact_up_to + 1].count()
    if seen <= exact_up_to:
        return Count(seen, exact=True)
    if connections[qs.db].vendor == "postgresql":
        planned = _planned_rows(qs)
        if planned is not None:
            return Count(max(planned, seen), exact=False)
    return Count(qs.count(), exact=False)
