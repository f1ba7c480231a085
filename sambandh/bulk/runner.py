"""Running a bulk job, in the worker (tasks.run_bulk_job).

The job is claimed, leased and ended as every leased job is (events/leased.py): one conditional
UPDATE sets a lease and a token, so two workers never run it at once and a dead worker's job is
taken over when its lease runs out (jobs.py puts it back on the queue). Its records are then
changed batch by batch, oldest item first:

- each record through its own app's service (``registry`` hooks: ``update``, ``reassign``),
  with the version it was read at, in a savepoint of its own: a refusal (the policy, a field
  rule, a stale version) or a failure is that record's outcome and undoes only that record
  (work.py: the work of each action);
- the batch's outcomes and the job's counters commit in the batch's transaction, with the
  records' changes, and only while the token is still the job's: a job stopped halfway is never
  half-written, and a record is never changed twice;
- a type that declares ``reassign_many`` has its owner changes made a batch at a time, each
  record still its own write (version, audit row, event), in a few statements.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import translation
from django.utils.translation import gettext as _

from sambandh.bulk.models import BulkItem, BulkJob
from sambandh.bulk.work import Work, work_for
from sambandh.core import registry
from sambandh.core.audit import assignments_muted
from sambandh.events import clock, leased
from sambandh.events.leased import LeaseLost
from sambandh.events.log import record_event

logger = logging.getLogger("sambandh.bulk")

MAX_ATTEMPTS = leased.MAX_ATTEMPTS
Outcome = BulkItem.Outcome


def _save_outcomes(items: list[BulkItem]) -> None:
    """Every item's outcome in one UPDATE from a VALUES list (Django's bulk_update builds a
    CASE per field and row: for a batch of 500 that took longer than changing the records)."""
    table = connection.ops.quote_name(BulkItem._meta.db_table)
    rows = ", ".join(["(%s, %s, %s, %s, %s)"] * len(items))
    params: list[Any] = []
    for item in items:
        before = None if item.before is None else json.dumps(item.before)
        params += [item.pk, item.outcome, item.reason, before, item.version]
    if connection.vendor == "postgresql":
        before_value, version_value = "CAST(v.column4 AS jsonb)", "CAST(v.column5 AS integer)"
    else:
        before_value, version_value = "v.column4", "v.column5"
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET outcome = v.column2, reason = v.column3, "  # noqa: S608 - ours
            f"before = {before_value}, version = {version_value} "
            f"FROM (VALUES {rows}) AS v WHERE {table}.id = v.column1",
            params,
        )


def _run_batch(job: BulkJob, token: str, work: Work, after: int) -> int:
    """Change the next batch of the job's records, past the item ``after`` (the last one of
    the batch before: the pending items are read along the (job, id) index from there, not
    from the start each time); answers the batch's last item, 0 when none is left."""
    pending = job.items.filter(outcome=Outcome.PENDING, id__gt=after).order_by("id")
    items = list(pending[: work.batch_size])
    if not items:
        return 0
    with transaction.atomic():
        work.run(items)
        for item in items:
            if item.outcome == Outcome.PENDING:  # an action that forgot one: never loop on it
                item.outcome, item.reason = Outcome.FAILED, _("It was not processed.")
        _save_outcomes(items)
        counts = Counter(item.outcome for item in items)
        leased.extend(
            BulkJob,
            job.pk,
            token,
            now=clock.now(),
            processed=F("processed") + len(items),
            changed=F("changed") + counts[Outcome.CHANGED],
            skipped=F("skipped") + counts[Outcome.SKIPPED],
            failed=F("failed") + counts[Outcome.FAILED],
        )
    return items[-1].pk


def _end(job: BulkJob, token: str, status: str, error: str = "") -> None:
    leased.end(BulkJob, job.pk, token, status, now=clock.now(), error=error)


def execute(job_id: int) -> str:
    """Claim the job and change its records; answers "done", "failed", or "skipped" when the
    job was not ours to run (finished, or claimed by a live worker)."""
    token = leased.claim(BulkJob, job_id, now=clock.now())
    if token is None:
        return "skipped"
    job = BulkJob.objects.select_related("actor").get(pk=job_id)
    if job.attempts > MAX_ATTEMPTS:
        _end(job, token, BulkJob.Status.FAILED, leased.gave_up_text(job.attempts))
        return "failed"
    try:
        with translation.override(job.actor.language or settings.LANGUAGE_CODE):
            work = work_for(job)(job, registry.get(job.record_type))
            after = 0
            with assignments_muted():  # the new owner is told once, below
                while after := _run_batch(job, token, work, after):
                    pass
    except LeaseLost:
        logger.warning("bulk job %s: lease lost, its last batch rolled back", job_id)
        return "skipped"
    except Exception as exc:  # noqa: BLE001 - recorded on the job; what committed stays
        logger.exception("bulk job %s failed", job_id)
        _end(job, token, BulkJob.Status.FAILED, leased.failure_text(exc))
        return "failed"
    _end(job, token, BulkJob.Status.DONE)
    _tell_assignee(job_id)
    _tell_recipients(job_id)
    return "done"


def _tell_assignee(job_id: int) -> None:
    """One event for a finished assignment ("<type>.bulk_assigned": the user and how many
    records they got), which the notifications read: not one per record."""
    job = BulkJob.objects.get(pk=job_id)
    user_id = (job.parameters or {}).get("owner_id")
    if job.action != BulkJob.Action.ASSIGN or not job.changed or not isinstance(user_id, int):
        return
    with transaction.atomic():
        record_event(
            type=f"{job.record_type}.bulk_assigned",
            record_type=job.record_type,
            actor=job.actor,
            fields=["owner"],
            data={"user_id": user_id, "count": job.changed, "job_id": job.pk},
        )


def _tell_recipients(job_id: int) -> None:
    """One event for a finished share ("<type>.bulk_shared": the user or team and how many
    records they were given), which the notifications read: its records' own "<type>.shared"
    events are marked as the job's and tell nobody."""
    job = BulkJob.objects.get(pk=job_id)
    params = job.parameters or {}
    if job.action != BulkJob.Action.SHARE or not job.changed:
        return
    with transaction.atomic():
        record_event(
            type=f"{job.record_type}.bulk_shared",
            record_type=job.record_type,
            actor=job.actor,
            fields=["shares"],
            data={
                "user_id": params.get("user_id"),
                "team_id": params.get("team_id"),
                "access": params.get("access"),
                "count": job.changed,
                "job_id": job.pk,
            },
        )
