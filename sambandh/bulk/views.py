"""The pages of bulk actions: a list's selection form posts here (``bulk/_bar.html``), the job
page shows its progress (refreshing itself while it runs) and offers its undo. Thin: they parse
the form and call bulk.services and bulk.selectors, as the API does."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from sambandh.accounts import policy
from sambandh.bulk import selectors, services
from sambandh.bulk.fields import bulk_field, parse_value
from sambandh.bulk.models import BulkItem, BulkJob
from sambandh.core import formats, registry
from sambandh.core.counts import approximate_count
from sambandh.core.errors import ValidationFailed
from sambandh.core.ids import id_or_none
from sambandh.core.pagination import MAX_LIMIT
from sambandh.web.date_inputs import posted_day
from sambandh.web.http import AuthedRequest, job_progress_page, page, safe_next

#: The query parameters of a list page that are not its filters.
NOT_FILTERS = {"sort", "cols", "cursor", "view", "limit", "per_page"}


def _record_type(list_key: str) -> registry.RecordType:
    rt = registry.by_list_key(list_key)
    if rt is None or not services.supports_bulk(rt):
        raise Http404()
    return rt


def _error_text(exc: ValidationFailed) -> str:
    return " ".join(dict.fromkeys([exc.message, *exc.fields.values()]))


@page
@require_POST
def bulk_start(request: AuthedRequest, list_key: str) -> HttpResponse:
    """Start a bulk action from a list page's selection: the rows ticked (``ids``), or every
    record that matches the list's filters (``scope=matching``, the filters as ``filter.*``)."""
    rt = _record_type(list_key)
    policy.ensure_can_write(request.user)
    back = safe_next(request, reverse(rt.list_url) if rt.list_url else "/")
    post = request.POST
    action = post.get("action", "")
    ids: list[int] | None = None
    filters: dict[str, str] | None = None
    if post.get("scope") == "matching":
        filters = {
            k[len("filter.") :]: str(post.get(k, "")) for k in post if k.startswith("filter.")
        }
    else:
        raw = post.getlist("ids")
        ids = [pk for pk in (id_or_none(v) for v in raw) if pk is not None]
        if len(ids) != len(raw):
            messages.error(request, _("Some selected rows were not valid. Select them again."))
            return redirect(back)
    tag = post.get("tag", "").strip()
    try:
        job = services.bulk_job_start(
            actor=request.user,
            record_type=rt.key,
            action=action,
            ids=ids,
            filters=filters,
            owner_id=id_or_none(post.get("owner_id")) if action == "assign" else None,
            tags=[tag] if action in ("tag", "untag") else None,
            values=_edit_values(request, rt) if action == "update" else None,
            **(_share_target(request) if action == "share" else {}),
        )
    except ValidationFailed as exc:
        messages.error(request, _error_text(exc))
        return redirect(back)
    return redirect("bulk:job", job.pk)


def _edit_values(request: AuthedRequest, rt: registry.RecordType) -> dict[str, Any]:
    """The bar's "Edit a field": the field chosen (one offered to the user), the value typed."""
    item = bulk_field(request.user, rt, request.POST.get("field", ""))
    if item is None:
        raise ValidationFailed(fields={"field": _("Choose a field you may change.")})
    try:
        return {item.name: parse_value(item, posted_day(request.POST, "value"))}
    except ValidationFailed as exc:
        raise ValidationFailed(
            fields={item.name: f"{item.label}: {exc.fields.get('value', exc.message)}"}
        ) from None


def _share_target(request: AuthedRequest) -> dict[str, Any]:
    """The bar's "Share with": ``user:<id>`` or ``team:<id>``, and the access (read by default)."""
    kind, _sep, raw = request.POST.get("with", "").partition(":")
    pk = id_or_none(raw)
    if pk is None or kind not in ("user", "team"):
        raise ValidationFailed(fields={"with": _("Choose a user or a team to share with.")})
    access = request.POST.get("access") or "read"
    return {f"{kind}_id": pk, "access": access}


