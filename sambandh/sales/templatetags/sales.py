"""Template filters for sales figures. Load with {% load sales %}."""

from __future__ import annotations

from django import template

from sambandh.core import formats

register = template.Library()


@register.filter
def money(amount: object, currency: object) -> str:
    """``{{ deal.amount|money:deal.currency }}``: the amount in the viewer's format locale, with
    the currency's own number of decimals ("₹1,00,000.00" in en-IN and hi, "1.000,00 €" in de);
    an unknown amount is "—", never 0. core.formats writes it (and remembers it: a board shows
    the same amounts many times)."""
    if amount is None or amount == "":
        return "—"
    return formats.money(amount, currency)


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
