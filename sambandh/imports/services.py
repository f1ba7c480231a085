"""Asking for an import, cancelling it, undoing it, and saving a column mapping as a preset.

An import is checked whole before anything is written: the file must be readable (else the job
is stored as failed with the reader's message, and the caller answers 400 with it), the record
type, preset, mapping and external id column must make sense (else 422 naming the option, and
nothing is stored). The rows are then written by the worker (engine/runner.py), or in-process
for the command line.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
import uuid
from collections.abc import Iterator, Mapping
from typing import IO, Any

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sambandh.accounts import policy
from sambandh.core.audit import audit_record
from sambandh.core.errors import ServiceError, ValidationFailed
from sambandh.imports import selectors, sources
from sambandh.imports.models import RECORD_TYPES, ExternalId, ImportJob, ImportPreset

ON_DUPLICATE = ("update", "skip", "flag", "create")
#: A cell that does not clean: the row is rejected whole, or written without that cell.
BAD_CELLS = ("reject", "skip")
#: Record types whose possible duplicates the review queue (sambandh/dedupe) takes.
FLAGGABLE = ("people", "organizations")
#: Targets several columns may fill (joined).
JOINED_TARGETS = frozenset({"tags", "description"})
STORAGE_FOLDER = "imports"


class UnreadableFile(ServiceError):
    """The file cannot be read at all: the reader's message, as a 400."""

    status = 400
    code = "unreadable_file"


class FileTooLarge(ServiceError):
    status = 413
    code = "too_large"


def max_upload_bytes() -> int:
    return int(getattr(settings, "IMPORT_MAX_BYTES", 200 * 1024 * 1024))


# --- the file -------------------------------------------------------------------------------
def _safe_name(filename: str) -> str:
    base = os.path.basename(filename or "") or "import"
    return re.sub(r"[^\w.\-]+", "_", base)[-100:] or "import"


def store_file(upload: IO[bytes] | File[Any], filename: str) -> str:
    """Put the upload in the default storage; answers its name there."""
    name = f"{STORAGE_FOLDER}/{uuid.uuid4().hex}/{_safe_name(filename)}"
    content = upload if isinstance(upload, File) else File(upload)
    return default_storage.save(name, content)


@contextlib.contextmanager
def local_path(name: str) -> Iterator[str]:
    """A path on this machine holding the stored file (a storage without paths, such as an
    object store, is copied to a temporary file first)."""
    try:
        path = default_storage.path(name)
    except NotImplementedError:
        path = ""
    if path:
        yield path
        return
    suffix = os.path.splitext(name)[1]
    with tempfile.NamedTemporaryFile(suffix=suffix) as copy, default_storage.open(name) as src:
        shutil.copyfileobj(src, copy)
        copy.flush()
        yield copy.name


def delete_file(name: str) -> None:
    if name:
        with contextlib.suppress(OSError):
            default_storage.delete(name)


# --- the options ----------------------------------------------------------------------------
def _check_record_type(record_type: str) -> None:
    if record_type not in RECORD_TYPES:
        raise ValidationFailed(fields={"type": _("Choose people, organizations, leads or deals.")})


def _check_targets(record_type: str, mapping: Any, *, field: str = "mapping") -> dict[str, str]:
    if not isinstance(mapping, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str | None) for k, v in mapping.items()
    ):
        raise ValidationFailed(
            fields={field: _("The mapping is an object of column names to field names.")}
        )
    known = {t.key for t in selectors.import_targets(record_type)}
    errors = {
        f"{field}.{header[:100]}": _("“%(target)s” is not a field of this record type.")
        % {"target": str(target)[:60]}
        for header, target in mapping.items()
        if target and target not in known
    }
    if errors:
        raise ValidationFailed(_("The mapping names unknown fields."), fields=errors)
    return {str(k): str(v or "") for k, v in mapping.items()}


