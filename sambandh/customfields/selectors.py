"""Reads of custom field definitions.

Definitions are read often (every record write, list and OpenAPI document) and change rarely:
they are kept per process and re-read at the start of each request (``forget_definitions``,
connected to ``request_started``), after every change made here, and at least every few
seconds outside requests (a worker, a shell), so another process's change is seen promptly.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from sambandh.core.errors import NotFound
from sambandh.core.registry import Field
from sambandh.customfields.models import CustomField

_MAX_AGE = 5.0
_lock = threading.Lock()
_cache: dict[str, Any] = {"at": None, "rows": None}

#: The field policy's kind for each custom field type (what the Settings pages show).
KINDS = {
    "text": "text",
    "long_text": "long_text",
    "number": "number",
    "money": "money",
    "date": "date",
    "datetime": "datetime",
    "boolean": "boolean",
    "picklist": "choice",
    "multi_picklist": "choice",
    "url": "url",
    "email": "contact",
    "phone": "contact",
    "lookup": "link",
}
#: Types whose values are searched as text.
TEXT_TYPES = frozenset({"text", "long_text", "picklist", "multi_picklist", "url", "email", "phone"})
#: Types with range filters (``custom.<key>.min`` / ``.max``).
RANGE_TYPES = frozenset({"number", "money", "date", "datetime"})


def forget_definitions(**_kwargs: Any) -> None:
    with _lock:
        _cache["at"] = None
        _cache["rows"] = None


def _all_rows() -> list[CustomField]:
    rows = _cache["rows"]
    at = _cache["at"]
    if rows is None or at is None or time.monotonic() - at > _MAX_AGE:
        rows = list(CustomField.objects.order_by("record_type", "position", "id"))
        with _lock:
            _cache["rows"] = rows
            _cache["at"] = time.monotonic()
    return rows


def definitions(record_type: str, *, removed: bool = False) -> list[CustomField]:
    """The fields of ``record_type`` in their order: the active ones, or (``removed``) the
    removed ones not yet purged."""
    return [f for f in _all_rows() if f.record_type == record_type and f.is_removed == removed]


def definition(record_type: str, key: str) -> CustomField | None:
    return next((f for f in definitions(record_type) if f.key == key), None)


def removed_keys(record_type: str) -> frozenset[str]:
    return frozenset(f.key for f in definitions(record_type, removed=True))


def registry_field(cf: CustomField) -> Field:
    names = [cf.name]
    if cf.type in RANGE_TYPES:
        names += [f"{cf.name}.min", f"{cf.name}.max"]
    return Field(
        cf.name,
        cf.label_in(get_language() or "en"),
        kind=KINDS.get(cf.type, "text"),
        inputs=(cf.name,),
        filters=tuple(names),
        sorts=(cf.name,),
        link=cf.target if cf.type == "lookup" else "",
    )


def registry_fields(record_type: str) -> tuple[Field, ...]:
    """The registry's view of a type's custom fields (core/registry.py)."""
    return tuple(registry_field(cf) for cf in definitions(record_type))


def custom_field_list(*, record_type: str | None = None, removed: bool = False) -> list[Any]:
    """Every field (of one type), active or removed, fresh from the table (Settings, API)."""
    qs = CustomField.objects.filter(deleted_at__isnull=not removed)
    if record_type:
        qs = qs.filter(record_type=record_type)
    return list(qs.order_by("record_type", "position", "id"))


def custom_field_get(*, field_id: int) -> CustomField:
    found = CustomField.objects.filter(pk=field_id).first()
    if found is None:
        raise NotFound(_("No such custom field."))
    return found


def removed_keys_text(record_type: str) -> Any:
    """For a compiled statement that reads a record's ``custom`` column: the keys of the
    type's removed fields (their values are still stored), joined by ``;`` (None when there is
    none). The statement's reader leaves them out (``strip_removed``)."""
    from django.db.models import StringAgg, Subquery, Value

    keys = (
        CustomField.objects.filter(record_type=record_type, deleted_at__isnull=False)
        .order_by()
        .values("record_type")
        .annotate(text=StringAgg("key", delimiter=Value(";")))
        .values("text")
    )
    return Subquery(keys)


def custom_list_query(qs: Any, *, record_type: str, query: Any) -> tuple[Any, list[str] | None]:
    """A list's ``custom.*`` filters and sort (see query.custom_query)."""
    from sambandh.customfields.query import custom_query

    return custom_query(qs, record_type=record_type, query=query)


