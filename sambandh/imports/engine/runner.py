"""Running an import, in the worker (tasks.run_import_job) or in-process (the command line).

The job is claimed, leased and ended as every leased job is (events/leased.py): one conditional
UPDATE sets a lease and a token, so two workers never run it at once, and a dead worker's job is
taken over when its lease runs out (jobs.py puts it back on the queue). The file is then read
from the row after the job's ``cursor``, a batch at a time: the batch is planned (plan.py), then
applied (apply.py), and its records, its ImportRow rows, the job's counters and the new cursor
commit in one transaction, only while the token is still the job's. A crash loses at most the
batch in flight, which the next run does again: no source row is written twice.

Batches are sized so that one takes about ``TARGET_SECONDS`` (measured as it goes): the
progress a reader sees moves at least once a second, whatever a row costs.
"""

from __future__ import annotations

import itertools
import logging
import time
from collections import Counter
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation

from sambandh.accounts.regions import user_region
from sambandh.core.audit import audit_record
from sambandh.core.audit_context import audit_context
from sambandh.core.copy_insert import insert_rows
from sambandh.events import leased
from sambandh.events.leased import LeaseLost
from sambandh.imports import selectors, sources
from sambandh.imports.engine.apply import ROW_COLUMNS, Applier, RowResult
from sambandh.imports.engine.kinds import KINDS
from sambandh.imports.engine.payloads import Context
from sambandh.imports.engine.plan import Planner
from sambandh.imports.models import ImportJob, ImportRow

logger = logging.getLogger("sambandh.imports")

MAX_ATTEMPTS = leased.MAX_ATTEMPTS
TARGET_SECONDS = 0.3
FIRST_BATCH = 20
MIN_BATCH, MAX_BATCH = 5, 2000
Outcome = ImportRow.Outcome
#: Which counter of the job each outcome adds to (a dry run's "would" outcomes count as what
#: they would be).
COUNTERS: dict[str, str] = {
    Outcome.CREATED: "created",
    Outcome.WOULD_CREATE: "created",
    Outcome.UPDATED: "updated",
    Outcome.WOULD_UPDATE: "updated",
    Outcome.MERGED: "merged",
    Outcome.WOULD_MERGE: "merged",
    Outcome.UNCHANGED: "unchanged",
    Outcome.REJECTED: "rejected",
    Outcome.WOULD_REJECT: "rejected",
    Outcome.FLAGGED: "flagged",
    Outcome.WOULD_FLAG: "flagged",
}


def _claim(job_id: int) -> str | None:
    """An import whose cancel was asked for is never claimed again (services.import_cancel)."""
    return leased.claim(ImportJob, job_id, now=timezone.now(), cancel_requested=False)


def _end(job: ImportJob, token: str, status: str, error: str = "") -> bool:
    ended = leased.end(ImportJob, job.pk, token, status, now=timezone.now(), error=error)
    if ended:
        _audit_finished(job.pk)
    return bool(ended)


def _audit_finished(job_id: int) -> None:
    """The import's own row in the audit trail: the job, its file and its counts."""
    from sambandh.imports.services import delete_file

    job = ImportJob.objects.select_related("actor").get(pk=job_id)
    with transaction.atomic():
        audit_record(
            actor=job.actor,
            action="import",
            record_type=selectors.registry_key(job.record_type),
            changes={
                "job": job.pk,
                "file": job.original_name,
                "status": job.status,
                "dry_run": job.dry_run,
                "rows": job.processed_rows,
                "created": job.created,
                "updated": job.updated,
                "merged": job.merged,
                "unchanged": job.unchanged,
                "rejected": job.rejected,
                "flagged": job.flagged,
            },
            summary=job.original_name,
            event_data={"job_id": job.pk, "status": job.status},
        )
    if not job.dry_run:
        delete_file(job.file)


def _note_skipped_cells(plans: list[Any], results: list[RowResult]) -> None:
    """A written row's report names the cells left out of it (``bad_cells`` "skip")."""
    for plan, result in zip(plans, results, strict=True):
        skipped = plan.prepared.skipped
        if skipped and result.outcome not in (Outcome.REJECTED, Outcome.WOULD_REJECT):
            result.reasons = [*skipped, *result.reasons]


