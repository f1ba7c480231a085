"""API rate limits per token: at most ``API_RATE_LIMIT`` requests in each fixed window of
``API_RATE_WINDOW`` seconds, then 429 with ``Retry-After`` until the window ends.

Counted in the database (``ApiRateWindow``), as sign-in failures are: every worker process, on
one machine or many, shares the count without a cache server, on SQLite and PostgreSQL alike.
One statement per request counts and reads the count at once (an upsert with ``RETURNING``), so
two workers cannot both take the last request of a window.
"""

from __future__ import annotations

import math
import time

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


def _count(key: str, window: int) -> int:
    q = connection.ops.quote_name
    table, hits = q(ApiRateWindow._meta.db_table), q("hits")
    columns = f"{q('key')}, {q('window_start')}"
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({columns}, {hits}) VALUES (%s, %s, 1) "  # noqa: S608 - names
            f"ON CONFLICT ({columns}) DO UPDATE SET {hits} = {table}.{hits} + 1 RETURNING {hits}",
            [key, window],
        )
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def api_request_count(*, token_id: int, now: float | None = None) -> None:
    """Counts one request of the token; ApiRateLimited when it is past the window's limit
    (the refused request is counted too: hammering does not help). No-op when the limit is 0."""
    limit = int(settings.API_RATE_LIMIT)
    if limit <= 0:
        return
    span = max(1, int(settings.API_RATE_WINDOW))
    now = time.time() if now is None else now
    window = int(now // span) * span
    if _count(f"token:{token_id}", window) > limit:
        raise ApiRateLimited(retry_after=max(1, math.ceil(window + span - now)))


def api_windows_purge(*, before: float) -> int:
    """Deletes the windows that ended before ``before`` (seconds since the epoch)."""
    span = max(1, int(settings.API_RATE_WINDOW))
    return int(ApiRateWindow.objects.filter(window_start__lt=before - span).delete()[0])
