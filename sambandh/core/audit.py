"""Record audit events as rows, inside the caller's transaction.

Every row's ``changes`` is ``{"field": [before, after]}`` (docs/audit.md): services pass either
pairs or, for a create, the values written (a delete's, the values removed), and
``audit_record`` writes them as pairs. Source, IP (and the demo's backdating) come from the
audit context (core/audit_context.py), set by whatever started the work.
"""

from __future__ import annotations

import datetime
import decimal
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db import models

from sambandh.core.audit_context import current as current_context
from sambandh.core.copy_insert import insert_rows
from sambandh.core.models import AuditEvent

# The event log is a platform layer beside core (it imports nothing above core): recording the
# domain event here makes every service write record one, in its transaction.
from sambandh.events.log import event_type_for, record_event, record_events


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


def plain_value(value: Any) -> Any:
    """A value as an audit row stores it (a record by its id, a date as ISO text, a decimal
    as text)."""
    return _plain(value)


def _pair(value: Any) -> bool:
    return isinstance(value, list | tuple) and len(value) == 2


#: Actions whose changes are details of the action, not fields before and after.
DETAIL_ACTIONS = frozenset({"export", "login", "login_failed", "import", "import_undo"})


def change_pairs(action: str, changes: dict[str, Any] | None) -> dict[str, list[Any]]:
    """``changes`` as ``{field: [before, after]}``: a create's values are what it wrote (before:
    None), a delete's what it removed (after: None); any other action's value is a pair
    already, or (what an older service passed) the value after, its before unknown (None).
    A value that is a list of two is a pair: a service writing a two-item list as a value
    passes ``[before, list]``. The actions that record details rather than field changes (an
    export's filters and ids, a login's address) never hold pairs: each value is the after."""
    out: dict[str, list[Any]] = {}
    for key, raw in (changes or {}).items():
        value = _plain(raw)
        if action == "create" or action in DETAIL_ACTIONS:
            out[key] = [None, value]
        elif action == "delete":
            out[key] = [value, None]
        elif _pair(value):
            out[key] = [value[0], value[1]]
        else:
            out[key] = [None, value]
    return out


class LoosePairs(ValueError):
    """An update's changes hold a value that is not ``[before, after]``."""


def check_update_pairs(action: str, changes: dict[str, Any] | None) -> None:
    """Every field of an update is ``[before, after]`` (docs/audit.md): with the setting
    ``AUDIT_REQUIRE_PAIRS`` on (the test suite's settings), a service passing a bare value
    for an update fails loudly rather than leaving the value before unknown."""
    from django.conf import settings

    if action != "update" or not getattr(settings, "AUDIT_REQUIRE_PAIRS", False):
        return
    loose = sorted(k for k, v in (changes or {}).items() if not _pair(_plain(v)))
    if loose:
        raise LoosePairs(f"update audit row without [before, after] for: {', '.join(loose)}")


def row_changes(row: AuditEvent) -> dict[str, list[Any]]:
    """The ``{field: [before, after]}`` of any row, old (format 1: the service's own shape,
    read by the rules of ``change_pairs``) or new (format 2: pairs as stored)."""
    if row.changes_format >= 2:
        return {k: (list(v) if _pair(v) else [None, v]) for k, v in (row.changes or {}).items()}
    return change_pairs(row.action, row.changes if isinstance(row.changes, dict) else {})


def _context_fields() -> dict[str, Any]:
    context = current_context()
    fields: dict[str, Any] = {"source": context.source, "ip": context.ip}
    if context.at is not None:
        fields["at"] = context.at
    return fields


