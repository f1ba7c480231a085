"""The fields a list's selection bar offers to edit in bulk ("Edit a field"): the record type's
registry fields of a simple kind, as inline editing knows them (web/inline.py), that the
viewer's role may see and change (the policy's field access), less the text that names a
record (setting every selected name to one value is never what was meant). The value typed is
sent as the ``update`` action's ``values``, so the service's checks stay the only checks.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from sambandh.accounts import policy
from sambandh.core import dates_input, registry
from sambandh.core.errors import ValidationFailed
from sambandh.web.inline import INLINE_KINDS, MAX_VALUE, field_choices

#: The kinds a bulk edit offers (the amount of money is not one: it goes with its currency).
BULK_KINDS = (
    "text",
    "long_text",
    "url",
    "country",
    "currency",
    "language",
    "time_zone",
    "choice",
    "date",
    "number",
)


@dataclass(frozen=True)
class BulkField:
    record_type: registry.RecordType
    field: registry.Field

    @property
    def name(self) -> str:
        return self.field.name

    @property
    def label(self) -> str:
        return str(self.field.label)

    @property
    def widget(self) -> str:
        """The input: a select, date, number or URL input, else a one-line text input (a long
        text too: the bar has room for one line)."""
        widget = INLINE_KINDS[self.field.kind]
        return "text" if widget == "textarea" else widget

    def choices(self) -> list[tuple[str, str]]:
        return field_choices(self.record_type.model, self.field)


def _offered(rt: registry.RecordType, field: registry.Field) -> bool:
    if not field.bulk or field.kind not in BULK_KINDS:
        return False
    if field.name.startswith(registry.CUSTOM_PREFIX):
        return False
    if not field.hideable and field.kind in ("text", "long_text"):
        return False  # what names the record
    columns = {f.attname for f in rt.model._meta.concrete_fields if not f.primary_key}
    return field.input_keys == (field.name,) and field.name in columns


def bulk_fields(viewer: Any, rt: registry.RecordType) -> list[BulkField]:
    """The fields ``viewer`` may set in bulk on records of ``rt``, in the declaration's order."""
    if rt.update is None:
        return []
    access = policy.field_access(viewer, rt.key)
    return [
        BulkField(rt, f)
        for f in rt.fields
        if _offered(rt, f) and access.shows(f.name) and access.can_change(f.name)
    ]


def bulk_field(viewer: Any, rt: registry.RecordType, name: str) -> BulkField | None:
    return next((f for f in bulk_fields(viewer, rt) if f.name == name), None)


def parse_value(item: BulkField, raw: str) -> Any:
    """The value typed, as the record's PATCH body takes it: empty clears the field."""
    text = (raw or "").replace("\x00", "").strip()[:MAX_VALUE]
    if text == "":
        return None
    if item.widget == "number":
        try:
            return int(text)
        except ValueError:
            raise ValidationFailed(fields={"value": _("Enter a whole number.")}) from None
    if item.widget == "date":
        # The picker's ISO value, or the day as the user typed it in their format.
        day = dates_input.parse_date_input(text, field="value")
        return day.isoformat() if day else None
    return text
