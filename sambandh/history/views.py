"""A record's History tab, and putting an earlier value back from it."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from sambandh.core import registry
from sambandh.core.errors import Conflict, NotFound, ValidationFailed
from sambandh.core.models import AuditEvent
from sambandh.history import selectors, services
from sambandh.web.http import AuthedRequest, page
from sambandh.web.records import posted_version


def _positive(raw: str | None) -> int | None:
    try:
        value = int(str(raw or ""))
    except ValueError:
        return None
    return value if 0 < value < 2**63 else None


@page
@require_GET
def record_history(request: AuthedRequest, record_type: str, record_id: int) -> HttpResponse:
    if registry.find(record_type) is None:
        raise NotFound()
    history = selectors.record_history(
        viewer=request.user,
        record_type=record_type,
        record_id=record_id,
        before=_positive(request.GET.get("before")),
    )
    return render(
        request,
        "history/history.html",
        {
            "history": history,
            "record": history.record,
            "record_type": history.record_type.key,
            "record_url": history.record_type.url(record_id),
            "sources": dict(AuditEvent.Source.choices),
            "actions": dict(AuditEvent.Action.choices),
        },
    )


@page
@require_POST
def restore(request: AuthedRequest, event_id: int) -> HttpResponse:
    """Put the value back; a stale version or a refused value says why, on the History tab."""
    row = AuditEvent.objects.filter(pk=event_id).only("record_type", "record_id").first()
    rt = registry.find(row.record_type) if row is not None else None
    if row is None or rt is None or row.record_id is None:
        raise NotFound()
    back = reverse("history:record", args=[rt.key, row.record_id])
    version = posted_version(request)
    if version is None:
        messages.error(request, _("Reload the page and try again."))
        return redirect(back)
    field = str(request.POST.get("field") or "")[:100]
    try:
        done = services.audit_restore(
            actor=request.user, event_id=event_id, field=field, version=version
        )
    except Conflict:
        messages.error(
            request,
            _(
                "Someone changed this record since you opened its history. Nothing was put "
                "back: check the latest values and try again."
            ),
        )
        return redirect(back)
    except ValidationFailed as exc:
        messages.error(request, " ".join(dict.fromkeys([exc.message, *exc.fields.values()])))
        return redirect(back)
    label = selectors.field_spec(rt, done.field)
    messages.success(
        request,
        _("%(field)s was put back to its earlier value.")
        % {"field": str(label.label) if label is not None else done.field},
    )
    return redirect(back)
