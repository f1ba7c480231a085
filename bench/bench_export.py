"""The people export, in-process (the plan, the selector's queryset on a server-side cursor, the
CSV writer; no server): rows per second and peak memory, for every person the admin sees (or a
rep's, ``--as rep``), on the database at ``--database-url``.

    .venv/bin/python -m bench.bench_export --database-url postgres://postgres@127.0.0.1:5432/h_x

Baseline: the same rows' columns read with the driver alone (one SELECT on a server-side cursor,
no Python per row beyond the tuple) in the same run. Memory: the process's peak resident size
before and after (``ru_maxrss``), and, with ``--tracemalloc``, the peak of Python's own
allocations during the export (slower: tracing costs time). Flat memory means the peak does not
grow with the number of rows.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def _setup(url: str, migrate: bool) -> None:
    """Django on ``url``: migrated, with the small demo data loaded when it has no people (or,
    ``migrate`` False, as it is: a shared benchmark database is only read)."""
    sys.path.insert(0, str(ROOT))
    if migrate:
        from bench.common import prepare_database

        prepare_database(url, "small")
        return
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _viewer(who: str) -> Any:
    from bench.common import admin_user, bench_user

    return admin_user() if who == "admin" else bench_user()


def export_once(viewer: Any, fmt: str, limit: int | None) -> tuple[int, int, float]:
    """Rows and bytes written, and seconds, for one export to nowhere."""
    from django.db import transaction

    from sambandh.exports.responses import export_response
    from sambandh.exports.selectors import export_plan

    plan = export_plan(viewer=viewer, record_type="person")
    if limit:
        plan = _limited(plan, limit)
    started = time.perf_counter()
    size = 0
    # Outside a transaction, as a request runs (autocommit): PostgreSQL's cursor is WITH HOLD.
    assert not transaction.get_connection().in_atomic_block
    response = export_response(plan, fmt)
    if fmt == "xlsx":
        with response.file_to_stream as f:
            size = len(f.read())
    else:
        for piece in response.streaming_content:
            size += len(piece)
    seconds = time.perf_counter() - started
    from sambandh.core.models import AuditEvent

    audit = AuditEvent.objects.filter(action="export").order_by("-id").first()
    assert audit is not None
    return audit.changes["rows"], size, seconds


def _limited(plan: Any, limit: int) -> Any:
    from dataclasses import replace

    return replace(plan, queryset=plan.queryset[:limit])


def baseline(viewer: Any, limit: int | None) -> tuple[int, float]:
    """The same people, the same order, read with the driver alone."""
    from django.db import connection

    from sambandh.exports.selectors import export_plan

    plan = export_plan(viewer=viewer, record_type="person")
    qs = plan.queryset.values_list(
        "id", "full_name", "email", "phone", "job_title", "country", "contact_card", "custom"
    )
    if limit:
        qs = qs[:limit]
    sql, params = qs.query.sql_with_params()
    started = time.perf_counter()
    rows = 0
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while batch := cursor.fetchmany(2000):
            rows += len(batch)
    return rows, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    parser.add_argument("--as", dest="who", choices=["admin", "rep"], default="admin")
    parser.add_argument("--format", choices=["csv", "xlsx", "vcf"], default="csv")
    parser.add_argument("--limit", type=int, default=None, help="export at most this many rows")
    parser.add_argument("--tracemalloc", action="store_true")
    parser.add_argument(
        "--no-migrate", action="store_true", help="read the database as it is (no migrate)"
    )
    args = parser.parse_args()
    if not args.database_url:
        raise SystemExit("Give --database-url (or DATABASE_URL).")
    _setup(args.database_url, migrate=not args.no_migrate)
    viewer = _viewer(args.who)
    base_rows, base_seconds = baseline(viewer, args.limit)
    rss_before = _peak_mb()
    if args.tracemalloc:
        tracemalloc.start()
    rows, size, seconds = export_once(viewer, args.format, args.limit)
    traced = tracemalloc.get_traced_memory()[1] / 2**20 if args.tracemalloc else None
    rss_after = _peak_mb()
    vendor = args.database_url.split(":", 1)[0]
    print(f"database: {vendor}; viewer: {args.who} ({viewer.email}); format: {args.format}")
    print(f"export:   {rows:,} rows, {size / 2**20:,.1f} MiB in {seconds:,.1f} s")
    print(f"          {rows / seconds:,.0f} rows/s")
    print(f"baseline: {base_rows:,} rows read by the driver in {base_seconds:,.1f} s")
    print(
        f"          {base_rows / base_seconds:,.0f} rows/s; export / baseline = "
        f"{(rows / seconds) / (base_rows / base_seconds):.2f}"
    )
    print(
        f"memory:   peak RSS {rss_before:,.0f} MiB before, {rss_after:,.0f} MiB after "
        f"(+{rss_after - rss_before:,.0f} MiB)"
    )
    if traced is not None:
        print(f"          peak traced Python allocations during the export: {traced:,.1f} MiB")


if __name__ == "__main__":
    main()
