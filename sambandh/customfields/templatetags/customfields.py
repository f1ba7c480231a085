from __future__ import annotations

from typing import Any

from django import template

from sambandh.customfields.lists import cell

register = template.Library()


@register.filter
def custom_cell(record: Any, name: str) -> str:
    """``{{ person|custom_cell:"custom.tier" }}``: the value as a list cell shows it."""
    return cell(record, name)


@register.filter
def filter_value(filters: Any, name: str) -> str:
    """``{{ state.filters|filter_value:"custom.tier" }}`` (a dotted name, which a template
    cannot look up)."""
    return str((filters or {}).get(name, "")) if hasattr(filters, "get") else ""
