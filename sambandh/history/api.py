"""/api/v1/audit: the audit trail, searched by an administrator, and restoring an earlier value
of a field (docs/api.md, docs/audit.md)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from sambandh.accounts.selectors import acting_user as viewer
from sambandh.core.api import ErrorOut, StrictSchema, expected_version, page_out
from sambandh.core.audit import row_changes
from sambandh.core.models import AuditEvent
from sambandh.core.pagination import clamp_limit
from sambandh.history import selectors, services

router = Router(tags=["audit"])
ERRORS: dict[int, Any] = {k: ErrorOut for k in (401, 403, 404, 409, 422, 428)}


class ActorRef(Schema):
    id: int
    name: str


class AuditOut(Schema):
    id: int
    at: datetime
    actor: ActorRef | None = Field(description="None: the system (or a deleted user: actor_id).")
    actor_id: int | None
    action: str
    record_type: str
    record_id: int | None
    source: str = Field(description="interface, api, import, job, cli or system.")
    ip: str | None
    summary: str
    changes: dict[str, list[Any]] = Field(
        description='Every field the entry names: {"field": [before, after]}.'
    )


class AuditPage(Schema):
    items: list[AuditOut]
    next: str | None


class AuditFilters(Schema):
    record_type: str | None = Field(None, max_length=40)
    record_id: int | None = Field(None, ge=1, le=2**63 - 1)
    actor_id: int | None = Field(None, ge=1, le=2**63 - 1)
    action: str | None = Field(None, max_length=20)
    since: datetime | None = Field(None, description="Entries at or after this time.")
    until: datetime | None = Field(None, description="Entries before this time.")
    limit: int = Field(50, ge=1, le=200)
    cursor: str | None = Field(None, max_length=500)


class RestoreIn(StrictSchema):
    field: str = Field(max_length=100, description="A field the entry changed (``job_title``).")
    version: int | None = Field(
        None, ge=0, description="The record's version you saw (or an If-Match header)."
    )


class RestoreOut(Schema):
    record_type: str
    record_id: int
    field: str
    value: Any
    version: int | None


def audit_out(row: AuditEvent) -> dict[str, Any]:
    actor = row.actor if row.actor_id is not None else None
    return {
        "id": row.pk,
        "at": row.at,
        "actor": {"id": actor.pk, "name": str(actor)} if actor is not None else None,
        "actor_id": row.actor_id,
        "action": row.action,
        "record_type": row.record_type,
        "record_id": row.record_id,
        "source": row.source,
        "ip": row.ip,
        "summary": row.summary,
        "changes": row_changes(row),
    }


@router.get("", response={200: AuditPage, **ERRORS})
def search(request: HttpRequest, filters: Query[AuditFilters]) -> Any:
    """The audit trail, newest first: administrators only (403 otherwise)."""
    page = selectors.audit_search(
        viewer=viewer(request),
        record_type=filters.record_type or "",
        record_id=filters.record_id,
        actor_id=filters.actor_id,
        action=filters.action or "",
        since=filters.since,
        until=filters.until,
        limit=clamp_limit(filters.limit),
        cursor=filters.cursor,
    )
    return page_out(page, audit_out)


@router.post("/{id:event_id}/restore", response={200: RestoreOut, **ERRORS})
def restore(request: HttpRequest, event_id: int, payload: RestoreIn) -> Any:
    """Put back the value ``field`` had before this entry changed it (a create's entry: the
    value it was created with), as a new audited change through the record's own update. Needs
    the record's current version (409 when stale); anyone who may change that field of that
    record may do it."""
    done = services.audit_restore(
        actor=viewer(request),
        event_id=event_id,
        field=payload.field,
        version=expected_version(request, payload.version),
    )
    return {
        "record_type": done.record_type.key,
        "record_id": done.record.pk,
        "field": done.field,
        "value": done.value,
        "version": getattr(done.record, "version", None),
    }
