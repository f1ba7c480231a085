"""Settings → Audit log: the whole audit trail, filtered as the API's ``GET /api/v1/audit``
(history/selectors.py ``audit_search``)."""

from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from sambandh.administration.views import admin_page, render_tab
from sambandh.core import registry
from sambandh.core.audit import row_changes
from sambandh.core.errors import ValidationFailed
from sambandh.core.models import AuditEvent
from sambandh.history.selectors import audit_search
from sambandh.web.http import AuthedRequest


def _id(raw: str, name: str, errors: dict[str, str]) -> int | None:
    if not raw:
        return None
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if not 0 < value < 2**63:
        errors[name] = _("Enter a whole number above zero.")
        return None
    return value


def _since(raw: str, errors: dict[str, str]) -> datetime.datetime | None:
    if not raw:
        return None
    try:
        day = parse_date(raw)
        moment = parse_datetime(raw) if day is None else None
    except ValueError:
        day = moment = None
    if day is not None:
        moment = datetime.datetime.combine(day, datetime.time.min)
    if moment is None:
        errors["since"] = _("Enter a date like 2026-12-31.")
        return None
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


@admin_page
@require_GET
def audit_log(request: AuthedRequest) -> HttpResponse:
    get = request.GET
    errors: dict[str, str] = {}
    record_type = str(get.get("record_type") or "")[:40]
    record_id = _id(str(get.get("record_id") or "").strip(), "record_id", errors)
    actor_id = _id(str(get.get("actor_id") or "").strip(), "actor_id", errors)
    action = str(get.get("action") or "")[:20]
    if action and action not in AuditEvent.Action.values:
        errors["action"] = _("Choose an action from the list.")
    since = _since(str(get.get("since") or "").strip()[:40], errors)
    rows: list[Any] = []
    next_cursor = None
    if not errors:
        filters: dict[str, Any] = {
            "record_type": record_type,
            "record_id": record_id,
            "actor_id": actor_id,
            "action": action,
            "since": since,
        }
        try:
            found = audit_search(
                viewer=request.user, cursor=(get.get("cursor") or "")[:500] or None, **filters
            )
        except ValidationFailed:  # a hand-edited cursor: the first page
            found = audit_search(viewer=request.user, **filters)
        rows = [{"event": row, "changes": row_changes(row)} for row in found.items]
        next_cursor = found.next_cursor
    query = get.copy()
    query.pop("cursor", None)
    return render_tab(
        request,
        "administration/audit.html",
        "audit",
        {
            "rows": rows,
            "next_cursor": next_cursor,
            "query": query.urlencode(),
            "errors": errors,
            "filters": {
                "record_type": record_type,
                "record_id": get.get("record_id", ""),
                "actor_id": get.get("actor_id", ""),
                "action": action,
                "since": get.get("since", ""),
            },
            "actions": AuditEvent.Action.choices,
            "types": sorted(
                {
                    *(t.key for t in registry.record_types()),
                    "user",
                    "team",
                    "pipeline",
                    "custom_field",
                    "company_settings",
                }
            ),
        },
        status=422 if errors else 200,
    )
