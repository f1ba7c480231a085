"""Load demo data.

``small`` writes every record through the real services, so it is cleaned, audited and indexed
for search exactly as a user's would be; then it moves dates into the past (creation times, stage
changes, task completions) in the same transaction, so the history reads like a year of work.
``large`` (see ``bulk/``) writes the same kind of rows in bulk for the benchmarks.

Both are deterministic: a fixed random seed, with dates relative to now.

Each size has its own package (``small/``, ``bulk/``); what both set up is in ``staff.py``, what
a load returns in ``result.py``, and the exchange rates loaded after either in ``rates.py``.
"""

from __future__ import annotations

import time
from typing import Any

from sambandh.accounts.models import User
from sambandh.demo.rates import DEMO_EUR_RATES, demo_rates_load
from sambandh.demo.result import DemoAlreadyLoaded, DemoResult
from sambandh.demo.small import load_small

__all__ = [
    "DEMO_EUR_RATES",
    "DemoAlreadyLoaded",
    "DemoResult",
    "demo_rates_load",
    "load_demo",
    "load_small",
]


def load_demo(size: str = "small", *, admin: User, stdout: Any = None, **sizes: Any) -> DemoResult:
    """Load the demo data of ``size`` ("small" or "large"), with ``admin`` as the administrator
    who set it up (and who gets tasks of their own). ``sizes`` overrides the large counts."""
    started = time.monotonic()
    if size == "small":
        result = load_small(admin=admin, stdout=stdout)
    elif size == "large":
        from sambandh.demo.bulk import load_large

        result = load_large(admin=admin, stdout=stdout, **sizes)
    else:
        raise ValueError(f"unknown demo size {size!r}: use small or large")
    demo_rates_load()
    result.seconds = time.monotonic() - started
    return result
