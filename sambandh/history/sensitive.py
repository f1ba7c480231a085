"""Sensitive fields: an administrator marks a field (Settings → Field permissions), and every
record page, side panel or API read that shows it to someone writes one "read" audit row naming
the marked fields it showed. A field the viewer's field policy hides is not shown, so not
logged."""

from __future__ import annotations

import logging
import re
from typing import Any

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from sambandh.accounts import policy
from sambandh.core import registry
from sambandh.core import sensitive as core_sensitive
from sambandh.core.audit import audit_read, audit_record
from sambandh.core.errors import ValidationFailed
from sambandh.core.models import AuditEvent, SensitiveField

logger = logging.getLogger(__name__)


def sensitive_fields(record_type: str) -> frozenset[str]:
    """The field names of ``record_type`` marked sensitive (one query)."""
    return core_sensitive.sensitive_fields(record_type)


@transaction.atomic
def sensitive_field_set(*, actor: Any, record_type: str, field: str, sensitive: bool) -> bool:
    """Mark or unmark one field; an administrator's change, audited ("permission_change"). Answers
    whether anything changed."""
    policy.ensure_admin(actor)
    rt = registry.get(record_type)
    spec = rt.field(field)
    if spec is None:
        raise ValidationFailed(fields={"field": _("No such field.")})
    existing = SensitiveField.objects.filter(record_type=rt.key, field=spec.name).first()
    if bool(sensitive) == (existing is not None):
        return False
    if sensitive:
        SensitiveField.objects.create(record_type=rt.key, field=spec.name, marked_by=actor)
    else:
        SensitiveField.objects.filter(pk=existing.pk).delete()  # type: ignore[union-attr]
    audit_record(
        actor=actor,
        action="permission_change",
        record_type=rt.key,
        changes={"field": spec.name, "sensitive": [not sensitive, bool(sensitive)]},
        summary=f"{rt.key}.{spec.name}",
    )
    return True


def record_sensitive_read(*, viewer: Any, record_type: str, record_id: int) -> AuditEvent | None:
    """Write the "read" row for ``viewer`` having been shown record ``record_id``: the marked
    fields their field policy lets them see. None when no such field."""
    marks = core_sensitive.sensitive_fields(record_type, viewer)
    if not marks:
        return None
    access = policy.field_access(viewer, record_type)
    shown = [name for name in marks if access.shows(name)]
    if not shown:
        return None
    return audit_read(actor=viewer, record_type=record_type, record_id=record_id, fields=shown)


def record_sensitive_list_read(
    *, viewer: Any, record_type: str, ids: list[int], fields: list[str], via: str
) -> AuditEvent | None:
    """The one "read" row of a list, search or export that showed ``viewer`` the sensitive
    ``fields`` of the records ``ids`` (only those their field policy lets them see)."""
    access = policy.field_access(viewer, record_type)
    marks = core_sensitive.sensitive_fields(record_type, viewer)
    shown = [name for name in fields if name in marks and access.shows(name)]
    if not shown or not ids:
        return None
    return audit_read(
        actor=viewer, record_type=record_type, record_id=None, fields=shown, ids=ids, via=via
    )


_API_RECORD = re.compile(r"^/api/v1/([a-z0-9_-]+)/([1-9][0-9]{0,17})/?$")


def _shown_record(request: HttpRequest) -> tuple[registry.RecordType, int] | None:
    """The record a successful GET showed whole: its API read, its record page or its side
    panel."""
    match = _API_RECORD.match(request.path_info)
    if match is not None:
        rt = registry.by_api_path(match[1])
        return (rt, int(match[2])) if rt is not None else None
    resolved = getattr(request, "resolver_match", None)
    if resolved is None:
        return None
    if resolved.view_name == "panels:record":
        rt = registry.find(str(resolved.kwargs.get("record_type", "")))
        record_id = resolved.kwargs.get("record_id")
        return (rt, int(record_id)) if rt is not None and record_id else None
    for rt in registry.record_types():
        if rt.detail_url == resolved.view_name:
            ids = [v for v in resolved.kwargs.values() if isinstance(v, int)]
            return (rt, ids[0]) if len(ids) == 1 else None
    return None


class SensitiveReadMiddleware:
    """After a successful GET of a record page, panel or API record, the read of its sensitive
    fields, once. (In both stacks: settings.MIDDLEWARE and API_MIDDLEWARE.)"""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return response
        many = core_sensitive.take_shown(user)
        if request.method == "GET" and response.status_code == 200:
            shown = _shown_record(request)
            if shown is not None:
                record_sensitive_read(viewer=user, record_type=shown[0].key, record_id=shown[1])
        if response.status_code < 400:
            # Lists and searches: one row per record type for the whole answer.
            for record_type, (ids, fields, via) in many.items():
                record_sensitive_list_read(
                    viewer=user, record_type=record_type, ids=ids, fields=fields, via=via
                )
        return response
