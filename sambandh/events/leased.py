"""Leased jobs: a long piece of work a user asked for (a bulk action, an import), kept as a row
and run by one worker at a time, batch by batch. Its model extends ``LeasedJob``; its runner
uses the helpers below, as a handler run does (runs.py):

- ``claim``: one conditional UPDATE sets a lease and a token, so two workers never run the job
  at once, and a dead worker's job is taken over when its lease runs out;
- ``extend``: each batch commits its counters with a new lease, only while the token is still
  the job's, else ``LeaseLost`` rolls the batch back;
- ``end``: the job's last status, again only with its token;
- ``resume_stalled``: the sweep (a scheduled job of each app) that puts a job on the queue
  again when its task should have started and did not (its enqueue rolled back with a crash,
  or its task row was purged), or when its worker died holding it. The claim makes a second
  task for a job harmless.
"""

from __future__ import annotations

import datetime
import secrets
import traceback
from typing import Any, Protocol

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

#: The status values the helpers read and write; each job's ``Status`` choices include them.
PENDING, RUNNING = "pending", "running"
#: How many times a job is claimed (its workers dying under it) before it fails for good.
MAX_ATTEMPTS = 5
#: How long a running job's task may go without news before it counts as lost (its lease has
#: run out too), and how long a job may wait in the queue (behind a long job, say) before it is
#: enqueued again: a second task for it is harmless, but pointless while the first still waits.
GRACE = datetime.timedelta(minutes=1)
WAITING = datetime.timedelta(minutes=5)


class LeaseLost(Exception):
    """Another worker took the job over after our lease ran out: our batch must not commit."""


class LeasedJob(models.Model):
    """Who asked for the job, its status, and the claim of the worker running it. Abstract:
    each job keeps its own table and its own counters, and declares its ``status`` again with
    its own choices (which include ``PENDING`` and ``RUNNING``)."""

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=10, default=PENDING)
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    token = models.CharField(max_length=32, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    #: When a task for it was last put on the queue (``resume_stalled`` reads it).
    nudged_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True


class _Enqueue(Protocol):
    def enqueue(self, job_id: int, /) -> Any: ...


def lease() -> datetime.timedelta:
    return datetime.timedelta(seconds=int(getattr(settings, "EVENTS_LEASE_SECONDS", 300)))


def claim(
    model: type[LeasedJob], job_id: int, *, now: datetime.datetime, **conditions: Any
) -> str | None:
    """Claim the job for this worker when it waits, or when its last worker's lease ran out
    (and it matches ``conditions``); answers the claim's token, or None when it is not ours."""
    token = secrets.token_hex(16)
    claimable = Q(status=PENDING) | Q(status=RUNNING, lease_until__lt=now)
    claimed = model._default_manager.filter(claimable, pk=job_id, **conditions).update(
        status=RUNNING,
        token=token,
        lease_until=now + lease(),
        attempts=F("attempts") + 1,
        started_at=Coalesce("started_at", now),
    )
    return token if claimed else None


def extend(
    model: type[LeasedJob], job_id: int, token: str, *, now: datetime.datetime, **changes: Any
) -> None:
    """Write a batch's ``changes`` to the job with a new lease, in the batch's transaction;
    raises ``LeaseLost`` when the job is no longer ours (the batch must roll back)."""
    kept = model._default_manager.filter(pk=job_id, token=token).update(
        lease_until=now + lease(), **changes
    )
    if not kept:
        raise LeaseLost(job_id)


def end(
    model: type[LeasedJob],
    job_id: int,
    token: str,
    status: str,
    *,
    now: datetime.datetime,
    error: str = "",
) -> bool:
    """The job's last status, while it is still ours and running; answers whether it was."""
    ended = model._default_manager.filter(pk=job_id, token=token, status=RUNNING).update(
        status=status, finished_at=now, lease_until=None, error=error
    )
    return bool(ended)


def failure_text(exc: BaseException) -> str:
    """What a failed job keeps of the exception that stopped it: its traceback's end."""
    return "".join(traceback.format_exception(exc))[-4000:]


def gave_up_text(attempts: int) -> str:
    """A job claimed again and again after its workers died stops rather than kill workers
    forever; this is its error."""
    return f"its worker stopped {attempts - 1} times"


def resume_stalled(model: type[LeasedJob], task: _Enqueue, *, now: datetime.datetime) -> int:
    """Enqueue ``task`` again for up to 100 jobs that wait too long or whose worker died;
    answers how many."""
    never = Q(nudged_at__isnull=True)
    waiting = Q(status=PENDING) & (never | Q(nudged_at__lt=now - WAITING))
    lost = Q(status=RUNNING, lease_until__lt=now) & (never | Q(nudged_at__lt=now - GRACE))
    jobs = model._default_manager.filter(waiting | lost)
    stalled = list(jobs.values_list("pk", flat=True)[:100])
    for job_id in stalled:
        task.enqueue(job_id)
    model._default_manager.filter(pk__in=stalled).update(nudged_at=now)
    return len(stalled)
