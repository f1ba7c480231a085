"""Inline editing: one field of a record changed in place on its page.

Which fields can be edited so is read from the registry (core/registry.py): a field of a simple
kind (text, long text, URL, country, currency, language, time zone, choice, date, number, the
amount of money). Who may is the policy's: the record must be visible and editable to the user,
and the field shown and changeable for their role. The write is the record type's own ``update``
hook, that is its service (one transaction, the version check, the audit row, the event), with
the version the page was loaded at, so an edit made meanwhile by someone else is a conflict.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.http import Http404
from django.utils.translation import gettext as _

from sambandh.accounts import policy
from sambandh.core import dates_input, registry
from sambandh.core.errors import ValidationFailed
from sambandh.web import forms as web_forms

#: The registry field kinds that can be edited in place, and the input each uses.
INLINE_KINDS = {
    "text": "text",
    "long_text": "textarea",
    "url": "url",
    "country": "select",
    "currency": "select",
    "language": "select",
    "time_zone": "select",
    "choice": "select",
    "date": "date",
    "number": "number",
    "money": "decimal",
}
MAX_VALUE = 10_000


@dataclass
class InlineField:
    record_type: registry.RecordType
    record: Any
    field: registry.Field
    editable: bool

    @property
    def key(self) -> str:
        return f"{self.record_type.key}-{self.record.pk}-{self.field.name}"

    @property
    def record_key(self) -> str:
        return f"{self.record_type.key}-{self.record.pk}"

    @property
    def record_url(self) -> str:
        return self.record_type.url(self.record.pk)

    @property
    def widget(self) -> str:
        return INLINE_KINDS[self.field.kind]

    @property
    def value(self) -> Any:
        return getattr(self.record, self.field.name, None)

    @property
    def input_value(self) -> str:
        value = self.value
        if value is None:
            return ""
        if isinstance(value, date):
            return value.isoformat()
        return str(value)

    def choices(self) -> list[tuple[str, str]]:
        return field_choices(type(self.record), self.field)

    @property
    def display(self) -> str:
        """The value as the record page shows it ("" when empty)."""
        value = self.value
        if value in (None, ""):
            return ""
        kind = self.field.kind
        if kind == "time_zone":
            from sambandh.core import formats

            shown = formats.local_time(str(value))
            if shown:
                return _("local time %(time)s (%(zone)s)") % {"time": shown, "zone": value}
        if kind in ("country", "choice", "currency", "time_zone"):
            return dict(self.choices()).get(str(value), str(value))
        if kind == "language":
            from sambandh.contacts.templatetags.contacts import language_name

            return language_name(value)
        if kind == "date" and isinstance(value, date):
            from sambandh.core import formats

            return formats.date(value)
        if kind == "money":
            from sambandh.sales.templatetags.sales import money

            return money(value, getattr(self.record, "currency", ""))
        if kind == "number":
            from sambandh.core import formats

            if self.field.name == "probability":
                return formats.percent(value)
            return formats.number(value)
        return str(value)


def field_choices(model: Any, field: registry.Field) -> list[tuple[str, str]]:
    """The choices of a field of a select kind (blank first, to clear it), by its kind, or the
    model field's own choices (a "choice" field); bulk edits offer the same lists."""
    kind = field.kind
    if kind == "country":
        return web_forms.with_blank(web_forms.country_choices())
    if kind == "currency":
        return web_forms.with_blank(web_forms.currency_choices())
    if kind == "language":
        return web_forms.with_blank(web_forms.language_choices())
    if kind == "time_zone":
        return web_forms.with_blank(web_forms.time_zone_choices())
    try:
        model_field = model._meta.get_field(field.name)
    except FieldDoesNotExist:
        return []
    return web_forms.with_blank([(str(k), str(v)) for k, v in model_field.choices or ()])


def inline_field(viewer: Any, record_type: str, record: Any, name: str) -> InlineField | None:
    """The field ``name`` of ``record`` as ``viewer`` sees it on the page; None when it is not a
    field of a simple kind, or hidden from them."""
    rt = registry.find(record_type)
    field = rt.field(name) if rt is not None else None
    if rt is None or field is None or field.kind not in INLINE_KINDS:
        return None
    access = policy.field_access(viewer, rt.key)
    if not access.shows(field.name):
        return None
    # a type that declares no update hook has nothing to save an edit through
    editable = (
        rt.update is not None
        and access.can_change(field.name)
        and _may_edit(viewer, rt.key, record)
    )
    return InlineField(rt, record, field, editable)


def _may_edit(viewer: Any, record_type: str, record: Any) -> bool:
    """Whether the viewer may change the record, asked of the policy once per record a page
    shows (each of its fields asks)."""
    if not getattr(viewer, "can_write", False):
        return False
    cached = getattr(record, "_inline_may_edit", None)
    if cached is None or cached[0] != viewer.pk:
        cached = (viewer.pk, policy.can_edit(viewer, record_type, record))
        record._inline_may_edit = cached
    return bool(cached[1])


def find(viewer: Any, record_type: str, record_id: int, name: str) -> InlineField:
    """The record's field for the inline view: 404 when the type, the record (for this viewer)
    or the field is unknown or hidden."""
    rt = registry.find(record_type)
    if rt is None or rt.visible is None:
        raise Http404
    record = rt.visible(viewer).filter(pk=record_id).first()
    found = inline_field(viewer, record_type, record, name) if record is not None else None
    if found is None:
        raise Http404
    return found


def parse(item: InlineField, raw: str) -> Any:
    """What the browser sent, as the service's input takes it; empty clears the field."""
    text = (raw or "").replace("\x00", "").strip()[:MAX_VALUE]
    widget = item.widget
    if text == "":
        return None
    if widget == "number":
        try:
            return int(text)
        except ValueError:
            raise ValidationFailed(fields={item.field.name: _("Enter a whole number.")}) from None
    if widget == "date":
        # The picker's ISO value, or the day as the user typed it in their format.
        day = dates_input.parse_date_input(text, field=item.field.name)
        return day.isoformat() if day else None
    return text


def save(actor: Any, item: InlineField, raw: str, version: int | None) -> Any:
    """Write the field through the record type's service; its errors are raised as they are."""
    rt = item.record_type
    assert rt.update is not None
    values = {item.field.name: parse(item, raw)}
    return rt.update(actor=actor, record=item.record, values=values, version=version)
