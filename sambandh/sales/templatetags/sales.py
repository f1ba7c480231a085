"""Template filters for sales figures. Load with {% load sales %}."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from babel import UnknownLocaleError
from babel.numbers import format_currency
from django import template
from django.utils.translation import get_language, to_locale

register = template.Library()


@register.filter
def money(amount: object, currency: object) -> str:
    """``{{ deal.amount|money:deal.currency }}``: the amount in the viewer's language, with the
    currency's own number of decimals ("₹1,00,000.00" for Hindi, "1.000,00 €" for German)."""
    if amount is None or amount == "":
        return ""
    code = str(currency or "").upper()
    try:
        value = amount if isinstance(amount, Decimal) else Decimal(str(amount))
    except (InvalidOperation, ValueError):
        return str(amount)
    if not code:
        return f"{value:,}"
    try:
        return format_currency(value, code, locale=to_locale(get_language() or "en"))
    except (UnknownLocaleError, ValueError):
        return format_currency(value, code, locale="en")
