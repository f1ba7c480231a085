"""Record audit events as rows, inside the caller's transaction."""

from __future__ import annotations

import datetime
import decimal
from typing import Any

from django.db import models

from sambandh.core.models import AuditEvent


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, list | tuple | set):
        return [_plain(v) for v in value]
    return value


def audit_record(
    *,
    actor: Any,
    action: str,
    record_type: str = "",
    record_id: int | None = None,
    changes: dict[str, Any] | None = None,
    summary: str = "",
) -> AuditEvent:
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        record_type=record_type,
        record_id=record_id,
        changes={k: _plain(v) for k, v in (changes or {}).items()},
        summary=summary[:300],
    )


def diff_fields(instance: models.Model, data: dict[str, Any]) -> dict[str, list[Any]]:
    """Apply ``data`` to ``instance`` and return {field: [old, new]} for what really changed."""
    changes: dict[str, list[Any]] = {}
    for name, new in data.items():
        old = getattr(instance, name)
        if old != new:
            changes[name] = [_plain(old), _plain(new)]
            setattr(instance, name, new)
    return changes
