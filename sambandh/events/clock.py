"""The time the worker believes it is. Normally the real time; `sambandh worker --now` (and the
tests) pass one in, so scheduled slots, leases and retries are decided without waiting."""

from __future__ import annotations

import contextlib
import datetime
from collections.abc import Iterator

from django.utils import timezone

_override: datetime.datetime | None = None


def now() -> datetime.datetime:
    return _override if _override is not None else timezone.now()


@contextlib.contextmanager
def frozen(at: datetime.datetime | None) -> Iterator[None]:
    """Within the block, ``now()`` answers ``at`` (when given)."""
    global _override
    previous = _override
    if at is not None:
        _override = at
    try:
        yield
    finally:
        _override = previous
