"""Custom fields in the web forms: one form field per defined field, by type (a select for a
picklist, a checkbox for yes/no, a date input...), turned into the typed values the services
validate (values.py: the same validation as the API)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from sambandh.accounts import policy
from sambandh.core import registry
from sambandh.core.errors import ValidationFailed
from sambandh.core.formats_input import parse_localized_amount
from sambandh.customfields import selectors
from sambandh.customfields.models import CustomField
from sambandh.web.form_fields import LocalDateField, LocalDateTimeField
from sambandh.web.forms import HIDDEN_LINK_HELP, lookup_widget, record_ref, resolve_record

PREFIX = "cf_"


def form_name(cf: CustomField) -> str:
    return f"{PREFIX}{cf.key}"


class LookupInput(forms.TextInput):
    """A record input with its own datalist, which typing fills (web.views_lookup)."""

    def __init__(self, list_id: str, suggest_view: str, suggest_args: tuple[Any, ...]) -> None:
        super().__init__(attrs=lookup_widget(list_id, suggest_view, suggest_args).attrs)
        self.list_id = list_id

    def render(self, *args: Any, **kwargs: Any) -> Any:
        return format_html(
            '{}<datalist id="{}"></datalist>', super().render(*args, **kwargs), self.list_id
        )


def _lookup_queryset(cf: CustomField, viewer: Any) -> Any:
    """The records of the field's target type the viewer may see (None: no such type)."""
    rt = registry.find(cf.target)
    if rt is None or viewer is None:
        return None
    return rt.model._default_manager.filter(policy.visible_q(viewer, rt.key))


def _lookup_initial(field: forms.Field, cf: CustomField, value: Any, viewer: Any) -> str:
    """A linked record as its name (and what tells it apart); a link to a record the viewer
    may not see names nothing, and an empty input keeps it (as the built-in links do)."""
    records = _lookup_queryset(cf, viewer)
    record = records.filter(pk=value).first() if records is not None else None
    if record is None:
        field.help_text = HIDDEN_LINK_HELP
        field.widget.attrs["data-hidden-link"] = "1"
        return ""
    return record_ref(record, viewer)


class MoneyInput(forms.CharField):
    """ "12.50 EUR": an amount and its currency, as one input."""

    def to_python(self, value: Any) -> Any:
        text = super().to_python(value)
        if not text:
            return None
        # The amount the viewer's way ("1.234,50 EUR" in de, "12,34,567.89 INR" in en-IN): the
        # currency is the last word, so amounts grouped with spaces (fr) keep theirs.
        amount, _sep, currency = str(text).strip().rpartition(" ")
        if not _sep:
            amount, currency = currency, ""
        try:
            parsed = parse_localized_amount(amount, currency=currency.strip().upper() or None)
        except ValidationFailed as exc:
            raise forms.ValidationError(exc.message) from None
        if parsed is None:
            raise forms.ValidationError(_("Enter an amount and a currency: 12.50 EUR."))
        return {"amount": f"{parsed:f}", "currency": currency.strip().upper()}


def _field(cf: CustomField, label: str) -> forms.Field:
    common: dict[str, Any] = {"label": label, "required": False, "help_text": cf.help_text}
    kind = cf.type
    if kind == "long_text":
        return forms.CharField(
            widget=forms.Textarea(attrs={"rows": 3}), max_length=10_000, **common
        )
    if kind == "number":
        return forms.FloatField(**common)
    if kind == "money":
        return MoneyInput(
            max_length=40, widget=forms.TextInput(attrs={"placeholder": "12.50 EUR"}), **common
        )
    if kind == "date":
        return LocalDateField(**common)
    if kind == "datetime":
        return LocalDateTimeField(**common)
    if kind == "boolean":
        return forms.BooleanField(**common)
    if kind == "picklist":
        return forms.ChoiceField(choices=[("", "—"), *((o, o) for o in cf.options)], **common)
    if kind == "multi_picklist":
        return forms.MultipleChoiceField(
            choices=[(o, o) for o in cf.options], widget=forms.CheckboxSelectMultiple, **common
        )
    if kind == "url":
        return forms.CharField(max_length=500, widget=forms.URLInput(), **common)
    if kind == "email":
        return forms.CharField(max_length=254, widget=forms.EmailInput(), **common)
    if kind == "phone":
        return forms.CharField(
            max_length=40, widget=forms.TextInput(attrs={"type": "tel"}), **common
        )
    if kind == "lookup":
        rt = registry.find(cf.target)
        return forms.CharField(
            max_length=300,
            help_text=cf.help_text
            or _("Type the name of a %(type)s and pick it from the list.")
            % {"type": rt.label if rt is not None else cf.target},
            label=label,
            required=False,
            widget=LookupInput(
                f"{form_name(cf)}-options", "record_suggest", suggest_args=(cf.target,)
            ),
        )
    return forms.CharField(max_length=255, **common)


def _initial(cf: CustomField, value: Any) -> Any:
    if value is None:
        return None
    if cf.type == "money" and isinstance(value, dict):
        return f"{value.get('amount', '')} {value.get('currency', '')}".strip()
    if cf.type == "datetime" and isinstance(value, str):
        try:
            from datetime import datetime

            return timezone.localtime(datetime.fromisoformat(value)).strftime("%Y-%m-%dT%H:%M")
        except ValueError:
            return value
    return value


