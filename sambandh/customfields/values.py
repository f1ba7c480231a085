"""Custom field values, validated by their field's type: one module for the API and the web
form (the services call ``clean_values``; the form fields only turn text into typed values).

A record's values are a flat object under ``custom``: ``{"loyalty_tier": "gold"}``. A write
sends the keys it changes (``null`` clears one); keys it does not send keep their values, and
the values of removed fields are kept until the field is purged. Every problem is a 422 naming
``custom.<key>``.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext as _

from sambandh.accounts import policy
from sambandh.core import registry
from sambandh.core.cleaning import (
    clean_amount,
    clean_currency,
    clean_datetime,
    clean_email,
    clean_long_text,
    clean_phone,
    clean_text,
)
from sambandh.core.errors import ValidationFailed
from sambandh.core.ids import MAX_ID
from sambandh.core.records import MAX_CUSTOM_BYTES, FieldErrors
from sambandh.customfields import selectors
from sambandh.customfields.models import CustomField

MAX_TEXT = 255
MAX_LONG_TEXT = 10_000
MAX_URL = 500
MAX_NUMBER = 1e15
_EMPTY: tuple[Any, ...] = (None, "", [])


def _fail(name: str, message: str) -> ValidationFailed:
    return ValidationFailed(fields={name: message})


def _string(value: Any, name: str) -> str:
    if not isinstance(value, str):
        raise _fail(name, _("Enter text."))
    return value


def clean_value(cf: CustomField, value: Any, *, actor: Any = None, name: str = "") -> Any:
    """``value`` as field ``cf`` stores it, or a 422 naming ``name`` (``custom.<key>``).
    ``actor``: who writes it (a lookup must name a record they may see)."""
    name = name or cf.name
    kind = cf.type
    if kind == "text":
        return clean_text(_string(value, name), field=name, max_length=MAX_TEXT)
    if kind == "long_text":
        return clean_long_text(_string(value, name), field=name, max_length=MAX_LONG_TEXT)
    if kind == "number":
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise _fail(name, _("Enter a number."))
        if not math.isfinite(value) or abs(value) >= MAX_NUMBER:
            raise _fail(name, _("Enter a number below 10¹⁵."))
        return value
    if kind == "money":
        return _clean_money(value, name)
    if kind == "date":
        try:
            return dt.date.fromisoformat(_string(value, name)).isoformat()
        except ValueError:
            raise _fail(name, _("Enter a date as YYYY-MM-DD.")) from None
    if kind == "datetime":
        try:
            parsed = dt.datetime.fromisoformat(_string(value, name))
        except ValueError:
            raise _fail(name, _("Enter a date and time (ISO 8601, with its offset).")) from None
        # One spelling in UTC, to the second: sorted as text, it sorts by time.
        return clean_datetime(parsed, field=name).strftime("%Y-%m-%dT%H:%M:%SZ")
    if kind == "boolean":
        if not isinstance(value, bool):
            raise _fail(name, _("Enter true or false."))
        return value
    if kind == "picklist":
        if not isinstance(value, str) or value not in cf.options:
            raise _fail(name, _choose(cf))
        return value
    if kind == "multi_picklist":
        if not isinstance(value, list) or not all(
            isinstance(v, str) and v in cf.options for v in value
        ):
            raise _fail(name, _choose(cf))
        return [o for o in cf.options if o in value]  # each once, in the options' order
    if kind == "url":
        text = clean_text(_string(value, name), field=name, max_length=MAX_URL)
        try:
            URLValidator(schemes=["http", "https"])(text)
        except ValidationError:
            raise _fail(name, _("Enter a web address starting with http:// or https://.")) from None
        return text
    if kind == "email":
        return clean_email(_string(value, name), field=name)
    if kind == "phone":
        return clean_phone(_string(value, name)[:40], field=name)
    if kind == "lookup":
        return _clean_lookup(cf, value, actor, name)
    raise _fail(name, _("This field cannot hold values."))


def _choose(cf: CustomField) -> str:
    return _("Choose from: %(options)s.") % {"options": ", ".join(cf.options)[:300]}


def _clean_money(value: Any, name: str) -> dict[str, str]:
    if not isinstance(value, Mapping) or set(value) != {"amount", "currency"}:
        raise _fail(
            name, _('Enter an amount and a currency: {"amount": "12.50", "currency": "EUR"}.')
        )
    amount, currency = value["amount"], value["currency"]
    if not isinstance(currency, str) or isinstance(amount, bool):
        raise _fail(name, _("Enter an amount and a currency."))
    if not isinstance(amount, str | int | float | Decimal) or len(str(amount)) > 30:
        raise _fail(name, _("Enter a number."))
    code = clean_currency(currency, field=name)
    return {"amount": str(clean_amount(amount, currency=code, field=name)), "currency": code}


def _clean_lookup(cf: CustomField, value: Any, actor: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_ID:
        raise _fail(name, _("Enter the id of a record."))
    rt = registry.get(cf.target, field=name)
    if actor is None or not (
        rt.model._default_manager.filter(policy.visible_q(actor, rt.key), pk=value).exists()
    ):
        raise _fail(name, _("No such %(type)s.") % {"type": rt.label})
    return value


def _size_check(value: Any, name: str = "custom") -> None:
    if len(json.dumps(value, default=str)) > MAX_CUSTOM_BYTES:
        raise _fail(name, _("Custom field values are too large."))


def clean_values(
    *,
    actor: Any,
    record_type: str,
    value: Any,
    current: Mapping[str, Any] | None = None,
    creating: bool = False,
) -> tuple[dict[str, Any], list[str]]:
    """The record's values after this write, and the custom field names the writer changed
    (for the field policy). ``value``: what the writer sent under ``custom``; ``current``: what
    the record holds (None when creating). Raises one 422 naming every bad ``custom.<key>``."""
    if value is None:
        value = {}
    if not isinstance(value, Mapping):
        raise _fail("custom", _("Custom fields must be an object."))
    _size_check(value)
    defined = {cf.key: cf for cf in selectors.definitions(record_type)}
    before = dict(current or {})
    after = dict(before)
    errors = FieldErrors()
    changed: list[str] = []
    for key, raw in value.items():
        name = f"custom.{str(key)[:64]}"
        cf = defined.get(key) if isinstance(key, str) else None
        if cf is None:
            errors.add(name, _("Unknown custom field."))
            continue
        if raw == before.get(key) and not creating:
            continue  # sent back unchanged (a form): nothing to check or to guard
        if raw in _EMPTY:
            if cf.required:
                errors.add(name, _("This field is required."))
            after.pop(key, None)
        else:
            clean = errors.run(clean_value, cf, raw, actor=actor, name=name)
            if clean is None:
                continue
            after[key] = clean
        if after.get(key) != before.get(key):
            changed.append(name)
    if creating:
        for key, cf in defined.items():
            if key not in after and cf.default not in _EMPTY:
                after[key] = cf.default
            if cf.required and after.get(key) in _EMPTY and f"custom.{key}" not in errors.fields:
                errors.add(f"custom.{key}", _("This field is required."))
    errors.raise_if_any()
    _size_check(after)
    return after, changed


def visible_values(
    custom: Mapping[str, Any] | None, record_type: str, access: Any = None
) -> dict[str, Any]:
    """``custom`` as a viewer may see it: without removed fields and (``access``, the viewer's
    ``FieldAccess``) without fields hidden from their role."""
    if not custom:
        return {}
    removed = selectors.removed_keys(record_type)
    return {
        k: v
        for k, v in custom.items()
        if k not in removed and (access is None or access.shows(f"custom.{k}"))
    }
