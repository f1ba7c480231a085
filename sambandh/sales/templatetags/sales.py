"""Template filters for sales figures. Load with {% load sales %}."""

from __future__ import annotations

from django import template

from sambandh.core import formats

register = template.Library()


@register.filter
def money(amount: object, currency: object) -> str:
    """``{{ deal.amount|money:deal.currency }}``: the amount in the viewer's format locale, with
    the currency's own number of decimals ("₹1,00,000.00" in en-IN and hi, "1.000,00 €" in de).
    core.formats writes it (and remembers it: a board shows the same amounts many times)."""
    return formats.money(amount, currency)
