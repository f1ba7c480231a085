"""Which value of each field the kept record takes in a merge (contacts/services/merge.py).

The rule: a field named in ``fields`` takes the value of the record it names; any other field
keeps the kept record's value, or, when that is empty, takes the first non-empty value of the
merged records in the order they were given. Custom fields follow the same rule key by key
(``custom.<key>``). A field hidden from the actor, or read-only for them, cannot be chosen and is
never filled from another record: it keeps the kept record's value.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.utils.translation import gettext as _

from sambandh.accounts import policy
from sambandh.core import registry
from sambandh.core.errors import Forbidden, ValidationFailed
from sambandh.core.registry import CUSTOM_PREFIX

#: The fields a merge chooses, by the registry's name, and the model attributes each covers.
MERGEABLE: dict[str, dict[str, tuple[str, ...]]] = {
    "person": {
        "full_name": ("honorific", "given_name", "family_name", "full_name"),
        "job_title": ("job_title",),
        "organization": ("organization_id",),
        "birth_date": ("birth_date",),
        "preferred_language": ("preferred_language",),
        "time_zone": ("time_zone",),
        "currency": ("currency",),
        "country": ("country",),
        "residency": ("residency",),
        "source": ("source",),
        "description": ("description",),
        "owner": ("owner_id",),
    },
    "organization": {
        "name": ("name",),
        "domain": ("domain",),
        "website": ("website",),
        "industry": ("industry",),
        "size": ("size",),
        "description": ("description",),
        "parent": ("parent_id",),
        "country": ("country",),
        "residency": ("residency",),
        "currency": ("currency",),
        "time_zone": ("time_zone",),
        "owner": ("owner_id",),
    },
}
#: Attributes that point at a record of the same type: never at one of the merge's records.
SELF_LINKS = {"organization": ("parent_id",)}


def field_name(record_type: str, key: str) -> str | None:
    """The merge's name of the field ``key`` names (its name or an input name, such as
    ``organization_id``), or None when it is not a field a merge chooses."""
    if key.startswith(CUSTOM_PREFIX):
        rt = registry.get(record_type)
        return key if rt.field(key) is not None else None
    if key in MERGEABLE[record_type]:
        return key
    spec = registry.get(record_type).field_for_input(key)
    if spec is not None and spec.name in MERGEABLE[record_type]:
        return spec.name
    return None


def _empty(value: Any) -> bool:
    return value in (None, "", [], {})


def _values(record: Any, attrs: Sequence[str]) -> tuple[Any, ...]:
    return tuple(getattr(record, a) for a in attrs)


def _allowed(access: policy.FieldAccess, name: str) -> bool:
    return access.shows(name) and access.can_change(name)


def clean_choices(
    *, actor: Any, record_type: str, fields: Mapping[str, Any], ids: Sequence[int]
) -> dict[str, int]:
    """``fields`` checked: each a field a merge chooses, naming one of the merge's records, and
    one the actor may see and change. Answers {field name: record id}."""
    access = policy.field_access(actor, record_type)
    chosen: dict[str, int] = {}
    errors: dict[str, str] = {}
    hidden: dict[str, str] = {}
    for key, record_id in fields.items():
        name = field_name(record_type, str(key))
        if name is None:
            errors[str(key)[:100]] = _("Not a field that a merge can choose.")
            continue
        if not isinstance(record_id, int) or isinstance(record_id, bool) or record_id not in ids:
            errors[str(key)[:100]] = _("Choose one of the records being merged.")
            continue
        if not _allowed(access, name):
            hidden[str(key)[:100]] = _("You cannot change this field.")
            continue
        chosen[name] = record_id
    if errors:
        raise ValidationFailed(_("Some field choices are not valid."), fields=errors)
    if hidden:
        raise Forbidden(_("Your role cannot change some of these fields."), fields=hidden)
    return chosen


def merged_values(
    *,
    actor: Any,
    record_type: str,
    kept: Any,
    others: Sequence[Any],
    chosen: Mapping[str, int],
) -> tuple[dict[str, Any], dict[str, Any], dict[str, int]]:
    """The attributes the kept record takes, its custom values, and every field's source
    ({name: record id}, for the audit row), by the rule above."""
    access = policy.field_access(actor, record_type)
    by_id = {kept.pk: kept, **{o.pk: o for o in others}}
    merge_ids = set(by_id)
    out: dict[str, Any] = {}
    source: dict[str, int] = {}
    for name, attrs in MERGEABLE[record_type].items():
        pick = _pick(name, chosen, access, kept, others, lambda r, a=attrs: _values(r, a))
        if pick is None:
            continue
        values = dict(zip(attrs, _values(by_id[pick], attrs), strict=True))
        if any(values.get(a) in merge_ids for a in SELF_LINKS.get(record_type, ())):
            continue
        out.update(values)
        source[name] = pick
    custom = dict(kept.custom or {})
    keys = sorted({k for r in by_id.values() for k in (r.custom or {})})
    for key in keys:
        name = CUSTOM_PREFIX + key
        pick = _pick(name, chosen, access, kept, others, lambda r, k=key: (r.custom or {}).get(k))
        if pick is None:
            continue
        value = (by_id[pick].custom or {}).get(key)
        if _empty(value):
            custom.pop(key, None)
        else:
            custom[key] = value
        source[name] = pick
    return out, custom, source


def _pick(
    name: str, chosen: Mapping[str, int], access: Any, kept: Any, others: Sequence[Any], read: Any
) -> int | None:
    """The id of the record whose value the field takes, or None when it stays as it is."""
    if name in chosen:
        return chosen[name]
    if not _allowed(access, name):
        return None
    if not all(_empty(v) for v in _flat(read(kept))):
        return None
    return next((o.pk for o in others if not all(_empty(v) for v in _flat(read(o)))), None)


def _flat(value: Any) -> tuple[Any, ...]:
    return value if isinstance(value, tuple) else (value,)
