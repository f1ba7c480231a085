"""Reading the audit trail: a record's history as its viewer may see it, and the search of the
whole trail for administrators."""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from sambandh.accounts import policy
from sambandh.core import registry
from sambandh.core.audit import plain_value, row_changes
from sambandh.core.errors import NotFound, ValidationFailed
from sambandh.core.models import AuditEvent
from sambandh.core.pagination import Page, paginate
from sambandh.core.sensitive import note_record, note_shown

#: The actions whose values a restore can put back: an update's value before, a create's value.
RESTORABLE_ACTIONS = ("update", "create")


def expanded_changes(row: AuditEvent) -> dict[str, list[Any]]:
    """``row_changes``, with a change of the ``custom`` object split into one change per
    custom field (``custom.<key>``), as the field policy and the History tab name them."""
    out: dict[str, list[Any]] = {}
    for key, (before, after) in row_changes(row).items():
        if key == "custom" and isinstance(before or {}, dict) and isinstance(after or {}, dict):
            old, new = before or {}, after or {}
            for name in sorted({*old, *new}):
                if old.get(name) != new.get(name):
                    out[f"{registry.CUSTOM_PREFIX}{name}"] = [old.get(name), new.get(name)]
            continue
        out[key] = [before, after]
    return out


def field_spec(rt: registry.RecordType, key: str) -> registry.Field | None:
    """The declared field an audit key belongs to (``email`` belongs to ``emails``)."""
    spec = rt.field(key)
    if spec is not None:
        return spec
    return next((f for f in rt.all_fields if key in f.output_keys or key in f.inputs), None)


def restore_input(rt: registry.RecordType, key: str) -> str | None:
    """The input of the type's update service that puts back a value of audit key ``key``
    (``organization`` → ``organization_id``), or None when it cannot be put back from the
    audit row alone (contact points, lists whose earlier value was not recorded)."""
    if rt.update is None:
        return None
    spec = field_spec(rt, key)
    if spec is None or (spec.kind == "contact" and key != spec.name):
        return None
    if key.startswith(registry.CUSTOM_PREFIX):
        return "custom"
    if key == spec.name:
        return spec.input_keys[0]
    return key if key in spec.input_keys else None


def restore_values(rt: registry.RecordType, key: str, value: Any) -> dict[str, Any] | None:
    """The update service's ``values`` that put ``value`` back into field ``key``."""
    target = restore_input(rt, key)
    if target is None:
        return None
    spec = field_spec(rt, key)
    if spec is not None and spec.kind == "contact" and not _points(value):
        return None  # an older row recorded how many there were, not which: nothing to put back
    if target == "custom":
        return {"custom": {key[len(registry.CUSTOM_PREFIX) :]: value}}
    return {target: value}


def _points(value: Any) -> bool:
    """Whether ``value`` is a list of contact points as the audit trail records them (a list
    of objects; empty: none)."""
    return isinstance(value, list) and all(isinstance(v, dict) for v in value)


def restorable_side(row: AuditEvent, before: Any) -> int | None:
    """Which value of a change a restore puts back: the value before an update (0), or the
    value a create wrote (1); None for other actions, or an update of an older row whose
    value before was not recorded."""
    if row.action == "create":
        return 1
    if row.action == "update" and (row.changes_format >= 2 or before is not None):
        return 0
    return None


def current_value(record: Any, key: str) -> Any:
    if key in ("emails", "phones", "addresses") and hasattr(record, key):
        from sambandh.contacts.selectors import contact_points

        return contact_points(record, key)
    if key.startswith(registry.CUSTOM_PREFIX):
        return (record.custom or {}).get(key[len(registry.CUSTOM_PREFIX) :])
    try:
        model_field = record._meta.get_field(key)
    except Exception:
        return plain_value(getattr(record, key, None))
    if model_field.many_to_one or model_field.one_to_one:
        return getattr(record, model_field.attname)
    if model_field.many_to_many:
        return None  # not comparable from the row: always offered
    return plain_value(getattr(record, key, None))


