"""The recycle bin page: what the signed-in user may restore, and restoring it."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from sambandh.core import registry
from sambandh.core.errors import Conflict, ValidationFailed
from sambandh.recyclebin import selectors, services
from sambandh.recyclebin.services import Purged
from sambandh.web.http import AuthedRequest, page


@page
@require_GET
def bin_list(request: AuthedRequest) -> HttpResponse:
    record_type = request.GET.get("type", "")
    if registry.find(record_type) is None:
        record_type = ""
    cursor = (request.GET.get("cursor") or "")[:500] or None
    try:
        found = selectors.entry_page(viewer=request.user, record_type=record_type, cursor=cursor)
    except ValidationFailed:  # a hand-edited cursor: the first page
        found = selectors.entry_page(viewer=request.user, record_type=record_type)
    rows = [
        {
            "entry": entry,
            "type_label": selectors.type_label(entry.record_type),
            "linked": selectors.linked_counts(entry),
            "days_left": selectors.days_left(entry),
        }
        for entry in found.items
    ]
    return render(
        request,
        "recyclebin/bin.html",
        {
            "rows": rows,
            "next_cursor": found.next_cursor,
            "record_type": record_type,
            "types": [(t.key, t.label_plural) for t in registry.record_types()],
            "keep_days": selectors.keep_days(),
        },
    )


@page
@require_POST
def bin_restore(request: AuthedRequest, entry_id: int) -> HttpResponse:
    """Restore and open the record; a purged or conflicting entry says why, on the bin page."""
    try:
        done = services.bin_restore(actor=request.user, entry_id=entry_id)
    except (Purged, Conflict) as exc:
        messages.error(request, exc.message)
        return redirect("recyclebin:list")
    if done.dropped:
        messages.warning(
            request,
            _(
                "%(name)s was restored. %(count)s links to records deleted since could not be "
                "put back."
            )
            % {"name": done.summary, "count": len(done.dropped)},
        )
    else:
        messages.success(request, _("%(name)s was restored.") % {"name": done.summary})
    return redirect(done.url)
