"""Undoing an import: the records it created go to the recycle bin through their own app's
service (with the organizations it made on the way, when nothing else uses them), and the
fields it changed get back what they held, through the registry's ``update`` hook; each only
while the record's version is still the one the import left (or the one this undo left, when
the import wrote the same record twice). What cannot be undone is listed, with why, on the job
(``undo_report``). The undo is itself audited ("import_undo": the job and its counts).

It runs in the request, a batch of rows per transaction, last row first.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sambandh.accounts import policy
from sambandh.core import registry
from sambandh.core.audit import audit_record
from sambandh.core.audit_context import audit_context
from sambandh.core.errors import ServiceError, ValidationFailed
from sambandh.imports import selectors
from sambandh.imports.engine.kinds import KINDS
from sambandh.imports.models import ImportJob, ImportRow

logger = logging.getLogger("sambandh.imports")
Outcome = ImportRow.Outcome
CREATES = (Outcome.CREATED, Outcome.FLAGGED)
CHANGES = (Outcome.UPDATED, Outcome.MERGED)
BATCH = 200


class _Undoer:
    def __init__(self, actor: Any, job: ImportJob) -> None:
        self.actor, self.job = actor, job
        self.kind = KINDS[job.record_type]
        self.rt = registry.get(self.kind.key)
        #: record id -> its version after this undo changed it.
        self.ours: dict[int, int] = {}
        self.not_undone: list[dict[str, Any]] = []
        self.deleted = 0
        self.restored = 0

    def _refuse(self, row: ImportRow, message: str) -> None:
        self.not_undone.append(
            {"row": row.number, "record_id": row.record_id, "reason": str(message)}
        )

    def _current(self, row: ImportRow) -> Any:
        record = self.kind.model._default_manager.filter(pk=row.record_id).first()
        if record is None:
            self._refuse(row, _("It no longer exists."))
            return None
        if record.version not in (row.version, self.ours.get(record.pk)):
            self._refuse(row, _("It was changed after the import; it was left as it is."))
            return None
        return record

    def row(self, row: ImportRow) -> None:
        record = self._current(row)
        if record is None:
            return
        try:
            with transaction.atomic():
                if row.outcome in CREATES:
                    assert self.rt.delete is not None
                    self.rt.delete(actor=self.actor, record=record, version=record.version)
                    from sambandh.imports.services import external_ids_forget

                    external_ids_forget(record_type=self.kind.key, record_id=record.pk)
                    self.deleted += 1
                    self._made(row)
                else:
                    assert self.rt.update is not None
                    changed = self.rt.update(
                        actor=self.actor,
                        record=record,
                        values=dict(row.before or {}),
                        version=record.version,
                    )
                    self.ours[changed.pk] = changed.version
                    self.restored += 1
        except ServiceError as exc:
            self._refuse(row, exc.message if not exc.fields else "; ".join(exc.fields.values()))

    def _made(self, row: ImportRow) -> None:
        """The organizations the row made by name, unless changed or used since."""
        from sambandh.contacts.models import Organization
        from sambandh.contacts.services import organization_delete

        for record_type, pk in row.also_created or []:
            if record_type != "organization":
                continue
            org = Organization.objects.filter(pk=pk, version=1).first()
            if org is None:
                continue
            if org.people.exists() or org.deals.exists() or org.children.exists():
                self.not_undone.append(
                    {
                        "row": row.number,
                        "record_id": pk,
                        "reason": _("The organization it made is in use; it was kept."),
                    }
                )
                continue
            organization_delete(actor=self.actor, organization=org, version=1)


def undo_job(*, actor: Any, job: ImportJob) -> ImportJob:
    """Undo ``job`` (its actor or an administrator, who could see it); answers the job, with
    what could not be undone in ``undo_report``."""
    policy.ensure_can_write(actor)
    if job.dry_run:
        raise ValidationFailed(_("A dry run wrote nothing: there is nothing to undo."))
    if job.status == ImportJob.Status.UNDONE:
        raise ValidationFailed(_("This import was already undone."))
    if not job.finished:
        raise ValidationFailed(_("This import has not finished yet: cancel it first, or wait."))
    claimed = ImportJob.objects.filter(
        pk=job.pk,
        status__in=[ImportJob.Status.DONE, ImportJob.Status.FAILED, ImportJob.Status.CANCELLED],
    ).update(status=ImportJob.Status.UNDONE)
    if not claimed:
        raise ValidationFailed(_("This import was already undone."))
    undoer = _Undoer(actor, job)
    rows = ImportRow.objects.filter(
        job=job, outcome__in=[*CREATES, *CHANGES], record_id__isnull=False
    )
    last: int | None = None
    with audit_context(source="import"):
        while True:
            page = rows.order_by("-number")
            if last is not None:
                page = page.filter(number__lt=last)
            batch = list(page[:BATCH])
            if not batch:
                break
            with transaction.atomic():
                for row in batch:
                    undoer.row(row)
            last = batch[-1].number
        with transaction.atomic():
            ImportJob.objects.filter(pk=job.pk).update(
                undo_report=undoer.not_undone, finished_at=timezone.now()
            )
            audit_record(
                actor=actor,
                action="import_undo",
                record_type=selectors.registry_key(job.record_type),
                changes={
                    "job": job.pk,
                    "deleted": undoer.deleted,
                    "restored": undoer.restored,
                    "not_undone": len(undoer.not_undone),
                },
                summary=job.original_name,
                event_data={"job_id": job.pk},
            )
    job.refresh_from_db()
    return job
