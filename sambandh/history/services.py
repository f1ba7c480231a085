"""Field restore: put an earlier value of a field back, through the record type's own update
service (its checks, its version, its audit row), as a new change."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from sambandh.accounts import policy
from sambandh.core import registry
from sambandh.core.errors import Forbidden, NotFound, ValidationFailed
from sambandh.core.models import AuditEvent
from sambandh.history.selectors import (
    expanded_changes,
    field_spec,
    restorable_side,
    restore_values,
    visible_record,
)


@dataclass(frozen=True)
class Restored:
    record_type: registry.RecordType
    record: Any
    field: str
    value: Any


def audit_restore(*, actor: Any, event_id: int, field: str, version: int | None) -> Restored:
    """Put back the value field ``field`` had before audit row ``event_id`` changed it (for a
    create: the value it was created with). ``version``: the record's version the caller saw;
    a stale one is refused (409) by the update service, nothing changed. The restore is an
    ordinary update of the record: one new audit row, the old one untouched."""
    row = AuditEvent.objects.filter(pk=event_id).first()
    rt = registry.find(row.record_type) if row is not None else None
    if row is None or rt is None or row.record_id is None:
        raise NotFound(_("No such history entry."))
    record = visible_record(actor, rt, row.record_id)
    access = policy.field_access(actor, rt.key)
    changes = expanded_changes(row)
    spec = field_spec(rt, field)
    if field not in changes or (spec is not None and not access.shows(spec.name)):
        raise ValidationFailed(fields={"field": _("This entry did not change this field.")})
    before, after = changes[field]
    side = restorable_side(row, before)
    value = (before, after)[side] if side is not None else None
    values = restore_values(rt, field, value) if side is not None else None
    if values is None:
        raise ValidationFailed(fields={"field": _("This value cannot be put back.")})
    if not policy.can_edit(actor, rt.key, record) or (
        spec is not None and not access.can_change(spec.name)
    ):
        raise Forbidden(_("You cannot change this field of this record."))
    assert rt.update is not None  # restore_values answers None otherwise
    updated = rt.update(actor=actor, record=record, values=values, version=version)
    return Restored(rt, updated, field, value)