def add_custom_fields(form: Any, record_type: str, instance: Any, access: Any) -> None:
    """Add the type's custom fields to ``form`` (a ServiceForm), in their order: left out when
    hidden from the viewer, disabled when read-only for them; service errors named
    ``custom.<key>`` land on them."""
    values = (getattr(instance, "custom", None) or {}) if instance is not None else {}
    language = get_language() or "en"
    form.custom_field_names = []
    mapping = dict(getattr(form, "service_fields", {}))
    for cf in selectors.definitions(record_type):
        if access is not None and not access.shows(cf.name):
            continue
        label = cf.label_in(language)
        field = _field(cf, label)
        if cf.required:
            field.widget.attrs["aria-required"] = "true"
        name = form_name(cf)
        viewer = getattr(form, "viewer", None)
        if cf.type == "lookup" and isinstance(values.get(cf.key), int):
            field.initial = _lookup_initial(field, cf, values[cf.key], viewer)
        elif instance is not None:
            field.initial = _initial(cf, values.get(cf.key))
        elif cf.default is not None:
            field.initial = _initial(cf, cf.default)
        if access is not None and not access.can_change(cf.name):
            field.disabled = True
        form.fields[name] = field
        form.custom_field_names.append(name)
        mapping[cf.name] = name
    form.service_fields = mapping
    form.custom_definitions = {form_name(cf): cf for cf in selectors.definitions(record_type)}


def custom_form_data(form: Any) -> dict[str, Any] | None:
    """The custom values ``form`` sends (not hidden, not read-only), typed for the services;
    None when it has none."""
    names = getattr(form, "custom_field_names", [])
    if not names:
        return None
    data: dict[str, Any] = {}
    for name in names:
        field = form.fields.get(name)
        if field is None or field.disabled:
            continue
        cf = form.custom_definitions[name]
        value = form.cleaned_data.get(name)
        if cf.type in ("date", "datetime") and value:
            value = value.isoformat()
        elif cf.type == "number" and value is not None:
            value = int(value) if float(value).is_integer() and abs(value) < 2**53 else value
        elif cf.type == "lookup":
            if not value and field.widget.attrs.get("data-hidden-link"):
                continue  # an empty input keeps a link to a record the viewer may not see
            value = _lookup_value(form, cf, name, value)
        elif cf.type == "boolean" and not value:
            # An unticked box clears a yes, and leaves a value never set unset.
            current = (getattr(form.instance, "custom", None) or {}).get(cf.key)
            value = False if current is not None else None
        elif value in ("", []):
            value = None
        data[cf.key] = value
    return data


def _lookup_value(form: Any, cf: CustomField, name: str, text: str) -> int | None:
    """The id of the record a lookup input names, among those the viewer may see."""
    records = _lookup_queryset(cf, getattr(form, "viewer", None))
    rt = registry.find(cf.target)
    if not text or records is None or rt is None:
        return None
    record, error = resolve_record(records, text, name_field=rt.default_order[0])
    if error:
        raise ValidationFailed(fields={f"custom.{cf.key}": error})
    return int(record.pk)


def custom_display(
    record_type: str, custom: Any, access: Any, viewer: Any = None
) -> list[dict[str, Any]]:
    """A record page's custom fields: label and shown value, in order (no hidden field, no
    removed one, no empty one; a link only to a record the viewer may see, with its name)."""
    from sambandh.accounts import policy
    from sambandh.core import registry

    language = get_language() or "en"
    shown: list[dict[str, Any]] = []
    for cf in selectors.definitions(record_type):
        if access is not None and not access.shows(cf.name):
            continue
        value = (custom or {}).get(cf.key)
        if value in (None, "", []):
            continue
        if cf.type == "boolean":
            text = _("Yes") if value else _("No")
        elif cf.type == "multi_picklist" and isinstance(value, list):
            text = ", ".join(str(v) for v in value)
        elif cf.type in ("money", "date", "datetime", "number"):
            from sambandh.core.formats import stored_value

            text = stored_value(cf.type, value) or str(value)
        elif cf.type == "lookup":
            rt = registry.find(cf.target)
            record = (
                rt.model._default_manager.filter(policy.visible_q(viewer, rt.key), pk=value).first()
                if rt is not None and viewer is not None and isinstance(value, int)
                else None
            )
            if record is None or rt is None:
                continue
            shown.append(
                {
                    "key": cf.key,
                    "label": cf.label_in(language),
                    "type": cf.type,
                    "value": str(record),
                    "url": rt.url(record.pk),
                }  # type: ignore[union-attr]
            )
            continue
        else:
            text = str(value)
        shown.append(
            {
                "key": cf.key,
                "label": cf.label_in(language),
                "type": cf.type,
                "value": text,
                "raw": value,
                "target": cf.target,
            }
        )
    return shown


def record_custom_fields(viewer: Any, record_type: str, record: Any) -> list[dict[str, Any]]:
    """``custom_display`` of ``record`` for ``viewer`` (a record page's context)."""
    from sambandh.accounts import policy

    access = policy.field_access(viewer, record_type)
    return custom_display(record_type, getattr(record, "custom", None), access, viewer)