def context_for(job: ImportJob) -> Context:
    from sambandh.customfields.selectors import definitions

    options = job.options or {}
    return Context(
        record_type=job.record_type,
        mapping=dict(options.get("mapping") or {}),
        external_id_column=options.get("external_id_column") or "",
        bad_cells=options.get("bad_cells") or "reject",
        custom={cf.key: cf for cf in definitions(selectors.registry_key(job.record_type))},
        default_region=user_region(job.actor),
    )


def _commit_batch(job: ImportJob, token: str, results: list[RowResult], cursor: int) -> None:
    # Rows of values, not objects: the report rows are not read back (core/copy_insert.py).
    insert_rows(ImportRow, ROW_COLUMNS, [r.as_values(job.pk) for r in results])
    counts = Counter(COUNTERS[r.outcome] for r in results)
    leased.extend(
        ImportJob,
        job.pk,
        token,
        now=timezone.now(),
        processed_rows=F("processed_rows") + len(results),
        cursor=cursor,
        **{name: F(name) + n for name, n in counts.items()},
    )


def _next_size(size: int, elapsed: float, rows: int) -> int:
    if rows == 0 or elapsed <= 0:
        return min(MAX_BATCH, size * 2)
    wanted = int(TARGET_SECONDS * rows / elapsed)
    return max(MIN_BATCH, min(MAX_BATCH, wanted, size * 4))


def _run(job: ImportJob, token: str) -> str:
    from sambandh.imports.services import local_path

    with local_path(job.file) as path:
        try:
            table = sources.open_table(path, filename=job.original_name)
        except sources.ImportFileError as exc:
            _end(job, token, ImportJob.Status.FAILED, exc.message)
            return "failed"
        if not job.total_rows:
            total = table.count_rows()
            ImportJob.objects.filter(pk=job.pk, token=token).update(total_rows=total)
        ctx = context_for(job)
        kind = KINDS[job.record_type]
        options = job.options or {}
        planner = Planner(actor=job.actor, record_type=job.record_type, options=options, ctx=ctx)
        applier = Applier(actor=job.actor, kind=kind, ctx=ctx, options=options)
        rows = table.rows(after=job.cursor)
        size = FIRST_BATCH
        while True:
            if ImportJob.objects.filter(pk=job.pk, cancel_requested=True).exists():
                _end(job, token, ImportJob.Status.CANCELLED)
                return "cancelled"
            batch = list(itertools.islice(rows, size))
            if not batch:
                break
            started = time.monotonic()
            plans = planner.plan(batch)
            with transaction.atomic():
                results = applier.rehearse(plans) if job.dry_run else applier.apply(plans)
                _note_skipped_cells(plans, results)
                _commit_batch(job, token, results, batch[-1].number)
            size = _next_size(size, time.monotonic() - started, len(batch))
    _end(job, token, ImportJob.Status.DONE)
    return "done"


def execute(job_id: int) -> str:
    """Claim the import and run it from its cursor; answers "done", "failed", "cancelled", or
    "skipped" when it was not ours to run (finished, cancelled, or claimed by a live worker)."""
    token = _claim(job_id)
    if token is None:
        return "skipped"
    job = ImportJob.objects.select_related("actor").get(pk=job_id)
    if job.attempts > MAX_ATTEMPTS:
        _end(job, token, ImportJob.Status.FAILED, leased.gave_up_text(job.attempts))
        return "failed"
    try:
        with (
            translation.override(job.actor.language or settings.LANGUAGE_CODE),
            audit_context(source="import"),
        ):
            return _run(job, token)
    except LeaseLost:
        logger.warning("import %s: lease lost, its last batch rolled back", job_id)
        return "skipped"
    except Exception as exc:  # noqa: BLE001 - recorded on the job; what committed stays
        logger.exception("import %s failed", job_id)
        _end(job, token, ImportJob.Status.FAILED, leased.failure_text(exc))
        return "failed"


def run_now(job_id: int) -> Any:
    """Run the import here (the command line, tests) and answer the job as it ended."""
    execute(job_id)
    return ImportJob.objects.get(pk=job_id)
