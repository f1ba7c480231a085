"""/api/v1/scheduled-jobs: the scheduled jobs (schedule, last run, next slot, recent failures)
and the failed handler runs, with a retry. Administrators only. (/api/v1/jobs is kept for the
progress of bulk actions.)"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from sambandh.accounts import policy
from sambandh.accounts.selectors import acting_user as viewer
from sambandh.core.api import ErrorOut
from sambandh.core.errors import NotFound
from sambandh.core.ids import RecordId
from sambandh.events import selectors, services
from sambandh.events.models import HandlerRun, JobRun

router = Router(tags=["scheduled jobs"])
ERRORS: dict[int, Any] = {k: ErrorOut for k in (401, 403, 404, 409, 413, 422)}


class JobRunOut(Schema):
    slot: datetime
    status: str
    attempts: int
    started_at: datetime
    finished_at: datetime | None
    worker_id: str
    error: str
    result: str


class ScheduledJobOut(Schema):
    name: str
    label: str
    schedule: str
    next_slot: datetime
    last_run: JobRunOut | None
    recent_failures: list[JobRunOut]


class ScheduledJobList(Schema):
    items: list[ScheduledJobOut]


class HandlerRunOut(Schema):
    id: int
    handler: str
    event_id: int
    event_type: str
    record_type: str
    record_id: int | None
    status: str
    attempts: int
    run_after: datetime
    finished_at: datetime | None
    last_error: str


class HandlerRunList(Schema):
    items: list[HandlerRunOut]


def _job_run(run: JobRun | None) -> dict[str, Any] | None:
    if run is None:
        return None
    return {
        "slot": run.slot,
        "status": run.status,
        "attempts": run.attempts,
        "started_at": run.started_at,
        "finished_at": run.finished_at,
        "worker_id": run.worker_id,
        "error": run.error,
        "result": run.result,
    }


def handler_run_out(run: HandlerRun) -> dict[str, Any]:
    return {
        "id": run.pk,
        "handler": run.handler,
        "event_id": run.event_id,
        "event_type": run.event.type,
        "record_type": run.event.record_type,
        "record_id": run.event.record_id,
        "status": run.status,
        "attempts": run.attempts,
        "run_after": run.run_after,
        "finished_at": run.finished_at,
        "last_error": run.last_error,
    }


@router.get("", response={200: ScheduledJobList, **ERRORS})
def list_scheduled_jobs(request: HttpRequest) -> Any:
    """Every scheduled job with its last run, its next slot and its recent failed runs."""
    policy.ensure_admin(viewer(request))
    items = [
        {
            **job,
            "last_run": _job_run(job["last_run"]),
            "recent_failures": [_job_run(r) for r in job["recent_failures"]],
        }
        for job in selectors.jobs_overview()
    ]
    return {"items": items}


@router.get("/failed-handler-runs", response={200: HandlerRunList, **ERRORS})
def list_failed_handler_runs(request: HttpRequest) -> Any:
    """Handler runs that used up their attempts, newest first (at most 50), with the error."""
    policy.ensure_admin(viewer(request))
    return {"items": [handler_run_out(r) for r in selectors.handler_runs_failed()]}


@router.post("/failed-handler-runs/{id:run_id}/retry", response={200: HandlerRunOut, **ERRORS})
def retry_failed_handler_run(request: HttpRequest, run_id: RecordId) -> Any:
    """Run a failed handler again (a fresh set of attempts, due now). 409 if it has not failed."""
    run = services.handler_run_retry(actor=viewer(request), run_id=run_id)
    found = selectors.handler_run_get(run.pk)
    if found is None:
        raise NotFound()
    return handler_run_out(found)
