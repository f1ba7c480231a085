"""The import pages after the wizard's first steps: the list of imports, one import's page (a
dry run's findings, or the real import's progress, counts, records and undo), and its report.

Only an import's actor and administrators see it; anyone else gets a 404 (imports.selectors).
While an import runs, its panel asks for itself again every second (htmx) and stops once the
import has finished.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sambandh.core.errors import ServiceError, ValidationFailed
from sambandh.imports import selectors, selectors_web, services
from sambandh.imports.forms import RECORD_TYPE_CHOICES
from sambandh.imports.models import ImportJob, ImportRow
from sambandh.imports.views_wizard import draft_ended_by, draft_of
from sambandh.web.http import AuthedRequest, job_progress_page, page

SHOWN_ROWS = 50
RECORD_TYPE_LABELS = dict(RECORD_TYPE_CHOICES)


def _error_text(exc: ServiceError) -> str:
    return " ".join(dict.fromkeys([exc.message, *exc.fields.values()]))


@page
@require_GET
def job_list(request: AuthedRequest) -> HttpResponse:
    """The viewer's imports, newest first (an administrator's: everyone's)."""
    cursor = (request.GET.get("cursor") or "")[:500] or None
    try:
        jobs = selectors.job_list(viewer=request.user, limit=50, cursor=cursor)
    except ValidationFailed:
        jobs = selectors.job_list(viewer=request.user, limit=50)
    return render(
        request,
        "imports/list.html",
        {
            "jobs": jobs.items,
            "next_cursor": jobs.next_cursor,
            "labels": RECORD_TYPE_LABELS,
            "draft": draft_of(request),
            "can_import": request.user.can_write,
        },
    )


def _counts(job: ImportJob) -> list[tuple[str, str, int]]:
    """(key, label, count) of each outcome, as a dry run or an import words it."""
    if job.dry_run:
        labels = [
            ("created", _("Would be created")),
            ("updated", _("Would be updated")),
            ("merged", _("Would be merged")),
            ("flagged", _("Would be flagged")),
            ("unchanged", _("Would stay as they are")),
            ("rejected", _("Would be rejected")),
        ]
    else:
        labels = [
            ("created", _("Created")),
            ("updated", _("Updated")),
            ("merged", _("Merged")),
            ("flagged", _("Flagged as possible duplicates")),
            ("unchanged", _("Unchanged or skipped")),
            ("rejected", _("Rejected")),
        ]
    return [(key, label, getattr(job, key)) for key, label in labels]


def _dedupe_url() -> str:
    try:
        return reverse("dedupe:review")
    except NoReverseMatch:
        return ""


def _job_context(request: AuthedRequest, job: ImportJob) -> dict[str, Any]:
    rejected = ImportRow.Outcome.WOULD_REJECT if job.dry_run else ImportRow.Outcome.REJECTED
    rows = (
        selectors.job_rows(job=job, outcome=rejected, limit=SHOWN_ROWS).items
        if job.finished or job.rejected
        else []
    )
    draft = draft_of(request)
    is_done = job.status == ImportJob.Status.DONE
    return {
        "job": job,
        "poll_url": reverse("imports:job", args=[job.pk]),
        "panel_kind": "import",
        "type_label": RECORD_TYPE_LABELS.get(job.record_type, job.record_type),
        "percent": int(job.progress * 100),
        "counts": _counts(job),
        "rejected_rows": [(r, selectors.reasons_text(r.reasons)) for r in rows],
        "more_rejected": job.rejected > len(rows),
        "made": []
        if job.dry_run or job.status == ImportJob.Status.UNDONE
        else selectors_web.made_records(viewer=request.user, job=job),
        "list_url": selectors_web.list_url(job),
        "records_url": selectors_web.records_url(job),
        "dedupe_url": _dedupe_url() if job.flagged and not job.dry_run else "",
        "draft_here": bool(draft and job.pk in draft.get("jobs", [])),
        "can_write": request.user.can_write,
        "can_run": request.user.can_write and job.dry_run and is_done,
        "can_undo": request.user.can_write
        and not job.dry_run
        and job.status in (ImportJob.Status.DONE, ImportJob.Status.CANCELLED)
        and (job.created or job.updated or job.flagged or job.merged),
        "can_cancel": request.user.can_write and not job.finished,
    }


@page
@require_GET
def job_page(request: AuthedRequest, import_id: int) -> HttpResponse:
    """An import: its progress while it runs; its counts, rejected rows and report when done;
    for a dry run, the button that imports the file for real."""
    job = selectors.job_get(viewer=request.user, job_id=import_id)
    return job_progress_page(
        request,
        _job_context(request, job),
        page="imports/job.html",
        panel="imports/_job_panel.html",
    )


@page
@require_POST
def job_run(request: AuthedRequest, import_id: int) -> HttpResponse:
    """Import for real what a dry run checked."""
    job = selectors.job_get(viewer=request.user, job_id=import_id)
    try:
        started = services.import_from_dry_run(actor=request.user, job=job)
    except ValidationFailed as exc:
        messages.error(request, _error_text(exc))
        return redirect("imports:job", job.pk)
    draft_ended_by(request, job.pk)
    return redirect("imports:job", started.pk)


@page
@require_POST
def job_cancel(request: AuthedRequest, import_id: int) -> HttpResponse:
    job = selectors.job_get(viewer=request.user, job_id=import_id)
    try:
        services.import_cancel(actor=request.user, job=job)
    except ValidationFailed as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("The import stops after the rows in progress."))
    return redirect("imports:job", job.pk)


@page
@require_http_methods(["GET", "POST"])
def job_undo(request: AuthedRequest, import_id: int) -> HttpResponse:
    """GET: what an undo does, and a button to confirm; POST: undo the import."""
    job = selectors.job_get(viewer=request.user, job_id=import_id)
    context = _job_context(request, job)
    if request.method == "POST":
        try:
            services.import_undo(actor=request.user, job=job)
        except ValidationFailed as exc:
            messages.error(request, _error_text(exc))
            return redirect("imports:job", job.pk)
        job.refresh_from_db()
        if job.undo_report:
            messages.warning(request, _("The import is undone, except what is listed below."))
        else:
            messages.success(request, _("The import is undone."))
        return redirect("imports:job", job.pk)
    if not context["can_undo"]:
        messages.error(request, _("This import cannot be undone."))
        return redirect("imports:job", job.pk)
    return render(request, "imports/undo.html", context)


@page
@require_GET
def job_report(request: AuthedRequest, import_id: int) -> Any:
    """The per-row report as a CSV file (row, outcome, record_id, reasons), streamed."""
    from sambandh.exports.writers import csv_pieces

    job = selectors.job_get(viewer=request.user, job_id=import_id)
    lines = selectors.job_report_lines(job=job)
    headers = next(lines)
    response = StreamingHttpResponse(
        csv_pieces(headers, lines), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="import-{job.pk}-report.csv"'
    return response
