"""What the side panel of a record shows, for any declared record type (core/registry.py).

A glance at one record without leaving a list or the board: its name (a link to its page), its
owner and its linked records (only those the viewer may see: ``policy.show_links``), its fields
of a simple kind (editable in place where the policy lets the viewer change them:
``web.inline``), its custom fields, and the newest entries of its timeline. A type declared
later gets its panel from its declaration alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import FieldDoesNotExist

from sambandh.accounts import policy
from sambandh.core import registry
from sambandh.core.errors import NotFound
from sambandh.web import inline

#: How many timeline entries the panel shows (the record page has them all).
TIMELINE_ENTRIES = 5


@dataclass
class Fact:
    """One line of the panel: a field's label and either its inline editor (``inline``), a
    link (``text`` and ``url``), a list of names (``names``) or plain ``text``."""

    name: str
    label: Any
    text: str = ""
    url: str = ""
    names: list[str] = field(default_factory=list)
    inline: inline.InlineField | None = None


@dataclass
class RecordPanel:
    record_type: registry.RecordType
    record: Any
    title: str
    url: str
    facts: list[Fact]
    custom_fields: list[dict[str, Any]]
    timeline: Any  # activities.selectors.Timeline, or None for a type without one


def _foreign_key(model: Any, name: str) -> bool:
    try:
        return bool(model._meta.get_field(name).many_to_one)
    except FieldDoesNotExist:
        return False


def _title_field(rt: registry.RecordType) -> registry.Field | None:
    """The field that names the record: the first one that cannot be hidden, of text kind."""
    return next((f for f in rt.fields if not f.hideable and f.kind == "text"), None)


def record_panel(*, viewer: Any, record_type: str, record_id: int) -> RecordPanel:
    """The panel of ``record_type`` ``record_id`` as ``viewer`` may see it; NotFound when the
    type is unknown or the record is not visible to them (it may not exist at all)."""
    rt = registry.find(record_type)
    if rt is None or rt.visible is None:
        raise NotFound()
    model = rt.model
    joins = [f.name for f in rt.fields if _foreign_key(model, f.name)]
    record = rt.visible(viewer).select_related(*joins).filter(pk=record_id).first()
    if record is None:
        raise NotFound()
    return RecordPanel(
        record_type=rt,
        record=record,
        title=str(record),
        url=rt.url(record.pk),
        facts=_facts(viewer, rt, record),
        custom_fields=_custom_fields(viewer, rt, record),
        timeline=_timeline(viewer, rt, record),
    )


def _facts(viewer: Any, rt: registry.RecordType, record: Any) -> list[Fact]:
    access = policy.field_access(viewer, rt.key)
    title = _title_field(rt)
    model = type(record)
    facts: list[Fact] = []
    for spec in rt.fields:
        if spec is title or not access.shows(spec.name):
            continue
        fact = _fact(viewer, rt, record, model, spec)
        if fact is not None:
            facts.append(fact)
    # The owner first, then what the record links to, then its own fields, as declared.
    rank = {"user": 0, "link": 1}
    facts.sort(key=lambda f: rank.get(_kind(rt, f.name), 2))
    return facts


def _kind(rt: registry.RecordType, name: str) -> str:
    spec = rt.field(name)
    return spec.kind if spec is not None else ""


def _fact(
    viewer: Any, rt: registry.RecordType, record: Any, model: Any, spec: registry.Field
) -> Fact | None:
    name, label = spec.name, spec.label
    if spec.kind in inline.INLINE_KINDS:
        item = inline.inline_field(viewer, rt.key, record, name)
        if item is None or not (item.display or item.editable):
            return None
        return Fact(name, label, inline=item)
    if spec.kind in ("user", "link") and _foreign_key(model, name):
        if spec.link and registry.find(spec.link) is not None:
            policy.show_links(viewer, [record], record_type=rt.key, field=name)
            target = getattr(record, f"shown_{name}", None)
            if target is None:
                return None
            return Fact(name, label, text=str(target), url=registry.get(spec.link).url(target.pk))
        value = getattr(record, name, None)
        return Fact(name, label, text=str(value)) if value is not None else None
    if spec.kind == "tags" and rt.tag_names is not None:
        names = rt.tag_names(record)
        return Fact(name, label, names=names) if names else None
    if spec.kind == "contact" and spec.outputs:
        # the primary email or phone number, which the record keeps on its row
        value = getattr(record, spec.outputs[0], None)
        return Fact(name, label, text=value) if isinstance(value, str) and value else None
    return None


def _custom_fields(viewer: Any, rt: registry.RecordType, record: Any) -> list[dict[str, Any]]:
    if not hasattr(record, "custom"):
        return []
    from sambandh.customfields.forms import record_custom_fields

    return record_custom_fields(viewer, rt.key, record)


def _timeline(viewer: Any, rt: registry.RecordType, record: Any) -> Any:
    if not rt.activity_link:
        return None
    from sambandh.activities.selectors import timeline

    return timeline(viewer=viewer, record=record, limit=TIMELINE_ENTRIES)
