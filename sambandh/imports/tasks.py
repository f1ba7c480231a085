"""The import's background task, run by `sambandh worker` (Django's tasks API)."""

from __future__ import annotations

from django.tasks import task


@task()
def run_import_job(job_id: int) -> str:
    """Run one import. Safe to run more than once: the job's claim decides (engine/runner.py),
    and a job taken over after a crash resumes after its last committed row."""
    from sambandh.imports.engine.runner import execute

    return execute(job_id)