# --- showing values --------------------------------------------------------------------------
class _Linker:
    """Names for the ids an audit row holds, as the viewer may see them: a record of a type
    they may not see shows neither its name nor its id."""

    def __init__(self, viewer: Any, model: Any) -> None:
        self.viewer = viewer
        self.model = model
        self._seen: dict[tuple[Any, Any], str] = {}

    def related(self, key: str) -> Any:
        try:
            model_field = self.model._meta.get_field(key)
        except Exception:
            return None
        if model_field.many_to_one or model_field.one_to_one:
            return model_field.related_model
        return None

    def name(self, related: Any, value: Any) -> str:
        memo = (related, value)
        if memo not in self._seen:
            rt = registry.by_model(related)
            if rt is not None and rt.visible is not None:
                obj = rt.visible(self.viewer).filter(pk=value).first()
                text = str(obj) if obj is not None else _("a record you cannot see")
            else:
                obj = related._default_manager.filter(pk=value).first()
                text = str(obj) if obj is not None else _("(deleted)")
            self._seen[memo] = text
        return self._seen[memo]

    def text(self, key: str, value: Any) -> str:
        if value is None or value == "" or value == []:
            return "—"
        related = self.related(key)
        if related is not None and isinstance(value, int) and not isinstance(value, bool):
            return self.name(related, value)
        if isinstance(value, bool):
            return _("Yes") if value else _("No")
        if isinstance(value, list) and value and _points(value):
            return "; ".join(_point_text(v) for v in value)
        if isinstance(value, list):
            return ", ".join(str(v) for v in value)
        if isinstance(value, dict):
            return json.dumps(value, ensure_ascii=False, sort_keys=True)
        return str(value)


def _point_text(point: dict[str, Any]) -> str:
    """One contact point as a line of history: its values, then its label and whether it was
    the primary one ("asha@example.com (work, primary)")."""
    shown = ", ".join(
        str(v) for k, v in point.items() if k not in ("label", "is_primary") and v not in ("", None)
    )
    notes = [str(point["label"])] if point.get("label") else []
    if point.get("is_primary"):
        notes.append(_("primary"))
    return f"{shown} ({', '.join(notes)})" if notes else shown


@dataclass
class ChangeLine:
    key: str
    label: str
    before: str
    after: str
    #: "before" or "after": the value a Restore button beside it puts back.
    restore: str = ""


@dataclass
class HistoryEntry:
    event: AuditEvent
    actor: str
    changes: list[ChangeLine] = field(default_factory=list)
    #: For a read: the sensitive fields it showed.
    fields_read: list[str] = field(default_factory=list)


@dataclass
class RecordHistory:
    record_type: registry.RecordType
    record: Any
    entries: list[HistoryEntry]
    next_before: int | None
    can_edit: bool


def visible_record(viewer: Any, rt: registry.RecordType, record_id: int) -> Any:
    """The record, if the viewer may see it (else NotFound: neither its name nor that it
    exists)."""
    if rt.visible is None:
        raise NotFound()
    record = rt.visible(viewer).filter(pk=record_id).first()
    if record is None:
        raise NotFound()
    return record


def _actor_name(row: AuditEvent) -> str:
    if row.actor_id is None:
        return _("System")
    actor = row.actor
    return str(actor) if actor is not None else _("A deleted user")


