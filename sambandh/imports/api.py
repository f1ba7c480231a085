"""/api/v1/imports: thin endpoints over imports.services and imports.selectors.

``POST /imports`` takes a multipart upload (``file``, and the options as form fields) and
answers 202 with the job; the worker runs it. Only the job's actor and administrators see a job
(anyone else gets a 404)."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, StreamingHttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from sambandh.accounts.selectors import acting_user as viewer
from sambandh.core.api import ErrorOut
from sambandh.core.errors import ValidationFailed
from sambandh.core.pagination import clamp_limit
from sambandh.imports import selectors, services, sources
from sambandh.imports.models import RECORD_TYPES, ImportJob, ImportPreset, ImportRow
from sambandh.imports.schemas import (
    ImportJobOut,
    ImportJobPage,
    ImportRowPage,
    JobListParams,
    PresetFilters,
    PresetIn,
    PresetOut,
    RowFilters,
)

ERRORS: dict[int, Any] = {k: ErrorOut for k in (400, 401, 403, 404, 409, 413, 422)}
#: What a multipart request may add around the file (boundaries, part headers, options).
MULTIPART_SLACK = 256 * 1024
FORM_FIELDS = {
    "file",
    "type",
    "preset",
    "mapping",
    "external_id_column",
    "external_system",
    "on_duplicate",
    "bad_cells",
    "dry_run",
}
_UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "file": {"type": "string", "format": "binary"},
                        "type": {"type": "string", "enum": list(RECORD_TYPES)},
                        "preset": {"type": "string"},
                        "mapping": {
                            "type": "string",
                            "description": 'A JSON object: column name -> field key ("" skips it).',
                        },
                        "external_id_column": {"type": "string"},
                        "external_system": {"type": "string"},
                        "on_duplicate": {
                            "type": "string",
                            "enum": list(services.ON_DUPLICATE),
                            "default": "update",
                        },
                        "bad_cells": {
                            "type": "string",
                            "enum": list(services.BAD_CELLS),
                            "default": "reject",
                            "description": "A cell that does not clean (an invalid email, a "
                            "date that is not one): reject its row, or skip only the cell.",
                        },
                        "dry_run": {"type": "boolean", "default": False},
                    },
                    "required": ["file", "type"],
                }
            }
        },
    }
}

router = Router(tags=["imports"])


def counts(job: ImportJob) -> dict[str, int]:
    return {
        "created": job.created,
        "updated": job.updated,
        "merged": job.merged,
        "unchanged": job.unchanged,
        "rejected": job.rejected,
        "flagged": job.flagged,
    }


def row_out(row: ImportRow) -> dict[str, Any]:
    return {
        "row": row.number,
        "outcome": row.outcome,
        "record_id": row.record_id,
        "reasons": row.reasons,
    }


def job_out(job: ImportJob, filters: RowFilters | None = None) -> dict[str, Any]:
    filters = filters or RowFilters(outcome=None, limit=50, cursor=None)
    page = selectors.job_rows(
        job=job, outcome=filters.outcome, limit=clamp_limit(filters.limit), cursor=filters.cursor
    )
    options = dict(job.options or {})
    return {
        "id": job.pk,
        "record_type": job.record_type,
        "status": job.status,
        "file_name": job.original_name,
        "format": job.format,
        "encoding": job.encoding,
        "delimiter": job.delimiter,
        "dry_run": job.dry_run,
        "options": options,
        "total_rows": job.total_rows,
        "processed_rows": job.processed_rows,
        "progress": job.progress,
        "counts": counts(job),
        "error": job.error if job.status == ImportJob.Status.FAILED else "",
        "cancel_requested": job.cancel_requested,
        "not_undone": job.undo_report or [],
        "created_at": job.created_at,
        "started_at": job.started_at,
        "finished_at": job.finished_at,
        "rows": {"items": [row_out(r) for r in page.items], "next": page.next_cursor},
    }


def _flag(value: str | None, name: str) -> bool:
    text = (value or "").strip().lower()
    if text in ("", "0", "false", "no", "off"):
        return False
    if text in ("1", "true", "yes", "on"):
        return True
    raise ValidationFailed(fields={name: _("Enter true or false.")})


def _mapping(text: str | None) -> Any:
    if not text:
        return None
    try:
        mapping = json.loads(text)
    except ValueError:
        mapping = None
    if not isinstance(mapping, dict):
        raise ValidationFailed(
            fields={
                "mapping": _("Send the mapping as a JSON object of column names to field keys.")
            }
        )
    return mapping


def _too_large(request: HttpRequest) -> bool:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    return length > services.max_upload_bytes() + MULTIPART_SLACK


@router.post("", response={202: ImportJobOut, **ERRORS}, openapi_extra=_UPLOAD_BODY)
def start_import(request: HttpRequest) -> Any:
    """Upload a file (CSV in any delimiter and encoding, XLSX, or vCard for people) and import
    it: multipart with ``file`` and ``type`` (people, organizations, leads, deals), and
    optionally ``preset``, ``mapping`` (a JSON object), ``external_id_column``,
    ``external_system``, ``on_duplicate`` (update, skip, flag, create), ``bad_cells`` (reject,
    skip) and ``dry_run``.
    Answers 202 with the job; ``GET /api/v1/imports/{id}`` tells its progress. A file that
    cannot be read: 400 with why; too large: 413; a bad option: 422 naming it."""
    if _too_large(request):
        raise services.FileTooLarge(
            _("The file is too large: at most %(n)s MB.")
            % {"n": services.max_upload_bytes() // 1_000_000}
        )
    form, files = request.POST, request.FILES
    unknown = {k[:100]: _("Unknown field.") for k in [*form, *files] if k not in FORM_FIELDS}
    if unknown:
        raise ValidationFailed(fields=unknown)
    upload = files.get("file")
    if upload is None:
        raise ValidationFailed(fields={"file": _("Send the file to import.")})
    record_type = form.get("type", "")
    if record_type not in RECORD_TYPES:
        raise ValidationFailed(fields={"type": _("Choose people, organizations, leads or deals.")})
    job = services.import_start(
        actor=viewer(request),
        record_type=record_type,
        upload=upload,
        filename=upload.name or "",
        size=upload.size,
        preset=form.get("preset") or None,
        mapping=_mapping(form.get("mapping")),
        external_id_column=form.get("external_id_column") or None,
        external_system=form.get("external_system") or None,
        on_duplicate=form.get("on_duplicate") or "update",
        bad_cells=form.get("bad_cells") or "reject",
        dry_run=_flag(form.get("dry_run"), "dry_run"),
    )
    return Status(202, job_out(job))


@router.get("", response={200: ImportJobPage, **ERRORS})
def list_imports(request: HttpRequest, params: Query[JobListParams]) -> Any:
    """Your imports, newest first (an administrator's: everyone's)."""
    page = selectors.job_list(
        viewer=viewer(request), limit=clamp_limit(params.limit), cursor=params.cursor
    )
    return {
        "items": [
            {
                "id": j.pk,
                "record_type": j.record_type,
                "status": j.status,
                "file_name": j.original_name,
                "dry_run": j.dry_run,
                "total_rows": j.total_rows,
                "processed_rows": j.processed_rows,
                "counts": counts(j),
                "created_at": j.created_at,
            }
            for j in page.items
        ],
        "next": page.next_cursor,
    }


def _preset_out(p: ImportPreset) -> dict[str, Any]:
    return {
        "name": p.name,
        "label": p.name,
        "record_type": p.record_type,
        "built_in": False,
        "shared": p.shared,
        "mapping": p.mapping,
        "owner_id": p.owner_id,
    }


@router.get("/presets", response={200: list[PresetOut], **ERRORS})
def list_presets(request: HttpRequest, filters: Query[PresetFilters]) -> Any:
    """The presets you may use: the built-in ones (exports of other products) and those saved
    by you or shared."""
    if filters.record_type and filters.record_type not in RECORD_TYPES:
        raise ValidationFailed(
            fields={"record_type": _("Choose people, organizations, leads or deals.")}
        )
    types = [filters.record_type] if filters.record_type else list(RECORD_TYPES)
    out: list[dict[str, Any]] = []
    for record_type in types:
        for name, label in sources.preset_choices(record_type):
            preset = sources.PRESETS[name]
            out.append(
                {
                    "name": name,
                    "label": str(label),
                    "record_type": record_type,
                    "built_in": True,
                    "mapping": dict(preset.mappings.get(record_type, {})),
                }
            )
    saved = selectors.presets_for(viewer=viewer(request), record_type=filters.record_type)
    return out + [_preset_out(p) for p in saved]


@router.post("/presets", response={201: PresetOut, **ERRORS})
def save_preset(request: HttpRequest, payload: PresetIn) -> Any:
    """Save a column mapping as a preset of yours (one of the same name is replaced);
    ``shared``: everyone may use it."""
    preset = services.preset_save(
        actor=viewer(request),
        name=payload.name,
        record_type=payload.record_type,
        mapping=payload.mapping,
        shared=payload.shared,
    )
    return Status(201, _preset_out(preset))


@router.get("/{id:import_id}", response={200: ImportJobOut, **ERRORS})
def get_import(request: HttpRequest, import_id: int, filters: Query[RowFilters]) -> Any:
    """An import's status, progress, counts and the first page of its per-row report
    (``?outcome=rejected`` for the rejected rows and why)."""
    return job_out(selectors.job_get(viewer=viewer(request), job_id=import_id), filters)


@router.get("/{id:import_id}/rows", response={200: ImportRowPage, **ERRORS})
def get_import_rows(request: HttpRequest, import_id: int, filters: Query[RowFilters]) -> Any:
    """A page of an import's per-row report, in the file's order."""
    job = selectors.job_get(viewer=viewer(request), job_id=import_id)
    page = selectors.job_rows(
        job=job, outcome=filters.outcome, limit=clamp_limit(filters.limit), cursor=filters.cursor
    )
    return {"items": [row_out(r) for r in page.items], "next": page.next_cursor}


@router.get(
    "/{id:import_id}/report",
    response={200: None, **ERRORS},
    openapi_extra={
        "responses": {
            "200": {
                "description": "The per-row report as CSV: row, outcome, record_id, reasons",
                "content": {"text/csv": {"schema": {"type": "string"}}},
            }
        }
    },
)
def get_import_report(request: HttpRequest, import_id: int) -> Any:
    """The per-row report as a CSV file (streamed)."""
    from sambandh.exports.writers import csv_pieces

    job = selectors.job_get(viewer=viewer(request), job_id=import_id)
    lines = selectors.job_report_lines(job=job)
    headers = next(lines)
    response = StreamingHttpResponse(
        csv_pieces(headers, lines), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="import-{job.pk}-report.csv"'
    return response


@router.post("/{id:import_id}/undo", response={200: ImportJobOut, **ERRORS})
def undo_import(request: HttpRequest, import_id: int) -> Any:
    """Undo a finished import: the records it created go to the recycle bin, the fields it
    changed get their values back, each unless someone changed the record since; the answer
    lists what was left as it is (``not_undone``)."""
    job = selectors.job_get(viewer=viewer(request), job_id=import_id)
    return job_out(services.import_undo(actor=viewer(request), job=job))


@router.post("/{id:import_id}/cancel", response={200: ImportJobOut, **ERRORS})
def cancel_import(request: HttpRequest, import_id: int) -> Any:
    """Stop an import after the batch in flight; what it wrote stays (and can be undone)."""
    job = selectors.job_get(viewer=viewer(request), job_id=import_id)
    return job_out(services.import_cancel(actor=viewer(request), job=job))
