"""Scheduled jobs: declared once, run by whichever worker claims the slot first.

A slot is claimed by inserting its (job, slot) row; the unique constraint makes every other
worker's insert fail, on one machine or many. A worker checks only each job's latest slot, so
after downtime the missed slot runs once (the latest one; older missed slots are not replayed).
A worker that dies mid-job leaves the row "running" with a lease; when the lease has expired,
the next worker to look claims the same slot again.
"""

from __future__ import annotations

import datetime
import logging
import secrets
import traceback
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.functional import Promise

from sambandh.events import clock
from sambandh.events.models import JobRun, RunStatus
from sambandh.events.schedules import Schedule

logger = logging.getLogger("sambandh.events")


@dataclass(frozen=True)
class JobContext:
    slot: datetime.datetime
    now: datetime.datetime


JobFunc = Callable[[JobContext], object]


@dataclass(frozen=True)
class Job:
    name: str
    label: str | Promise  # translated when shown
    schedule: Schedule
    func: JobFunc


_jobs: dict[str, Job] = {}


def scheduled_job(
    name: str,
    *,
    every: str,
    at: str | None = None,
    minute: int = 0,
    tz: str = "UTC",
    label: str | Promise = "",
) -> Callable[[JobFunc], JobFunc]:
    """Declare ``func`` a scheduled job: ``every="minute"``, ``"hourly"`` (``minute`` past the
    hour), ``"nightly"`` (02:00 in ``tz``) or ``"daily"`` with ``at="HH:MM"`` in ``tz``. The
    function gets a ``JobContext`` (its slot, and the worker's now) and runs in a transaction."""
    schedule = Schedule.build(every, at=at, minute=minute, tz=tz)

    def register(func: JobFunc) -> JobFunc:
        _jobs[name] = Job(name=name, label=label or name, schedule=schedule, func=func)
        return func

    return register


def unregister(name: str) -> None:
    _jobs.pop(name, None)


def all_jobs() -> list[Job]:
    return sorted(_jobs.values(), key=lambda j: j.name)


def job_named(name: str) -> Job | None:
    return _jobs.get(name)


def _lease() -> datetime.timedelta:
    return datetime.timedelta(seconds=int(getattr(settings, "EVENTS_LEASE_SECONDS", 300)))


def claim_slot(
    job: Job, slot: datetime.datetime, *, now: datetime.datetime, worker_id: str
) -> tuple[str | None, datetime.datetime | None]:
    """Claim ``slot`` of ``job`` for this worker. Returns (token, None) when won; (None, None)
    when the slot is settled (another worker ran it); (None, lease end) while another worker
    holds it (ask again after its lease ends: it may have died)."""
    token = secrets.token_hex(16)
    existing = (
        JobRun.objects.filter(job=job.name, slot=slot).values_list("status", "lease_until").first()
    )
    if existing is None:
        try:
            with transaction.atomic():
                JobRun.objects.create(
                    job=job.name,
                    slot=slot,
                    status=RunStatus.RUNNING,
                    started_at=now,
                    lease_until=now + _lease(),
                    token=token,
                    worker_id=worker_id[:64],
                )
            return token, None
        except IntegrityError:
            # Another worker inserted it first.
            return None, now + _lease()
    status, lease_until = existing
    if status != RunStatus.RUNNING:
        return None, None
    if lease_until is not None and lease_until >= now:
        return None, lease_until
    # Its worker died: take the slot over.
    taken = JobRun.objects.filter(
        job=job.name, slot=slot, status=RunStatus.RUNNING, lease_until__lt=now
    ).update(
        token=token,
        lease_until=now + _lease(),
        started_at=now,
        worker_id=worker_id[:64],
        attempts=F("attempts") + 1,
    )
    return (token, None) if taken else (None, now + _lease())


def run_job(job: Job, slot: datetime.datetime, token: str, *, now: datetime.datetime) -> str:
    try:
        with transaction.atomic():
            result = job.func(JobContext(slot=slot, now=now))
            done = JobRun.objects.filter(job=job.name, slot=slot, token=token).update(
                status=RunStatus.SUCCEEDED,
                finished_at=clock.now(),
                lease_until=None,
                result=str(result if result is not None else "")[:300],
            )
            if not done:
                raise RuntimeError("lease lost")
    except Exception as exc:  # noqa: BLE001 - a failing job is recorded; the next slot runs
        JobRun.objects.filter(job=job.name, slot=slot, token=token).update(
            status=RunStatus.FAILED,
            finished_at=clock.now(),
            lease_until=None,
            error="".join(traceback.format_exception(exc))[-4000:],
        )
        logger.exception("scheduled job %s failed for slot %s", job.name, slot.isoformat())
        return "failed"
    return "succeeded"


class SlotMemo:
    """What this worker already knows about each job's latest slot (settled, or held by another
    worker until a time), so a busy loop does not ask the database every second."""

    def __init__(self) -> None:
        self.settled: dict[str, datetime.datetime] = {}
        self.held: dict[str, tuple[datetime.datetime, datetime.datetime]] = {}


def run_due_jobs(*, now: datetime.datetime, worker_id: str, memo: SlotMemo | None = None) -> int:
    """Run each job's latest slot if no worker has: the number of slots this worker ran."""
    memo = memo or SlotMemo()
    ran = 0
    for job in all_jobs():
        slot = job.schedule.latest_slot(now)
        if memo.settled.get(job.name) == slot:
            continue
        held = memo.held.get(job.name)
        if held is not None and held[0] == slot and held[1] >= now:
            continue
        token, held_until = claim_slot(job, slot, now=now, worker_id=worker_id)
        if token is not None:
            run_job(job, slot, token, now=now)
            ran += 1
            memo.settled[job.name] = slot
        elif held_until is None:
            memo.settled[job.name] = slot
        else:
            memo.held[job.name] = (slot, held_until)
    return ran
