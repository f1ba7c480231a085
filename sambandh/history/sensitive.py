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


def record_sensitive_read(
    *,
    viewer: Any,
    record_type: str,
    record_id: int,
    fields: Any = None,
    via: str = "",
) -> AuditEvent | None:
    """Write the "read" row for ``viewer`` having been shown record ``record_id``: the marked
    fields (of ``fields`` when given, else all) their field policy lets them see; ``via`` says
    where when it was not the record's page (``form``, ``inline``, ``history``...). None when
    no such field."""
    marks = core_sensitive.sensitive_fields(record_type, viewer)
    if fields is not None:
        marks = marks & frozenset(fields)
    if not marks:
        return None
    access = policy.field_access(viewer, record_type)
    shown = [name for name in marks if access.shows(name)]
    if not shown:
        return None
    return audit_read(
        actor=viewer, record_type=record_type, record_id=record_id, fields=shown, via=via
    )


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
#: API paths of one record that are not their type's own (a task is an activity).
_API_ALIASES = {"tasks": "activity"}

#: What a successful GET showed of one record: its type, id, the fields (None: all the viewer
#: may see) and where ("" for its page, panel or API read).
Shown = tuple[registry.RecordType, int, "tuple[str, ...] | None", str]


def _shown_record(request: HttpRequest) -> Shown | None:
    """The record a successful GET showed: its API read, its record page, its side panel, its
    edit form (every field, as the page) or one field's inline editor."""
    match = _API_RECORD.match(request.path_info)
    if match is not None:
        alias = _API_ALIASES.get(match[1])
        rt = registry.find(alias) if alias else registry.by_api_path(match[1])
        return (rt, int(match[2]), None, "") if rt is not None else None
    resolved = getattr(request, "resolver_match", None)
    if resolved is None:
        return None
    if resolved.view_name in ("panels:record", "inline_field"):
        rt = registry.find(str(resolved.kwargs.get("record_type", "")))
        record_id = resolved.kwargs.get("record_id")
        if rt is None or not record_id:
            return None
        if resolved.view_name == "panels:record":
            return (rt, int(record_id), None, "")
        return (rt, int(record_id), (str(resolved.kwargs.get("field", "")),), "inline")
    for rt in registry.record_types():
        if resolved.view_name in (rt.detail_url, rt.edit_url):
            ids = [v for v in resolved.kwargs.values() if isinstance(v, int)]
            if len(ids) != 1:
                return None
            form = resolved.view_name == rt.edit_url and rt.edit_url != rt.detail_url
            return (rt, ids[0], None, "form" if form else "")
    return None


class SensitiveReadMiddleware:
    """After a successful GET of a record page, panel, edit form, inline editor or API record,
    the read of its sensitive fields, once; then the reads the answer noted
    (core/sensitive.py): one row per other record it showed whole, one per record type for
    many. (In both stacks: settings.MIDDLEWARE and API_MIDDLEWARE.)"""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return response
        many = core_sensitive.take_shown(user)
        records = core_sensitive.take_records(user)
        if request.method == "GET" and response.status_code == 200:
            shown = _shown_record(request)
            if shown is not None:
                rt, record_id, fields, via = shown
                if fields is None:  # the page's own read covers what it noted of the record
                    records.pop((rt.key, record_id), None)
                record_sensitive_read(
                    viewer=user, record_type=rt.key, record_id=record_id, fields=fields, via=via
                )
        refused = core_sensitive.take_refused(user)
        anyway = core_sensitive.take_answered_anyway(user)
        if response.status_code >= 400 and not (anyway and response.status_code < 500):
            return response  # an error shows nothing it noted, unless it says so
        for key in refused & records.keys():
            # A refused form shown again shows the stored values of the fields read-only for
            # the viewer (what was typed in the others), with its 200 or its 409.
            access = policy.field_access(user, key[0])
            names, where = records[key]
            records[key] = ([n for n in names if not access.can_change(n)], where)
        # Other records shown whole or in part (a form, the History tab): one row each.
        for (kind, pk), (names, where) in records.items():
            if names:
                record_sensitive_read(
                    viewer=user, record_type=kind, record_id=pk, fields=names, via=where
                )
        # Lists and searches: one row per record type for the whole answer.
        for kind, (ids, names, where) in many.items():
            record_sensitive_list_read(
                viewer=user, record_type=kind, ids=ids, fields=names, via=where
            )
        return response
