"""Custom fields on the web list pages: a column (off by default), a filter and a sort each,
added to a list's ListSpec by the list's view (web/ knows no domain app)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from django.utils.translation import get_language

from sambandh.customfields import selectors
from sambandh.customfields.models import CustomField
from sambandh.web.lists import Column, ListSpec

#: Types shown as a list column (a link is shown on the record page, where its target's
#: visibility is checked).
COLUMN_TYPES = frozenset(CustomField.Type.values) - {"lookup", "long_text"}


def with_custom_fields(spec: ListSpec, record_type: str) -> ListSpec:
    """``spec`` with a column, a filter and both sorts per custom field of the type (a date
    field's filter is a date input: ``ListSpec.date_filters``)."""
    fields = selectors.definitions(record_type)
    if not fields:
        return spec
    language = get_language() or "en"
    columns = tuple(
        Column(
            cf.name, cf.label_in(language), sort=cf.name, default=False, field=cf.name, priority=4
        )
        for cf in fields
        if cf.type in COLUMN_TYPES
    )
    filters = tuple(cf.name for cf in fields)
    days = tuple(cf.name for cf in fields if cf.type == "date")
    sorts = {**spec.sorts, **{s: () for cf in fields for s in (cf.name, f"-{cf.name}")}}
    return replace(
        spec,
        columns=(*spec.columns, *columns),
        filters=(*spec.filters, *filters),
        date_filters=(*spec.date_filters, *days),
        sorts=sorts,
    )


def custom_list_context(record_type: str, access: Any) -> dict[str, Any]:
    """For the list template: the custom columns' keys (cells after the native ones) and the
    filter controls (none for a field hidden from the viewer)."""
    language = get_language() or "en"
    shown = [
        cf for cf in selectors.definitions(record_type) if access is None or access.shows(cf.name)
    ]
    return {
        "custom_columns": [cf.name for cf in shown if cf.type in COLUMN_TYPES],
        "custom_filters": [
            {
                "name": cf.name,
                "id": f"filter-{cf.key}",
                "label": cf.label_in(language),
                "type": cf.type,
                "options": cf.options or [],
            }
            for cf in shown
            if cf.type != "long_text"
        ],
    }


def cell(record: Any, name: str) -> str:
    """A record's value of custom field ``name`` (``custom.<key>``) as a list cell shows it."""
    record_type = getattr(record, "record_type", "")
    cf = selectors.definition(record_type, name.removeprefix("custom."))
    value = (getattr(record, "custom", None) or {}).get(cf.key) if cf is not None else None
    if cf is None or value in (None, "", []):
        return ""
    if cf.type == "boolean":
        from django.utils.translation import gettext as _

        return _("Yes") if value else _("No")
    if cf.type == "multi_picklist" and isinstance(value, list):
        return ", ".join(str(v) for v in value)
    from sambandh.core.formats import stored_value

    shown = stored_value(cf.type, value)
    return str(value) if shown is None else shown