def audit_record(
    *,
    actor: Any,
    action: str,
    record_type: str = "",
    record_id: int | None = None,
    changes: dict[str, Any] | None = None,
    summary: str = "",
    event: str = "",
    event_data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Write the audit row and the domain event of a service write, in its transaction. The
    event's type is ``event`` when given (``deal.stage_changed``), else "<record type>.<action
    in the past tense>" (``person.created``); its fields are the changed field names.
    ``changes``: see ``change_pairs``. Source and IP: the audit context's."""
    check_update_pairs(action, changes)
    actor = actor if getattr(actor, "pk", None) else None
    row = AuditEvent.objects.create(
        actor=actor,
        action=action,
        record_type=record_type,
        record_id=record_id,
        changes=change_pairs(action, changes),
        summary=summary[:300],
        **_context_fields(),
    )
    record_event(
        type=event or event_type_for(record_type, action),
        record_type=record_type,
        record_id=record_id,
        actor=actor,
        fields=(changes or {}).keys(),
        data=event_data,
    )
    return row


_assignments_muted: ContextVar[bool] = ContextVar("assignments_muted", default=False)


@contextmanager
def assignments_muted() -> Iterator[None]:
    """Within it, writes record no "<type>.assigned" event: a bulk assignment tells the new
    owner once, for the whole job (sambandh/bulk), not once per record."""
    token = _assignments_muted.set(True)
    try:
        yield
    finally:
        _assignments_muted.reset(token)


def record_assigned(
    *, actor: Any, record_type: str, record_id: int, user_id: int | None, field: str = "owner"
) -> None:
    """The event "<record type>.assigned" when a write gives a record (or a task, ``field``
    "assignee") to someone other than its writer: the notifications and, later, workflows read
    it (``data``: the user). A write that keeps the owner, or whose writer takes it, records
    nothing more."""
    if user_id is None or user_id == getattr(actor, "pk", None) or _assignments_muted.get():
        return
    record_event(
        type=f"{record_type}.assigned",
        record_type=record_type,
        record_id=record_id,
        actor=actor if getattr(actor, "pk", None) else None,
        fields=[field],
        data={"user_id": user_id},
    )


def audit_records(
    *,
    actor: Any,
    action: str,
    record_type: str,
    rows: list[tuple[int, dict[str, Any], str]],
) -> None:
    """``audit_record`` for many writes of one kind at once (a bulk change), in the caller's
    transaction: one audit row and one event per record, written by one statement each (the
    audit rows by COPY on PostgreSQL). ``rows``: each record's id, its changes and its summary."""
    if not rows:
        return
    for _record_id, changes, _summary in rows:
        check_update_pairs(action, changes)
    actor = actor if getattr(actor, "pk", None) else None
    context = _context_fields()
    # Rows of values (core/copy_insert.py, insert_rows): the audit rows are not read back.
    columns = ("actor_id", "action", "record_type", "record_id", "changes", "summary")
    insert_rows(
        AuditEvent,
        (*columns, *context),
        [
            (
                actor.pk if actor is not None else None,
                action,
                record_type,
                record_id,
                change_pairs(action, changes),
                summary[:300],
                *context.values(),
            )
            for record_id, changes, summary in rows
        ],
    )
    record_events(
        type=event_type_for(record_type, action),
        record_type=record_type,
        actor=actor,
        items=[(record_id, changes.keys()) for record_id, changes, _summary in rows],
    )


def records_assigned(*, actor: Any, record_type: str, ids: list[int], user_id: int) -> None:
    """``record_assigned`` for many records given to one user at once (a bulk reassignment):
    one INSERT for the events."""
    if not ids or user_id == getattr(actor, "pk", None) or _assignments_muted.get():
        return
    record_events(
        type=f"{record_type}.assigned",
        record_type=record_type,
        actor=actor if getattr(actor, "pk", None) else None,
        items=[(pk, ["owner"]) for pk in ids],
        data={"user_id": user_id},
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


def audit_read(
    *,
    actor: Any,
    record_type: str,
    record_id: int | None,
    fields: list[str],
    ids: list[int] | None = None,
    via: str = "",
) -> AuditEvent:
    """The "read" row of a page or API answer that showed fields an administrator marked
    sensitive (``changes``: ``{"fields": [None, [names]]}``). A list, a search or an export
    that showed many records writes one row for them all: no ``record_id``, their ``ids``
    (``"ids": [None, [ids]]``) and where (``via``: ``list``, ``search``, ``export``). A read
    is no domain event: it changes nothing, and nothing else listens to it."""
    changes: dict[str, Any] = {"fields": [None, sorted(fields)]}
    if ids is not None:
        changes["ids"] = [None, sorted(ids)]
    if via:
        changes["via"] = [None, via]
    summary = ", ".join(sorted(fields))
    if ids is not None:
        summary = f"{len(ids)} records ({via or 'many'}): {summary}"
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        action=AuditEvent.Action.READ,
        record_type=record_type,
        record_id=record_id,
        changes=changes,
        summary=summary[:300],
        **_context_fields(),
    )


REDACTED = "[erased]"


def redact_values(refs: list[tuple[str, list[int]]]) -> int:
    """The one sanctioned change of audit rows (docs/audit.md): a data-subject erasure
    (sambandh/privacy) blanks every value the rows about the erased records hold, keeping who
    did what, when and from where, and which fields changed. ``refs``: (record type, ids).
    Runs in the caller's transaction; on PostgreSQL the table's trigger lets these updates,
    and no other, through (core migration 0006). Answers how many rows were blanked."""
    from django.db import connection, transaction
    from django.db.models import Q

    where = Q()
    for record_type, ids in refs:
        if ids:
            where |= Q(record_type=record_type, record_id__in=ids)
    if not where:
        return 0
    done = 0
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL sambandh.audit_redaction = 'on'")
        for row in AuditEvent.objects.filter(where).only("pk", "changes", "summary"):
            blank = {k: REDACTED for k in (row.changes or {})}
            # The queryset refuses update(); this is the base class's, on purpose.
            models.QuerySet.update(
                AuditEvent.objects.filter(pk=row.pk),
                changes=blank,
                summary=REDACTED if row.summary else "",
            )
            done += 1
        # Closed again for the rest of the caller's transaction (a failure above rolls the
        # savepoint back, and the setting with it).
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL sambandh.audit_redaction = 'off'")
    return done


def values_after(row: AuditEvent) -> dict[str, Any]:
    """Each field's value after the change the row records (``row_changes``' second items):
    what a reader of one action's details (an export's filters, a login's address) wants."""
    return {k: pair[1] for k, pair in row_changes(row).items()}