def custom_filter_params(params: Any) -> dict[str, str]:
    """The ``custom.*`` parameters of a query string."""
    return {k[:120]: str(params.get(k) or "")[:255] for k in params if k.startswith("custom.")}


def custom_values_shown(custom: Any, record_type: str, access: Any = None) -> dict[str, Any]:
    """A record's custom values as the viewer may see them (no removed field, no field hidden
    from their role: ``access`` is their FieldAccess)."""
    from sambandh.customfields.values import visible_values

    return visible_values(custom, record_type, access)


def custom_search_fields(record_type: str, custom: Any) -> list[Any]:
    """What a record's text-type custom values add to its search document, one part per field
    (``custom.<key>``), so a search leaves out a field hidden from the viewer or removed."""
    from sambandh.search.services import SearchField

    found = []
    for cf in definitions(record_type):
        if cf.type not in TEXT_TYPES or not custom:
            continue
        value = custom.get(cf.key)
        words = [str(v) for v in value] if isinstance(value, list) else [str(value or "")]
        words = [w[:300] for w in words if w]
        if words:
            found.append(SearchField(cf.name, words=words))
    return found


def inactive_custom_names(record_type: str, names: Any) -> set[str]:
    """Of ``names`` (a search document's parts), the custom fields no longer defined or
    removed: their values are found by no one."""
    active = {cf.name for cf in definitions(record_type)}
    return {n for n in names if n.startswith("custom.") and n not in active}


def filter_known(record_type: str, name: str) -> bool:
    """Whether ``name`` (``custom.<key>``, ``custom.<key>.min``/``.max`` for ranges) filters a
    defined field of ``record_type``."""
    rest = name[len("custom.") :]
    cf = definition(record_type, rest)
    if cf is not None:
        return True
    for bound in (".min", ".max"):
        if rest.endswith(bound):
            cf = definition(record_type, rest[: -len(bound)])
            return cf is not None and cf.type in RANGE_TYPES
    return False


def lookup_keys_text(record_type: str) -> Any:
    """For the person statement: the keys of the type's lookup fields, joined by ``;`` (None
    when there is none): a value there is shown only when the viewer may see its record."""
    from django.db.models import StringAgg, Subquery, Value

    keys = (
        CustomField.objects.filter(record_type=record_type, type="lookup", deleted_at__isnull=True)
        .order_by()
        .values("record_type")
        .annotate(text=StringAgg("key", delimiter=Value(";")))
        .values("text")
    )
    return Subquery(keys)


def unseen_links(viewer: Any, record_type: str, customs: list[Any]) -> list[set[str]]:
    """For each of ``customs`` (records' custom values), the keys of lookup values that point
    at a record ``viewer`` may not see (one query per linked type): a link to such a record
    shows neither its name nor its id."""
    from sambandh.accounts import policy
    from sambandh.core import registry

    found: list[set[str]] = [set() for _ in customs]
    lookups = {cf.key: cf.target for cf in definitions(record_type) if cf.type == "lookup"}
    if not lookups or getattr(viewer, "is_admin", False):
        return found
    wanted: dict[str, set[int]] = {}
    for custom in customs:
        for key, target in lookups.items():
            value = (custom or {}).get(key)
            if isinstance(value, int) and not isinstance(value, bool):
                wanted.setdefault(target, set()).add(value)
    seen: dict[str, set[int]] = {}
    for target, ids in wanted.items():
        rt = registry.find(target)
        seen[target] = (
            set(
                rt.model._default_manager.filter(
                    policy.visible_q(viewer, target), pk__in=sorted(ids)
                )
                .order_by()
                .values_list("pk", flat=True)
            )
            if rt is not None
            else set()
        )
    for i, custom in enumerate(customs):
        for key, target in lookups.items():
            if key in (custom or {}) and custom[key] not in seen.get(target, set()):
                found[i].add(key)
    return found


def show_custom_links(viewer: Any, record_type: str, records: Any) -> None:
    """Set ``shown_custom`` on each record: its custom values without links to records the
    viewer may not see (serializers show ``shown_custom``, as links show ``shown_<field>``)."""
    items = [r for r in records if r is not None]
    hidden = unseen_links(viewer, record_type, [r.custom for r in items])
    for record, keys in zip(items, hidden, strict=True):
        record.shown_custom = {k: v for k, v in (record.custom or {}).items() if k not in keys}
