"""API rate limits per token: at most ``API_RATE_LIMIT`` requests in each fixed window of
``API_RATE_WINDOW`` seconds, then 429 with ``Retry-After`` until the window ends.

Counted in the database (``ApiRateWindow``), as sign-in failures are: every worker process, on
one machine or many, shares the count without a cache server, on SQLite and PostgreSQL alike.
One statement adds to the count and reads the total at once (an upsert with ``RETURNING``), so
two workers cannot both take the last request of a window.

A statement per request would undo the read lane (docs/decisions/0004: a record read is one
statement, and every reader of one token would queue on the same row). So each process counts
its requests in memory and adds them to the shared row in batches of ``limit // 50`` (at least
1): a token may overshoot by at most a batch per worker process, a window's last unflushed
requests of a process are not counted, and once a process has seen the total past the limit it
refuses the rest of the window without asking the database again.
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection
from django.utils.translation import gettext_lazy, ngettext

from sambandh.core.errors import ServiceError
from sambandh.security.models import ApiRateWindow


class ApiRateLimited(ServiceError):
    """This token made its window's requests; ``retry_after`` seconds until the next window."""

    status = 429
    code = "rate_limited"
    default_message = gettext_lazy("Too many requests.")

    def __init__(self, *, retry_after: int) -> None:
        super().__init__(
            ngettext(
                "Too many requests with this token. Try again in %(seconds)d second.",
                "Too many requests with this token. Try again in %(seconds)d seconds.",
                retry_after,
            )
            % {"seconds": retry_after}
        )
        self.retry_after = retry_after


def _count(key: str, window: int, adding: int) -> int:
    q = connection.ops.quote_name
    table, hits = q(ApiRateWindow._meta.db_table), q("hits")
    columns = f"{q('key')}, {q('window_start')}"
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({columns}, {hits}) VALUES (%s, %s, %s) "  # noqa: S608 - names
            f"ON CONFLICT ({columns}) DO UPDATE SET {hits} = {table}.{hits} + %s "
            f"RETURNING {hits}",
            [key, window, adding, adding],
        )
        row = cursor.fetchone()
    return int(row[0]) if row else 0


#: A process adds its requests to the shared count every limit // BATCH_DIVISOR requests.
BATCH_DIVISOR = 50


@dataclass
class _Tally:
    shared: int = 0  # the total the database answered at this process's last flush
    pending: int = 0  # this process's requests not added yet


@dataclass
class _Window:
    start: int = -1
    tokens: dict[int, _Tally] = field(default_factory=dict)


_lock = threading.Lock()
_window = _Window()


def forget() -> None:
    """Drops this process's counts (tests start from the database's, which they roll back)."""
    global _window
    with _lock:
        _window = _Window()


def api_request_count(*, token_id: int, now: float | None = None) -> None:
    """Counts one request of the token; ApiRateLimited when it is past the window's limit
    (refused requests count too: hammering does not help). No-op when the limit is 0."""
    global _window
    limit = int(settings.API_RATE_LIMIT)
    if limit <= 0:
        return
    span = max(1, int(settings.API_RATE_WINDOW))
    now = time.time() if now is None else now
    start = int(now // span) * span
    retry_after = max(1, math.ceil(start + span - now))
    batch = max(1, limit // BATCH_DIVISOR)
    with _lock:
        if _window.start != start:
            _window = _Window(start=start)
        tally = _window.tokens.setdefault(token_id, _Tally())
        if tally.shared > limit:
            raise ApiRateLimited(retry_after=retry_after)
        tally.pending += 1
        if tally.pending < batch and tally.shared + tally.pending <= limit:
            return
        adding, tally.pending = tally.pending, 0
    total = _count(f"token:{token_id}", start, adding)
    with _lock:
        tally.shared = total
    if total > limit:
        raise ApiRateLimited(retry_after=retry_after)


def api_windows_purge(*, before: float) -> int:
    """Deletes the windows that ended before ``before`` (seconds since the epoch)."""
    span = max(1, int(settings.API_RATE_WINDOW))
    return int(ApiRateWindow.objects.filter(window_start__lt=before - span).delete()[0])
