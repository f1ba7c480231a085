"""The bulk job's background task, run by `sambandh worker` (Django's tasks API)."""

from __future__ import annotations

from django.tasks import task


@task()
def run_bulk_job(job_id: int) -> str:
    """Run one bulk job. Safe to run more than once: the job's claim decides (runner.py)."""
    from sambandh.bulk.runner import execute

    return execute(job_id)