def _overlay(base: dict[str, str], chosen: Mapping[str, str]) -> dict[str, str]:
    """``base`` with the columns ``chosen`` names set as it says; a target ``chosen`` gives a
    column is taken from any other column ``base`` gave it (tags and description excepted)."""
    taken = {t for t in chosen.values() if t and t not in JOINED_TARGETS}
    out = {h: ("" if t in taken else t) for h, t in base.items()}
    out.update({h: t for h, t in chosen.items() if h in out})
    return out


def resolve_mapping(
    *,
    actor: Any,
    record_type: str,
    headers: list[str],
    preset: str | None = None,
    mapping: Any = None,
) -> dict[str, str]:
    """Each column's target: the preset's (built in, or one the actor may use), else detected,
    with ``mapping``'s choices over it. 422 naming ``preset`` or ``mapping.<column>``."""
    custom = selectors.custom_fields_of(record_type)
    if preset and preset in sources.PRESETS:
        base = sources.auto_map(headers, record_type, preset=preset, custom_fields=custom)
    elif preset:
        saved = selectors.preset_find(viewer=actor, record_type=record_type, name=preset)
        if saved is None:
            raise ValidationFailed(fields={"preset": _("No such preset.")})
        base = _overlay(
            sources.auto_map(headers, record_type, custom_fields=custom),
            _check_targets(record_type, saved.mapping, field="preset"),
        )
    else:
        base = sources.auto_map(headers, record_type, custom_fields=custom)
    base = {h: base.get(h, "") for h in headers}
    if mapping:
        chosen = _check_targets(record_type, mapping)
        missing = {
            f"mapping.{h[:100]}": _("The file has no column “%(name)s”.") % {"name": h[:100]}
            for h in chosen
            if h not in base
        }
        if missing:
            raise ValidationFailed(
                _("The mapping names columns the file does not have."), fields=missing
            )
        base = _overlay(base, chosen)
    if not any(base.values()):
        raise ValidationFailed(fields={"mapping": _("No column of the file is mapped to a field.")})
    return base


def check_options(
    *,
    actor: Any,
    record_type: str,
    on_duplicate: str,
    external_id_column: str | None,
    external_system: str | None,
    bad_cells: str = "reject",
) -> None:
    _check_record_type(record_type)
    if bad_cells not in BAD_CELLS:
        raise ValidationFailed(fields={"bad_cells": _("Choose reject or skip.")})
    if on_duplicate not in ON_DUPLICATE:
        raise ValidationFailed(fields={"on_duplicate": _("Choose update, skip, flag or create.")})
    if on_duplicate == "flag" and record_type not in FLAGGABLE:
        raise ValidationFailed(
            fields={"on_duplicate": _("Only people and organizations can be flagged for review.")}
        )
    if external_system is not None and not (0 < len(external_system.strip()) <= 60):
        raise ValidationFailed(fields={"external_system": _("1 to 60 characters.")})


def _fail_unreadable(
    actor: Any, record_type: str, name: str, filename: str, size: int, message: str
) -> None:
    """Keep the failed attempt (its message is the user's answer), without the file."""
    now = timezone.now()
    job = ImportJob.objects.create(
        actor=actor,
        record_type=record_type,
        file="",
        original_name=filename[:255],
        size=size,
        status=ImportJob.Status.FAILED,
        error=message,
        finished_at=now,
    )
    audit_record(
        actor=actor,
        action="import",
        record_type=selectors.registry_key(record_type),
        changes={"job": job.pk, "status": job.status, "error": message[:300]},
        summary=filename[:300],
    )
    delete_file(name)
    raise UnreadableFile(message)