def record_history(
    *, viewer: Any, record_type: str, record_id: int, before: int | None = None, limit: int = 50
) -> RecordHistory:
    """The audit rows of one record, newest first, ``limit`` at a time (``before``: the id of
    the last row of the previous page). Only for a viewer who may see the record; the values of
    fields their field policy hides are left out; reads of sensitive fields only for an
    administrator."""
    rt = registry.get(record_type)
    record = visible_record(viewer, rt, record_id)
    access = policy.field_access(viewer, rt.key)
    can_edit = policy.can_edit(viewer, rt.key, record)
    qs = AuditEvent.objects.filter(record_type=rt.key, record_id=record_id).select_related("actor")
    if not getattr(viewer, "is_admin", False):
        qs = qs.exclude(action=AuditEvent.Action.READ)
    if before is not None:
        qs = qs.filter(id__lt=before)
    rows = list(qs.order_by("-id")[: limit + 1])
    linker = _Linker(viewer, rt.model)
    entries = []
    shown: set[str] = set()
    for row in rows[:limit]:
        entry = HistoryEntry(event=row, actor=_actor_name(row))
        if row.action == AuditEvent.Action.READ:
            names = row_changes(row).get("fields", [None, []])[1] or []
            entry.fields_read = [
                str(spec.label) if (spec := rt.field(n)) is not None else n
                for n in names
                if access.shows(n)
            ]
        else:
            for key, (old, new) in expanded_changes(row).items():
                spec = field_spec(rt, key)
                if spec is not None and not access.shows(spec.name):
                    continue  # a field the viewer may not see: not its value, not its change
                if spec is not None and (old is not None or new is not None):
                    shown.add(spec.name)
                line = ChangeLine(
                    key=key,
                    label=str(spec.label) if spec is not None else key.replace("_", " "),
                    before=linker.text(key, old),
                    after=linker.text(key, new),
                )
                side = restorable_side(row, old)
                if (
                    can_edit
                    and side is not None
                    and (spec is None or access.can_change(spec.name))
                    and restore_values(rt, key, [old, new][side]) is not None
                    and [old, new][side] != current_value(record, key)
                ):
                    line.restore = ("before", "after")[side]
                entry.changes.append(line)
        entries.append(entry)
    next_before = rows[limit - 1].pk if len(rows) > limit else None
    # Earlier values are values: a sensitive one shown here is a read of the record.
    note_record(viewer, rt.key, record_id, shown, via="history")
    return RecordHistory(rt, record, entries, next_before, can_edit)


# --- the administrator's search --------------------------------------------------------------
def audit_search(
    *,
    viewer: Any,
    record_type: str = "",
    record_id: int | None = None,
    actor_id: int | None = None,
    action: str = "",
    since: datetime.datetime | None = None,
    until: datetime.datetime | None = None,
    limit: int = 50,
    cursor: str | None = None,
) -> Page[AuditEvent]:
    """The whole trail, newest first, filtered; administrators only."""
    policy.ensure_admin(viewer)
    qs: QuerySet[AuditEvent] = AuditEvent.objects.select_related("actor")
    if action:
        if action not in AuditEvent.Action.values:
            raise ValidationFailed(
                fields={
                    "action": _("Choose one of: %(choices)s.")
                    % {"choices": ", ".join(AuditEvent.Action.values)}
                }
            )
        # Permission changes recorded before their action existed were "permission" rows.
        if action == AuditEvent.Action.PERMISSION_CHANGE:
            qs = qs.filter(action__in=[action, AuditEvent.Action.PERMISSION])
        else:
            qs = qs.filter(action=action)
    if record_type:
        qs = qs.filter(record_type=record_type)
    if record_id is not None:
        qs = qs.filter(record_id=record_id)
    if actor_id is not None:
        qs = qs.filter(actor_id=actor_id)
    if since is not None:
        qs = qs.filter(at__gte=since)
    if until is not None:
        qs = qs.filter(at__lt=until)
    page = paginate(qs, order=["-at", "-id"], limit=limit, cursor=cursor)
    _note_trail_values(viewer, page.items)
    return page


def _shown_field(rt: registry.RecordType, key: str) -> str | None:
    """The field an audit key's value belongs to; a custom field's key names its field even
    when its definition is not (or no longer) known here: whether it is marked is read fresh
    (``note_shown``), so a value shown is never left unrecorded for want of a definition."""
    spec = field_spec(rt, key)
    if spec is not None:
        return spec.name
    if key.startswith(registry.CUSTOM_PREFIX):
        return ".".join(key.split(".")[:2])
    return None


def _note_trail_values(viewer: Any, rows: list[AuditEvent]) -> None:
    """The trail shows the values before and after of each change: a sensitive one among them
    is a read, one row per record type for the answer (``via`` "audit")."""
    seen: dict[str, tuple[set[int], set[str]]] = {}
    for row in rows:
        rt = registry.find(row.record_type) if row.record_id else None
        if rt is None or row.action == AuditEvent.Action.READ:
            continue
        for key, (old, new) in expanded_changes(row).items():
            name = _shown_field(rt, key)
            if name is None or (old is None and new is None):
                continue
            ids, names = seen.setdefault(rt.key, (set(), set()))
            ids.add(int(row.record_id))  # type: ignore[arg-type]
            names.add(name)
    for kind, (ids, names) in seen.items():
        note_shown(viewer, kind, sorted(ids), names, via="audit")
