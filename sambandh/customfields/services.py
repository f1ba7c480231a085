"""Writes of custom field definitions (administrators only): create, change, remove (values
kept), restore, purge (values, field and index gone). Each is one transaction with an audit row.

Each field gets indexes on its sort expression (``query.index_sqls``), created after the
transaction commits (on PostgreSQL without locking writes out: CONCURRENTLY) and dropped on
purge, so filtering and sorting a list on it costs what a native indexed column costs.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sambandh.accounts import policy
from sambandh.core import registry
from sambandh.core.audit import audit_record
from sambandh.core.cleaning import clean_language, clean_text
from sambandh.core.errors import Conflict, ValidationFailed
from sambandh.core.records import FieldErrors
from sambandh.customfields import query, selectors
from sambandh.customfields.models import CustomField
from sambandh.customfields.values import clean_value, clean_values

#: A key: lower-case letters, digits and single underscores, starting with a letter.
KEY = re.compile(r"^[a-z](?:[a-z0-9]|_(?!_)){0,49}$")
MAX_OPTIONS = 200
MAX_FIELDS_PER_TYPE = 200
TYPES = frozenset(CustomField.Type.values)
_CHANGEABLE = ("label", "labels", "options", "required", "default", "help_text", "position")
_FIXED = ("record_type", "key", "type", "target")


def _audit(actor: Any, action: str, cf: CustomField, changes: dict[str, Any]) -> None:
    audit_record(
        actor=actor,
        action=action,
        record_type="custom_field",
        record_id=cf.pk,
        changes=changes,
        summary=f"{cf.record_type}.{cf.key}",
    )


def _native_names(rt: registry.RecordType) -> set[str]:
    names = {f.name for f in rt.fields}
    for f in rt.fields:
        names.update(f.output_keys, f.input_keys, f.filters, f.sorts)
    names.update(f.name for f in rt.model._meta.get_fields())
    names.update(f.attname for f in rt.model._meta.concrete_fields)
    return names


def _clean_options(value: Any, errors: FieldErrors) -> list[str]:
    if not isinstance(value, list) or not value:
        errors.add("options", _("Give the picklist's options: a list of text."))
        return []
    if len(value) > MAX_OPTIONS:
        errors.add("options", _("At most %(n)s options.") % {"n": MAX_OPTIONS})
        return []
    options: list[str] = []
    for item in value:
        if not isinstance(item, str) or not item.strip() or len(item.strip()) > 100:
            errors.add("options", _("Each option is text of 1 to 100 characters."))
            return []
        if item.strip() in options:
            errors.add("options", _("“%(o)s” is listed twice.") % {"o": item.strip()[:100]})
            return []
        options.append(item.strip())
    return options


def _clean_labels(value: Any, errors: FieldErrors) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, Mapping) or len(value) > 50:
        errors.add("labels", _('Translated labels are an object: {"hi": "…"}.'))
        return {}
    labels: dict[str, str] = {}
    for language, label in value.items():
        code = errors.run(clean_language, str(language)[:20], field=f"labels.{str(language)[:20]}")
        if not isinstance(label, str):
            errors.add(f"labels.{str(language)[:20]}", _("Enter text."))
            continue
        text = errors.run(clean_text, label, field=f"labels.{code}", max_length=100)
        if code and text:
            labels[code] = text
    return labels


def _clean_common(
    data: Mapping[str, Any], cf: CustomField, errors: FieldErrors, creating: bool
) -> dict[str, Any]:
    """The changeable attributes ``data`` sets, checked against ``cf``'s type."""
    out: dict[str, Any] = {}
    if "label" in data or creating:
        out["label"] = errors.run(
            clean_text, _text(data.get("label")), field="label", max_length=100, required=True
        )
    if "labels" in data:
        out["labels"] = _clean_labels(data["labels"], errors)
    if "help_text" in data:
        out["help_text"] = errors.run(
            clean_text, _text(data["help_text"]), field="help_text", max_length=300
        )
    if "required" in data:
        if not isinstance(data["required"], bool):
            errors.add("required", _("Enter true or false."))
        else:
            out["required"] = data["required"]
    if "position" in data:
        position = data["position"]
        if (
            isinstance(position, bool)
            or not isinstance(position, int)
            or not 0 <= position < 10_000
        ):
            errors.add("position", _("Enter a whole number from 0 to 9999."))
        else:
            out["position"] = max(position, 0)
    is_picklist = cf.type in ("picklist", "multi_picklist")
    if "options" in data or (creating and is_picklist):
        if is_picklist:
            out["options"] = _clean_options(data.get("options"), errors)
        elif data.get("options"):
            errors.add("options", _("Only picklists have options."))
    if "default" in data and data["default"] is not None:
        if cf.type == "lookup":
            errors.add("default", _("A link to a record has no default."))
        else:
            probe = CustomField(**{**_attrs(cf), **{k: v for k, v in out.items() if v is not None}})
            out["default"] = errors.run(clean_value, probe, data["default"], name="default")
    elif "default" in data:
        out["default"] = None
    return out


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ("" if value is None else str(value))