def import_start(
    *,
    actor: Any,
    record_type: str,
    upload: IO[bytes] | File[Any],
    filename: str,
    size: int | None = None,
    preset: str | None = None,
    mapping: Any = None,
    external_id_column: str | None = None,
    external_system: str | None = None,
    on_duplicate: str = "update",
    bad_cells: str = "reject",
    dry_run: bool = False,
    background: bool = True,
) -> ImportJob:
    """Store the file and the import of it; the worker runs it (``background``), else it runs
    here before this answers (the command line)."""
    policy.ensure_can_write(actor)
    check_options(
        actor=actor,
        record_type=record_type,
        on_duplicate=on_duplicate,
        external_id_column=external_id_column,
        external_system=external_system,
        bad_cells=bad_cells,
    )
    size = size if size is not None else getattr(upload, "size", None)
    if size is not None and size > max_upload_bytes():
        raise FileTooLarge(
            _("The file is too large: at most %(n)s MB.") % {"n": max_upload_bytes() // 1_000_000}
        )
    name = store_file(upload, filename)
    size = default_storage.size(name)
    if size > max_upload_bytes():
        delete_file(name)
        raise FileTooLarge(
            _("The file is too large: at most %(n)s MB.") % {"n": max_upload_bytes() // 1_000_000}
        )
    try:
        with local_path(name) as path:
            table = sources.open_table(path, filename=filename)
    except sources.ImportFileError as exc:
        _fail_unreadable(actor, record_type, name, filename, size, exc.message)
    try:
        resolved = resolve_mapping(
            actor=actor,
            record_type=record_type,
            headers=table.headers,
            preset=preset,
            mapping=mapping,
        )
        if external_id_column and external_id_column not in table.headers:
            raise ValidationFailed(
                fields={
                    "external_id_column": _("The file has no column “%(name)s”.")
                    % {"name": external_id_column[:100]}
                }
            )
    except ValidationFailed:
        delete_file(name)
        raise
    options = {
        "mapping": resolved,
        "preset": preset or "",
        "external_id_column": external_id_column or "",
        "external_system": (external_system or preset or "import").strip()[:60],
        "on_duplicate": on_duplicate,
        "bad_cells": bad_cells,
        "dry_run": bool(dry_run),
    }
    return _create_job(
        actor=actor,
        record_type=record_type,
        name=name,
        filename=filename,
        size=size,
        table=table,
        options=options,
        background=background,
    )


def _create_job(
    *,
    actor: Any,
    record_type: str,
    name: str,
    filename: str,
    size: int,
    table: Any,
    options: dict[str, Any],
    background: bool,
) -> ImportJob:
    with transaction.atomic():
        job = ImportJob.objects.create(
            actor=actor,
            record_type=record_type,
            file=name,
            original_name=(filename or "")[:255],
            size=size,
            format=table.format,
            encoding=table.encoding or "",
            delimiter=table.delimiter or "",
            headers=list(table.headers),
            options=options,
        )
        if background:
            _enqueue(job)
    if not background:
        from sambandh.imports.engine.runner import execute

        execute(job.pk)
        job.refresh_from_db()
    return job


def _enqueue(job: ImportJob) -> None:
    """The task, in the job's transaction: it exists exactly when the job does."""
    from sambandh.imports.tasks import run_import_job

    run_import_job.enqueue(job.pk)
    ImportJob.objects.filter(pk=job.pk).update(nudged_at=timezone.now())


def import_from_dry_run(*, actor: Any, job: ImportJob, background: bool = True) -> ImportJob:
    """Import for real what the dry run ``job`` rehearsed: the same file, the same options."""
    policy.ensure_can_write(actor)
    if not job.dry_run:
        raise ValidationFailed(_("This import is not a dry run."))
    if job.status != ImportJob.Status.DONE:
        raise ValidationFailed(_("The dry run has not finished."))
    if not job.file or not default_storage.exists(job.file):
        raise ValidationFailed(_("The file of this dry run is no longer kept: upload it again."))
    with local_path(job.file) as path, default_storage.open(job.file) as handle:
        table = sources.open_table(path, filename=job.original_name)
        name = store_file(handle, job.original_name)
    return _create_job(
        actor=actor,
        record_type=job.record_type,
        name=name,
        filename=job.original_name,
        size=job.size,
        table=table,
        options={**job.options, "dry_run": False},
        background=background,
    )


def import_cancel(*, actor: Any, job: ImportJob) -> ImportJob:
    """Stop an import between two batches (a waiting one at once); what committed stays, and
    can be undone."""
    policy.ensure_can_write(actor)
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job.pk)
        if job.finished:
            raise ValidationFailed(_("This import has already finished."))
        if job.status == ImportJob.Status.PENDING:
            job.status = ImportJob.Status.CANCELLED
            job.finished_at = timezone.now()
        job.cancel_requested = True
        job.save(update_fields=["status", "finished_at", "cancel_requested"])
    if job.status == ImportJob.Status.CANCELLED and not job.dry_run:
        delete_file(job.file)
    return job


def import_undo(*, actor: Any, job: ImportJob) -> ImportJob:
    """Undo a finished import: see engine/undo.py."""
    from sambandh.imports.engine.undo import undo_job

    return undo_job(actor=actor, job=job)


# --- presets --------------------------------------------------------------------------------
@transaction.atomic
def preset_save(
    *, actor: Any, name: str, record_type: str, mapping: Any, shared: bool = False
) -> ImportPreset:
    """Save a column mapping under ``name`` (the actor's preset of that name is replaced)."""
    policy.ensure_can_write(actor)
    _check_record_type(record_type)
    clean = (name or "").strip()
    if not clean or len(clean) > 100:
        raise ValidationFailed(fields={"name": _("1 to 100 characters.")})
    if clean in sources.PRESETS:
        raise ValidationFailed(fields={"name": _("This is the name of a built-in preset.")})
    targets = _check_targets(record_type, mapping)
    if not any(targets.values()):
        raise ValidationFailed(fields={"mapping": _("No column is mapped to a field.")})
    preset, created = ImportPreset.objects.select_for_update().get_or_create(
        owner=actor,
        record_type=record_type,
        name=clean,
        defaults={"mapping": targets, "shared": bool(shared)},
    )
    if not created:
        preset.mapping, preset.shared, preset.updated_at = targets, bool(shared), timezone.now()
        preset.save(update_fields=["mapping", "shared", "updated_at"])
    audit_record(
        actor=actor,
        action="create" if created else "update",
        record_type="import_preset",
        record_id=preset.pk,
        changes={"name": clean, "record_type": record_type, "shared": bool(shared)},
        summary=clean,
    )
    return preset


@transaction.atomic
def preset_delete(*, actor: Any, preset: ImportPreset) -> None:
    policy.ensure_can_write(actor)
    if preset.owner_id != actor.pk and not getattr(actor, "is_admin", False):
        raise ValidationFailed(_("Only its owner can delete this preset."))
    pk, name = preset.pk, preset.name
    preset.delete()
    audit_record(
        actor=actor, action="delete", record_type="import_preset", record_id=pk, summary=name
    )


# --- external ids ---------------------------------------------------------------------------
def external_id_set(*, record_type: str, system: str, value: str, record_id: int) -> None:
    """Tie a record to its id in ``system`` (an id that named a record since deleted now names
    this one). In the caller's transaction: the import's row."""
    ExternalId.objects.update_or_create(
        record_type=record_type, system=system, value=value, defaults={"record_id": record_id}
    )


def external_ids_set_many(*, record_type: str, system: str, pairs: list[tuple[str, int]]) -> None:
    """``external_id_set`` for a batch of new records, in one statement."""
    if pairs:
        ExternalId.objects.bulk_create(
            [
                ExternalId(record_type=record_type, system=system, value=v, record_id=pk)
                for v, pk in pairs
            ],
            update_conflicts=True,
            unique_fields=["record_type", "system", "value"],
            update_fields=["record_id"],
        )


def external_ids_forget(*, record_type: str, record_id: int) -> None:
    """Forget a deleted record's external ids (an undone import's creations)."""
    ExternalId.objects.filter(record_type=record_type, record_id=record_id).delete()
