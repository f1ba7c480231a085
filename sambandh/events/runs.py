"""Handler runs: enqueue, claim, execute, retry, and the sweep that re-enqueues work a dead
worker (or a lost enqueue) left behind.

The guarantees, and how they hold:
- *A success never runs twice*: the handler and the mark "succeeded" commit in one transaction,
  and the mark only applies with the claim's token; a worker whose lease ran out (and whose run
  was claimed again) rolls its handler back instead of committing it.
- *Nothing is lost*: the run is a row written with the event. A worker killed mid-run leaves it
  "running" with a lease that expires; the sweep then enqueues it again.
- *No double runs with two workers*: claiming is one conditional UPDATE; only one worker's
  matches.
"""

from __future__ import annotations

import datetime
import logging
import secrets
import traceback
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q

from sambandh.events import clock
from sambandh.events.handlers import handler_named
from sambandh.events.models import HandlerRun, RunStatus

logger = logging.getLogger("sambandh.events")

# Set by the worker loop, so a run records which worker claimed it.
current_worker_id = ""


class LeaseLost(Exception):
    """Another worker claimed this run after our lease ran out: our work must not commit."""


def lease_seconds() -> int:
    return int(getattr(settings, "EVENTS_LEASE_SECONDS", 300))


def enqueue_runs(run_ids: Iterable[int], *, run_after: datetime.datetime | None = None) -> None:
    """Put a task on the queue for each run (deferred to ``run_after`` when given)."""
    from sambandh.events.tasks import run_handler

    task = run_handler if run_after is None else run_handler.using(run_after=run_after)
    for run_id in run_ids:
        result = task.enqueue(run_id)
        HandlerRun.objects.filter(pk=run_id).update(
            task_id=str(result.id), nudged_at=run_after or clock.now()
        )


def _claim(run_id: int, now: datetime.datetime) -> str | None:
    token = secrets.token_hex(16)
    claimable = Q(status=RunStatus.PENDING, run_after__lte=now) | Q(
        status=RunStatus.RUNNING, lease_until__lt=now
    )
    claimed = (
        HandlerRun.objects.filter(claimable, pk=run_id).update(
            status=RunStatus.RUNNING,
            attempts=F("attempts") + 1,
            lease_until=now + datetime.timedelta(seconds=lease_seconds()),
            token=token,
            worker_id=current_worker_id[:64],
        )
        == 1
    )
    return token if claimed else None


def execute(run_id: int) -> str:
    """Claim the run and hand its event to its handler. Returns what happened (the task's
    result): "succeeded", "retry", "failed", or "skipped" when the run was not ours to run
    (already done, not due, or claimed by a live worker)."""
    token = _claim(run_id, clock.now())
    if token is None:
        return "skipped"
    run = HandlerRun.objects.select_related("event").get(pk=run_id)
    handler = handler_named(run.handler)
    try:
        if handler is None:
            raise LookupError(f"no handler named {run.handler!r} is subscribed")
        if run.attempts > handler.max_attempts:
            # Claimed again and again after its workers died (a handler that kills its process):
            # stop here rather than take workers down forever.
            raise RuntimeError(f"its worker stopped during each of {run.attempts - 1} attempts")
        with transaction.atomic():
            handler.func(run.event)
            done = HandlerRun.objects.filter(pk=run_id, token=token).update(
                status=RunStatus.SUCCEEDED,
                finished_at=clock.now(),
                lease_until=None,
                last_error="",
            )
            if not done:
                raise LeaseLost(run_id)
    except LeaseLost:
        logger.warning("handler run %s: lease lost, work rolled back", run_id)
        return "skipped"
    except Exception as exc:  # noqa: BLE001 - any handler failure is recorded and retried
        return _failed(run, token, exc, max_attempts=handler.max_attempts if handler else 1)
    return "succeeded"


def _failed(run: HandlerRun, token: str, exc: BaseException, *, max_attempts: int) -> str:
    handler = handler_named(run.handler)
    error = "".join(traceback.format_exception(exc))[-4000:]
    now = clock.now()
    attempts = run.attempts
    if attempts >= max_attempts or handler is None:
        HandlerRun.objects.filter(pk=run.pk, token=token).update(
            status=RunStatus.FAILED, finished_at=now, lease_until=None, last_error=error
        )
        logger.error("handler %s failed for good on event %s", run.handler, run.event_id)
        return "failed"
    retry_at = now + datetime.timedelta(seconds=handler.backoff(attempts))
    updated = HandlerRun.objects.filter(pk=run.pk, token=token).update(
        status=RunStatus.PENDING, run_after=retry_at, lease_until=None, last_error=error
    )
    if updated:
        enqueue_runs([run.pk], run_after=retry_at)
    return "retry"


def sweep(*, now: datetime.datetime, grace_seconds: int = 60, limit: int = 500) -> int:
    """Enqueue runs whose task should have started and did not: pending and due, with no task
    put on the queue in the last ``grace_seconds`` (the enqueue after commit was lost, or the
    run was retried from Settings), or running with an expired lease (its worker died). The task
    rows a dead worker left "running" are marked failed, so the queue tells the truth."""
    from django_tasks_db.models import DBTaskResult

    quiet = Q(nudged_at__isnull=True) | Q(
        nudged_at__lt=now - datetime.timedelta(seconds=grace_seconds)
    )
    stale = list(
        HandlerRun.objects.filter(
            quiet,
            Q(status=RunStatus.PENDING, run_after__lte=now)
            | Q(status=RunStatus.RUNNING, lease_until__lt=now),
        )
        .order_by("pk")
        .values_list("pk", "status", "task_id")[:limit]
    )
    if not stale:
        return 0
    orphaned = [
        task_id for _pk, status, task_id in stale if status == RunStatus.RUNNING and task_id
    ]
    if orphaned:
        DBTaskResult.objects.filter(id__in=orphaned, status="RUNNING").update(
            status="FAILED",
            finished_at=now,
            exception_class_path="sambandh.events.runs.WorkerLost",
            traceback="The worker running this task stopped before finishing it; "
            "the handler run was put on the queue again.",
        )
    enqueue_runs([pk for pk, _status, _task in stale])
    return len(stale)


def retry_now(run: HandlerRun) -> None:
    """Give a failed run a fresh set of attempts, due now (the Settings › Jobs retry)."""
    HandlerRun.objects.filter(pk=run.pk, status=RunStatus.FAILED).update(
        status=RunStatus.PENDING,
        attempts=0,
        run_after=clock.now(),
        nudged_at=None,
        finished_at=None,
    )
    transaction.on_commit(lambda: enqueue_runs([run.pk]))
