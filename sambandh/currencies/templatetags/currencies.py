"""Template filters for exchange rates. Load with {% load currencies %}."""

from __future__ import annotations

from decimal import Decimal

from django import template

from sambandh.currencies.selectors import rate_text

register = template.Library()


@register.filter
def rate(value: object) -> str:
    """``{{ r.rate|rate }}``: "83.25" and "100", never "83.2500000000" or "1E+2"."""
    return rate_text(value) if isinstance(value, Decimal) else str(value or "")
