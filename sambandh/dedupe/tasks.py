"""The duplicate scan as a background task, run by `sambandh worker` (Django's tasks API)."""

from __future__ import annotations

from django.tasks import task


@task()
def scan_duplicates(kind: str) -> str:
    """Scan ``kind`` ("people" or "organizations") and refresh the review queue."""
    from sambandh.dedupe.scan import run_scan

    result = run_scan(kind, store=True)
    return f"{result.pairs} pairs"