def _attrs(cf: CustomField) -> dict[str, Any]:
    return {
        "record_type": cf.record_type,
        "key": cf.key,
        "type": cf.type,
        "target": cf.target,
        "options": cf.options,
    }


@transaction.atomic
def custom_field_create(*, actor: Any, data: Mapping[str, Any]) -> CustomField:
    """Define a field: ``record_type``, ``key``, ``label``, ``type`` (+ ``target`` for a
    lookup, ``options`` for a picklist), and optionally ``labels``, ``required``, ``default``,
    ``help_text``, ``position``."""
    policy.ensure_admin(actor)
    errors = FieldErrors()
    rt = errors.run(registry.get, _text(data.get("record_type")))
    key = _text(data.get("key"))
    if not KEY.match(key):
        errors.add(
            "key",
            _(
                "A key is 1 to 50 lower-case letters, digits and single underscores, "
                "starting with a letter."
            ),
        )
    elif rt is not None and key in _native_names(rt):
        errors.add("key", _("“%(key)s” is a built-in field of this record type.") % {"key": key})
    elif rt is not None and CustomField.objects.filter(record_type=rt.key, key=key).exists():
        errors.add(
            "key",
            _(
                "This record type already has a field “%(key)s” (restore or purge it if it was "
                "removed)."
            )
            % {"key": key},
        )
    kind = _text(data.get("type"))
    if kind not in TYPES:
        errors.add(
            "type",
            _("Unknown type “%(type)s”. Choose one of: %(choices)s.")
            % {"type": kind[:40], "choices": ", ".join(CustomField.Type.values)},
        )
    target = ""
    if kind == "lookup":
        target_rt = errors.run(registry.get, _text(data.get("target")), field="target")
        target = target_rt.key if target_rt is not None else ""
    elif data.get("target"):
        errors.add("target", _("Only a link to a record has a target."))
    unknown = set(data) - {*_CHANGEABLE, *_FIXED, "labels"}
    for name in sorted(unknown)[:20]:
        errors.add(str(name)[:60], _("Unknown field."))
    if rt is not None and (
        CustomField.objects.filter(record_type=rt.key).count() >= MAX_FIELDS_PER_TYPE
    ):
        errors.add("record_type", _("This record type has as many fields as it can have."))
    cf = CustomField(record_type=rt.key if rt else "", key=key, type=kind, target=target)
    fields = _clean_common(data, cf, errors, creating=True) if kind in TYPES else {}
    errors.raise_if_any()
    for name, value in fields.items():
        setattr(cf, name, value)
    if "position" not in fields:
        cf.position = CustomField.objects.filter(record_type=cf.record_type).count()
    cf.created_by = actor
    cf.save()
    _audit(actor, "create", cf, {**_attrs(cf), **fields})
    _changed()
    transaction.on_commit(lambda: create_index(cf))
    return cf


@transaction.atomic
def custom_field_update(
    *, actor: Any, field: CustomField, data: Mapping[str, Any], version: int | None = None
) -> CustomField:
    """Change a field's label, translations, options, required, default, help text or place.
    Its record type, key, type and target are fixed (a new field is a new key)."""
    policy.ensure_admin(actor)
    cf = CustomField.objects.select_for_update().get(pk=field.pk)
    if version is not None and version != cf.version:
        raise Conflict()
    errors = FieldErrors()
    for name in _FIXED:
        if name in data and data[name] != getattr(cf, name):
            errors.add(name, _("This cannot change: define a new field instead."))
    for name in sorted(set(data) - {*_CHANGEABLE, *_FIXED, "version"})[:20]:
        errors.add(str(name)[:60], _("Unknown field."))
    fields = _clean_common(data, cf, errors, creating=False)
    errors.raise_if_any()
    changes = {
        name: [getattr(cf, name), value]
        for name, value in fields.items()
        if getattr(cf, name) != value
    }
    for name, (_old, new) in changes.items():
        setattr(cf, name, new)
    if changes:
        cf.version += 1
        cf.updated_at = timezone.now()
        cf.save()
        _audit(actor, "update", cf, changes)
        _changed()
    return cf


@transaction.atomic
def custom_field_delete(*, actor: Any, field: CustomField) -> CustomField:
    """Remove a field: it leaves forms, records, lists and search; its values stay stored
    (restore brings them back) until it is purged."""
    policy.ensure_admin(actor)
    cf = CustomField.objects.select_for_update().get(pk=field.pk)
    if cf.deleted_at is None:
        cf.deleted_at = timezone.now()
        cf.version += 1
        cf.save(update_fields=["deleted_at", "version", "updated_at"])
        _audit(actor, "delete", cf, {"removed": True})
        _changed()
    return cf


