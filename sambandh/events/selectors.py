"""Reads of the scheduled jobs and handler runs, for Settings › Jobs and /api/v1/scheduled-jobs
(administrators only: the callers ask the policy first)."""

from __future__ import annotations

import datetime
from typing import Any

from sambandh.events import clock
from sambandh.events.jobs import all_jobs
from sambandh.events.models import HandlerRun, JobRun, RunStatus

RECENT = 5


def jobs_overview(*, now: datetime.datetime | None = None) -> list[dict[str, Any]]:
    """Each declared job: its schedule, last run, next slot and recent failures: one indexed
    statement per job (there are a handful), and one for the failures."""
    now = now or clock.now()
    jobs = all_jobs()
    names = [j.name for j in jobs]
    last = {name: JobRun.objects.filter(job=name).order_by("-slot").first() for name in names}
    failures: dict[str, list[JobRun]] = {}
    for run in JobRun.objects.filter(job__in=names, status=RunStatus.FAILED).order_by("-slot")[
        : RECENT * max(1, len(names))
    ]:
        failures.setdefault(run.job, []).append(run)
    return [
        {
            "name": job.name,
            "label": str(job.label),
            "schedule": job.schedule.describe(),
            "last_run": last.get(job.name),
            "next_slot": job.schedule.next_slot(now),
            "recent_failures": failures.get(job.name, [])[:RECENT],
        }
        for job in jobs
    ]


def handler_runs_failed(*, limit: int = 50) -> list[HandlerRun]:
    return list(
        HandlerRun.objects.select_related("event")
        .filter(status=RunStatus.FAILED)
        .order_by("-finished_at", "-pk")[:limit]
    )


def handler_run_get(run_id: int) -> HandlerRun | None:
    return HandlerRun.objects.select_related("event").filter(pk=run_id).first()


def last_succeeded_slot(job: str, *, before: datetime.datetime) -> datetime.datetime | None:
    """The latest slot of ``job`` before ``before`` that ran to success, or None: a job that
    must cover the time since it last ran (a worker runs only the latest missed slot after
    downtime) starts from there."""
    return (
        JobRun.objects.filter(job=job, status=RunStatus.SUCCEEDED, slot__lt=before)
        .order_by("-slot")
        .values_list("slot", flat=True)
        .first()
    )
