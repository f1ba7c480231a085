"""The downloads of the web interface: a list's "Export" menu (its filters, sort and saved
view, every page) and the selection bar's export of the ticked rows. Thin: they read the
request, make the plan (exports.selectors) and answer the file (exports.responses)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from sambandh.core.errors import ValidationFailed
from sambandh.core.saved_views import saved_views_for
from sambandh.exports.responses import export_response
from sambandh.exports.selectors import export_plan, parse_ids, record_type_for
from sambandh.web.http import AuthedRequest, page, safe_next

#: A list page's query parameters that are not its filters.
NOT_FILTERS = {"format", "view", "sort", "cols", "cursor", "per_page", "limit", "next"}
MAX_FILTER_LENGTH = 200


def _format(value: str | None, record_type: str) -> str | None:
    allowed = ("csv", "xlsx", "vcf") if record_type == "person" else ("csv", "xlsx")
    return value if value in allowed else None


def _list_url(rt: Any, params: dict[str, str] | None = None) -> str:
    url = reverse(rt.list_url) if rt.list_url else "/"
    return url + ("?" + urlencode(params) if params else "")


def _error_text(exc: ValidationFailed) -> str:
    return " ".join(dict.fromkeys([exc.message, *exc.fields.values()]))


def list_parts(request: AuthedRequest, list_key: str) -> tuple[dict[str, str], str]:
    """The filters and sort a list link carries: a saved view's (``?view=<id>`` alone), or the
    parameters themselves, as the list page reads them (web/lists.py)."""
    get = request.GET
    own = {
        k: str(get.get(k) or "").replace("\x00", "").strip() for k in get if k not in NOT_FILTERS
    }
    own = {k[:120]: v[:MAX_FILTER_LENGTH] for k, v in own.items() if v}
    view_id = get.get("view")
    if view_id and not own and "sort" not in get:
        view = next(
            (v for v in saved_views_for(request.user, list_key) if str(v.pk) == view_id), None
        )
        if view is not None:
            return {k: str(v) for k, v in (view.filters or {}).items() if v}, view.sort or ""
    return own, str(get.get("sort") or "")[:80]


@page
@require_GET
def export_list(request: AuthedRequest, list_key: str) -> HttpResponse:
    """``/exports/<list>/?format=csv|xlsx|vcf&<the list's parameters>``: every record the list
    shows, on every page."""
    rt = record_type_for(list_key)
    filters, sort = list_parts(request, list_key)
    back = _list_url(rt, {k: str(v) for k, v in request.GET.items() if k != "format"})
    fmt = _format(request.GET.get("format"), rt.key)
    if fmt is None:
        messages.error(request, _("Choose a file format to export."))
        return redirect(back)
    try:
        plan = export_plan(viewer=request.user, record_type=rt.key, filters=filters, sort=sort)
    except ValidationFailed as exc:
        messages.error(request, _error_text(exc))
        return redirect(back)
    return export_response(plan, fmt)


@page
@require_POST
def export_selection(request: AuthedRequest, list_key: str) -> HttpResponse:
    """The selection bar's export: the ticked rows (``ids``), or every record that matches the
    list's filters (``scope=matching``, the filters as ``filter.*``)."""
    rt = record_type_for(list_key)
    back = safe_next(request, _list_url(rt))
    post = request.POST
    fmt = _format(post.get("format"), rt.key)
    ids: list[int] | None = None
    filters: dict[str, str] = {}
    if post.get("scope") == "matching":
        filters = {
            k[len("filter.") :]: str(post.get(k, "")) for k in post if k.startswith("filter.")
        }
    else:
        ids = parse_ids(post.getlist("ids"))
        if ids is None:
            messages.error(request, _("Some selected rows were not valid. Select them again."))
            return redirect(back)
        if not ids:
            messages.error(request, _("Tick the rows to export first."))
            return redirect(back)
    if fmt is None:
        messages.error(request, _("Choose a file format to export."))
        return redirect(back)
    try:
        plan = export_plan(viewer=request.user, record_type=rt.key, filters=filters, ids=ids)
    except ValidationFailed as exc:
        messages.error(request, _error_text(exc))
        return redirect(back)
    return export_response(plan, fmt)
