"""The background tasks, run through Django's tasks API (the django_tasks_db backend)."""

from __future__ import annotations

from django.tasks import task


@task()
def run_handler(run_id: int) -> str:
    """Run one handler on one event. Safe to run more than once: the run's claim decides."""
    from sambandh.events.runs import execute

    return execute(run_id)
