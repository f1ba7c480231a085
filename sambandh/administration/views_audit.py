"""Settings → Audit log: the whole audit trail, filtered as the API's ``GET /api/v1/audit``
(history/selectors.py ``audit_search``)."""

from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from sambandh.administration.views import admin_page, render_tab
from sambandh.core import dates_input, registry
from sambandh.core.audit import row_changes
from sambandh.core.errors import ValidationFailed
from sambandh.core.models import AuditEvent
from sambandh.history.selectors import audit_search
from sambandh.web.date_inputs import Typed, posted_day
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


def _since(text: str, errors: dict[str, str]) -> tuple[datetime.datetime | None, Any]:
    """The moment ``?since=`` names and what the filter shows: the picker's ISO day, a day
    typed in the viewer's format (``since_date``), or an ISO date and time (a link); a day is
    its start in the viewer's time zone."""
    if not text:
        return None, ""
    try:
        moment = parse_datetime(text) if ":" in text else None
    except ValueError:
        moment = None
    if moment is not None:
        return (timezone.make_aware(moment) if timezone.is_naive(moment) else moment), text
    try:
        day = dates_input.parse_date_input(text, field="since")
    except ValidationFailed as exc:
        errors["since"] = exc.fields.get("since") or exc.message
        return None, Typed(text)
    if day is None:
        return None, ""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min)), day


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
    since, since_shown = _since(posted_day(get, "since").strip()[:40], errors)
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
                "since": since_shown,
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