@page
@require_GET
def bulk_field_input(request: AuthedRequest, list_key: str) -> HttpResponse:
    """The value input of "Edit a field" for the field chosen (a select of its choices, a date,
    a number...), which the bar's script swaps in: 403 for a read-only user, 404 for a field
    the user may not change."""
    rt = _record_type(list_key)
    policy.ensure_can_write(request.user)
    item = bulk_field(request.user, rt, request.GET.get("field", ""))
    if item is None:
        raise Http404()
    return render(request, "bulk/_field_input.html", {"item": item})


@page
@require_GET
def bulk_count(request: AuthedRequest, list_key: str) -> HttpResponse:
    """How many records match the list's filters (every page), for "Select all N matching"."""
    rt = _record_type(list_key)
    raw = {k: v for k, v in request.GET.items() if k not in NOT_FILTERS}
    try:
        count = services.matching(request.user, rt, services.clean_filter(rt, raw)).count()
    except ValidationFailed as exc:
        return JsonResponse({"count": None, "error": _error_text(exc)}, status=422)
    label = ngettext(
        "Select the %(count)s record that matches, on every page",
        "Select all %(count)s that match, on every page",
        count,
    ) % {"count": f"{count:,}"}
    return JsonResponse({"count": count, "label": label})


@page
@require_GET
def list_count(request: AuthedRequest, list_key: str) -> HttpResponse:
    """How many records a list shows for its filters, on every page: exact up to ten thousand,
    then "about" (core/counts.py). Any signed-in user may ask; the policy decides what counts."""
    rt = _record_type(list_key)
    raw = {k: v for k, v in request.GET.items() if k not in NOT_FILTERS}
    try:
        found = approximate_count(
            services.matching(request.user, rt, services.clean_filter(rt, raw))
        )
    except ValidationFailed as exc:
        return JsonResponse({"count": None, "error": _error_text(exc)}, status=422)
    shown = formats.number(found.rounded)
    if found.exact:
        text = ngettext("%(count)s result", "%(count)s results", found.value) % {"count": shown}
    else:
        text = _("About %(count)s results") % {"count": shown}
    return JsonResponse({"count": found.rounded, "exact": found.exact, "text": text})


def _job_context(request: AuthedRequest, job: BulkJob) -> dict[str, Any]:
    rt = registry.find(job.record_type)
    cursor = (request.GET.get("cursor") or "")[:500] or None
    shown = request.GET.get("outcome") or ""
    if shown not in BulkItem.Outcome.values:
        shown = ""
    try:
        outcomes = selectors.job_outcomes(
            job=job, outcome=shown or None, limit=min(100, MAX_LIMIT), cursor=cursor
        )
    except ValidationFailed:
        outcomes = selectors.job_outcomes(job=job, outcome=shown or None, limit=100)
    names = selectors.shown_names(viewer=request.user, job=job, items=outcomes.items)
    undone_by = selectors.job_undone_by(job=job)
    return {
        "job": job,
        "poll_url": request.get_full_path(),
        "record_type": rt,
        "outcomes": [(item, names.get(item.record_id)) for item in outcomes.items],
        "next_cursor": outcomes.next_cursor,
        "shown": shown,
        "percent": int(job.processed * 100 / job.total) if job.total else 100,
        "undone_by": undone_by,
        "can_undo": (
            request.user.can_write
            and job.action != BulkJob.Action.UNDO
            and job.status in (BulkJob.Status.DONE, BulkJob.Status.FAILED)
            and job.changed > 0
        ),
        "outcome_choices": BulkItem.Outcome.choices,
    }


@page
@require_GET
def job_page(request: AuthedRequest, job_id: int) -> HttpResponse:
    """A bulk job: its progress (the panel asks for itself again every second while the job
    runs), its counts, each record's outcome with the reason it was skipped, and its undo."""
    job = selectors.job_get(viewer=request.user, job_id=job_id)
    return job_progress_page(
        request, _job_context(request, job), page="bulk/job.html", panel="bulk/_job_panel.html"
    )


@page
@require_POST
def job_undo(request: AuthedRequest, job_id: int) -> HttpResponse:
    job = selectors.job_get(viewer=request.user, job_id=job_id)
    try:
        undo = services.bulk_job_undo(actor=request.user, job=job)
    except ValidationFailed as exc:
        messages.error(request, _error_text(exc))
        return redirect("bulk:job", job.pk)
    return redirect("bulk:job", undo.pk)
