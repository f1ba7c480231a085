"""Deal amounts in the viewer's reporting currency: one deal converted at its own date, and the
sums of boards and summaries as one figure (reads; sales.services.reporting keeps the stored
amount in the company currency that the sums add up)."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone

from sambandh.currencies.selectors import (
    Conversion,
    Rate,
    RateBook,
    company_currency,
    no_rate_reason,
    reporting_currency_for,
    round_money,
)


def deal_record_date(deal: Any) -> datetime.date:
    """The day a deal's amount is converted at: its actual close date once won or lost, else
    its expected close date, else today."""
    if getattr(deal, "status", "open") != "open" and getattr(deal, "closed_at", None):
        return timezone.localdate(deal.closed_at, timezone=datetime.UTC)
    return deal.expected_close_date or timezone.localdate()


def deal_convert(deal: Any, quote: str, book: RateBook | None = None) -> Conversion | None:
    """The deal's amount in ``quote`` at its date, or None (no amount, or no rate)."""
    if deal.amount is None:
        return None
    book = book or RateBook.load({deal.currency, quote})
    return book.convert(deal.amount, deal.currency, quote, deal_record_date(deal))


@dataclass(frozen=True)
class DealConversion:
    conversion: Conversion | None
    reason: str = ""

    @property
    def found(self) -> bool:
        return self.conversion is not None

    def as_json(self) -> dict[str, str]:
        assert self.conversion is not None
        return self.conversion.as_json()


def deals_converted(deals: Sequence[Any], currency: str) -> list[DealConversion]:
    """Each deal's amount in ``currency`` at its own date (the rates read once)."""
    book = RateBook.load({currency, *(d.currency for d in deals)})
    out = []
    for deal in deals:
        if deal.amount is None:
            out.append(DealConversion(None, _no_amount()))
            continue
        found = deal_convert(deal, currency, book)
        reason = "" if found else no_rate_reason(deal.currency, currency, deal_record_date(deal))
        out.append(DealConversion(found, reason))
    return out


def _no_amount() -> str:
    from django.utils.translation import gettext as _

    return _("The deal's amount is not known.")


@dataclass(frozen=True)
class CompanyToViewer:
    """How a sum in the company currency becomes one in the viewer's reporting currency."""

    company: str
    currency: str
    rate: Rate | None  # None: no rate between the two (the sum cannot be shown)


def company_to_viewer(viewer: Any) -> CompanyToViewer:
    company = company_currency()
    currency = reporting_currency_for(viewer)
    today = timezone.localdate()
    if company == currency:
        return CompanyToViewer(company, currency, Rate(Decimal(1), today))
    return CompanyToViewer(
        company, currency, RateBook.load({company, currency}).rate(company, currency, today)
    )


@dataclass(frozen=True)
class MoneyTotal:
    """A sum as one figure in the viewer's reporting currency."""

    amount: Decimal | None  # None: no rate from the company currency to the viewer's
    currency: str
    unconverted: int  # deals with an amount but no rate to convert it: left out of the sum
    #: Set when the sum was converted from the company currency at today's (or the latest) rate.
    via: str = ""
    rate_date: datetime.date | None = None


def money_total(company_sum: Decimal, unconverted: int, to_viewer: CompanyToViewer) -> MoneyTotal:
    if to_viewer.rate is None:
        return MoneyTotal(None, to_viewer.currency, unconverted, via=to_viewer.company)
    if to_viewer.company == to_viewer.currency:
        return MoneyTotal(
            round_money(company_sum, to_viewer.currency), to_viewer.currency, unconverted
        )
    return MoneyTotal(
        round_money(company_sum * to_viewer.rate.rate, to_viewer.currency),
        to_viewer.currency,
        unconverted,
        via=to_viewer.company,
        rate_date=to_viewer.rate.date,
    )
