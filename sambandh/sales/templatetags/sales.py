"""Template filters for sales figures. Load with {% load sales %}."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from functools import lru_cache

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
        return "—"  # not known: never shown as 0
    code = str(currency or "").upper()
    try:
        value = amount if isinstance(amount, Decimal) else Decimal(str(amount))
    except (InvalidOperation, ValueError):
        return str(amount)
    if not code:
        return f"{value:,}"
    return _formatted(value, code, to_locale(get_language() or "en"))


@lru_cache(maxsize=4096)
def _formatted(value: Decimal, code: str, locale: str) -> str:
    """Formatting an amount takes babel a tenth of a millisecond, and a board shows hundreds,
    many of the same amount: remembered by value, currency and locale (it depends on nothing
    else)."""
    try:
        return format_currency(value, code, locale=locale)
    except (UnknownLocaleError, ValueError):
        return format_currency(value, code, locale="en")


@register.inclusion_tag("sales/_reporting_amount.html", takes_context=True)
def reporting_amount(context: template.Context, deal: object) -> dict[str, object]:
    """``{% reporting_amount deal %}``: the deal's amount in the viewer's reporting currency at
    the deal's date, when that is not the deal's own currency (nothing when it is, or when the
    amount is unknown); "no rate" when it cannot be converted."""
    from sambandh.currencies.selectors import reporting_currency_for
    from sambandh.sales.totals import deal_convert, deal_record_date

    request = context.get("request")
    currency = reporting_currency_for(getattr(request, "user", None))
    amount = getattr(deal, "amount", None)
    if amount is None or currency == getattr(deal, "currency", currency):
        return {"shown": False}
    return {
        "shown": True,
        "conversion": deal_convert(deal, currency),
        "currency": currency,
        "record_date": deal_record_date(deal),
    }