@transaction.atomic
def custom_field_restore(*, actor: Any, field: CustomField) -> CustomField:
    policy.ensure_admin(actor)
    cf = CustomField.objects.select_for_update().get(pk=field.pk)
    if cf.deleted_at is not None:
        cf.deleted_at = None
        cf.version += 1
        cf.save(update_fields=["deleted_at", "version", "updated_at"])
        _audit(actor, "update", cf, {"removed": [True, False]})
        _changed()
    return cf


@transaction.atomic
def custom_field_purge(*, actor: Any, field: CustomField) -> None:
    """Delete a removed field for good: its values on every record, its index, the field and
    its field rules. A field still in use must be removed first."""
    policy.ensure_admin(actor)
    cf = CustomField.objects.select_for_update().get(pk=field.pk)
    if cf.deleted_at is None:
        raise ValidationFailed(
            _("Remove the field before purging it."), fields={"id": _("Not removed.")}
        )
    rt = registry.get(cf.record_type)
    purged = _purge_values(cf, rt.model._meta.db_table)
    policy_rules_forget(cf)
    _audit(actor, "delete", cf, {"purged": True, "values": purged})
    drop_index(cf)
    cf.delete()
    _changed()


def policy_rules_forget(cf: CustomField) -> None:
    """A purged field's field rules go with it (a later field of that key starts clean)."""
    from sambandh.accounts.models import FieldRule

    FieldRule.objects.filter(record_type=cf.record_type, field=cf.name).delete()


@transaction.atomic
def custom_field_reorder(*, actor: Any, record_type: str, keys: Sequence[str]) -> None:
    """Put a type's fields in the order of ``keys`` (the rest after them, as they were)."""
    policy.ensure_admin(actor)
    rt = registry.get(record_type)
    fields = list(CustomField.objects.select_for_update().filter(record_type=rt.key))
    rank = {k: i for i, k in enumerate(keys)}
    before = [f.key for f in sorted(fields, key=lambda f: (f.position, f.pk))]
    ordered = sorted(fields, key=lambda f: (rank.get(f.key, len(rank)), f.position, f.pk))
    for position, cf in enumerate(ordered):
        if cf.position != position:
            cf.position = position
            cf.save(update_fields=["position", "updated_at"])
    audit_record(
        actor=actor,
        action="update",
        record_type="custom_field",
        changes={"order": [before, [f.key for f in ordered]]},
        summary=f"{rt.key} order",
    )
    _changed()


def _changed() -> None:
    selectors.forget_definitions()
    transaction.on_commit(selectors.forget_definitions)


def _purge_values(cf: CustomField, table: str) -> int:
    quote = connection.ops.quote_name
    if connection.vendor == "postgresql":
        sql = (
            f"UPDATE {quote(table)} SET custom = custom - %s "  # noqa: S608 - quoted names
            "WHERE jsonb_exists(custom, %s)"
        )
        params = [cf.key, cf.key]
    else:
        path = f"$.{cf.key}"
        sql = (
            f"UPDATE {quote(table)} SET custom = json_remove(custom, %s) "  # noqa: S608
            "WHERE json_type(custom, %s) IS NOT NULL"
        )
        params = [path, path]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return int(cursor.rowcount or 0)


def create_index(cf: CustomField) -> None:
    """The field's index (after its transaction: PostgreSQL builds it without blocking writes
    when no transaction is open)."""
    rt = registry.find(cf.record_type)
    if rt is None or cf.type == "multi_picklist":
        return
    table = rt.model._meta.db_table
    for sql in query.index_sqls(cf, connection.vendor, table, connection.ops.quote_name):
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            sql = sql.replace("CREATE INDEX", "CREATE INDEX CONCURRENTLY", 1)
        with connection.cursor() as cursor:
            cursor.execute(sql)


def drop_index(cf: CustomField) -> None:
    with connection.cursor() as cursor:
        for name in (query.index_name(cf), query.owner_index_name(cf)):
            cursor.execute(f"DROP INDEX IF EXISTS {connection.ops.quote_name(name)}")


def custom_values_clean(
    *, actor: Any, record_type: str, value: Any, current: Any = None, creating: bool = False
) -> dict[str, Any]:
    """For the record services: the record's ``custom`` after a write that sends ``value``
    (values/clean_values: typed, required, defaults, lookups the actor may see), refusing (403)
    a change to a custom field hidden from or read-only for the actor's role."""
    after, changed = clean_values(
        actor=actor, record_type=record_type, value=value, current=current, creating=creating
    )
    policy.guard_changes(actor, record_type, changed)
    return after
