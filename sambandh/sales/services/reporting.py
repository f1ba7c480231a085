"""Deals in the company's currency: the stored ``amount_reporting`` that sorts and sums compare.

It is the amount at the rate of the deal's own date (``deal_record_date``), or the latest earlier
rate. A deal's write sets it; a rate's write or a change of the company's currency refreshes it for
every deal whose conversion may have changed (``deal_reporting_refresh``).
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from sambandh.currencies.selectors import RateBook, company_currency
from sambandh.sales.models import Deal
from sambandh.sales.totals import deal_convert, deal_record_date

__all__ = ["deal_convert", "deal_record_date", "deal_reporting_refresh", "deal_set_reporting"]


def _amount_reporting(deal: Any, company: str, book: RateBook) -> Decimal | None:
    found = deal_convert(deal, company, book)
    return found.amount if found is not None else None


def deal_set_reporting(deal: Deal) -> None:
    """Set (not save) the deal's amount in the company's currency."""
    company = company_currency()
    deal.amount_reporting = (
        None
        if deal.amount is None
        else _amount_reporting(deal, company, RateBook.load({deal.currency, company}))
    )


def deal_reporting_refresh(*, currencies: Iterable[str] | None = None) -> int:
    """Recompute ``amount_reporting`` of the deals a change of rates of ``currencies`` may
    convert differently (all deals: None, or when the company's own currency is among them).
    Answers how many deals changed. A derived column: no version, audit or event."""
    company = company_currency()
    touched = None if currencies is None else set(currencies)
    qs = Deal.objects.order_by()
    if touched is not None and company not in touched:
        qs = qs.filter(currency__in=sorted(touched))
    book = RateBook.load()
    changed: list[Deal] = []
    rows = qs.values_list(
        "id", "amount", "currency", "status", "closed_at", "expected_close_date", "amount_reporting"
    )
    for pk, amount, currency, status, closed_at, close_date, current in rows.iterator(2000):
        deal = Deal(
            pk=pk,
            amount=amount,
            currency=currency,
            status=status,
            closed_at=closed_at,
            expected_close_date=close_date,
        )
        value = None if amount is None else _amount_reporting(deal, company, book)
        if value != current:
            deal.amount_reporting = value
            changed.append(deal)
    Deal.objects.bulk_update(changed, ["amount_reporting"], batch_size=500)
    return len(changed)
