"""Reads of exchange rates, and conversion at a record's date.

Conversion takes a direct rate (base -> quote), else the inverse of the opposite pair, else a
cross through a third currency both have a rate with (EUR, for the ECB's feed). Each leg is the
rate of the record's date, or the latest earlier one: the answer's ``rate_date`` says which day's
rate was used, so a reader sees when it is not the record's own date.
"""

from __future__ import annotations

import datetime
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from babel.numbers import get_currency_precision
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from sambandh.accounts.selectors import company_settings
from sambandh.core.cleaning import clean_currency
from sambandh.core.listing import ListQuery
from sambandh.core.pagination import Page, paginate
from sambandh.currencies.models import ExchangeRate

#: Rates computed by inversion or across two legs are kept to this many places.
RATE_PLACES = Decimal("1e-10")


def minor_unit(currency: str) -> Decimal:
    """The currency's smallest unit as a quantum: 1 for JPY, 0.01 for INR, 0.001 for BHD."""
    return Decimal(1).scaleb(-get_currency_precision(currency))


def round_money(amount: Decimal, currency: str) -> Decimal:
    return amount.quantize(minor_unit(currency), rounding=ROUND_HALF_UP)


def rate_text(rate: Decimal) -> str:
    """A rate as the API writes it: "83.25", never "83.2500000000" or "8.325E+1"."""
    text = f"{rate.quantize(RATE_PLACES).normalize():f}"
    return text


def reporting_currency_for(viewer: object) -> str:
    """The viewer's reporting currency: their own, else the company's."""
    return str(getattr(viewer, "currency", "") or company_settings().currency)


def company_currency() -> str:
    return company_settings().currency


def rate_page(*, query: ListQuery) -> Page[ExchangeRate]:
    """Rates, newest first, optionally of one pair (``base``, ``quote``) and one ``date``.
    Rates are shared reference data: every signed-in user may read them."""
    qs = ExchangeRate.objects.all()
    f = query.filters
    for name in ("base", "quote"):
        if f.get(name):
            qs = qs.filter(**{name: clean_currency(f[name], field=name)})
    if f.get("date"):
        qs = qs.filter(date=f["date"])
    return paginate(qs, order=["-date", "-id"], limit=query.limit, cursor=query.cursor)


@dataclass(frozen=True)
class Rate:
    rate: Decimal
    date: datetime.date


@dataclass(frozen=True)
class Conversion:
    amount: Decimal
    currency: str
    rate: Decimal
    rate_date: datetime.date
    record_date: datetime.date

    def as_json(self) -> dict[str, str]:
        return {
            "amount": f"{self.amount:f}",
            "currency": self.currency,
            "rate": rate_text(self.rate),
            "rate_date": self.rate_date.isoformat(),
            "record_date": self.record_date.isoformat(),
        }


class RateBook:
    """Every rate touching some currencies, read once, for converting many amounts."""

    def __init__(self, rows: Iterable[tuple[str, str, datetime.date, Decimal]]):
        self._pairs: dict[tuple[str, str], tuple[list[datetime.date], list[Decimal]]] = {}
        self._neighbours: dict[str, set[str]] = {}
        for base, quote, day, rate in sorted(rows, key=lambda r: r[2]):
            dates, rates = self._pairs.setdefault((base, quote), ([], []))
            dates.append(day)
            rates.append(rate)
            self._neighbours.setdefault(base, set()).add(quote)
            self._neighbours.setdefault(quote, set()).add(base)

    @classmethod
    def load(cls, currencies: Iterable[str] | None = None) -> RateBook:
        """The rates of pairs with one of ``currencies`` on either side (all rates: None); a
        cross through a third currency has each leg touch one of the two."""
        qs = ExchangeRate.objects.all()
        if currencies is not None:
            codes = sorted(set(currencies))
            qs = qs.filter(Q(base__in=codes) | Q(quote__in=codes))
        return cls(qs.order_by().values_list("base", "quote", "date", "rate"))

    def _latest(self, base: str, quote: str, day: datetime.date) -> Rate | None:
        found = self._pairs.get((base, quote))
        if not found:
            return None
        dates, rates = found
        i = bisect_right(dates, day) - 1
        return Rate(rates[i], dates[i]) if i >= 0 else None

    def _leg(self, base: str, quote: str, day: datetime.date) -> Rate | None:
        """The direct rate or the inverse of the opposite one, whichever is newer (the
        direct on a tie)."""
        direct = self._latest(base, quote, day)
        inverse = self._latest(quote, base, day)
        if inverse is not None and (direct is None or inverse.date > direct.date):
            return Rate((Decimal(1) / inverse.rate).quantize(RATE_PLACES), inverse.date)
        return direct

    def rate(self, base: str, quote: str, day: datetime.date) -> Rate | None:
        if base == quote:
            return Rate(Decimal(1), day)
        leg = self._leg(base, quote, day)
        if leg is not None:
            return leg
        best: Rate | None = None
        shared = self._neighbours.get(base, set()) & self._neighbours.get(quote, set())
        for via in sorted(shared):
            first, second = self._leg(base, via, day), self._leg(via, quote, day)
            if first is None or second is None:
                continue
            crossed = Rate(
                (first.rate * second.rate).quantize(RATE_PLACES), min(first.date, second.date)
            )
            if best is None or crossed.date > best.date:
                best = crossed
        return best

    def convert(
        self, amount: Decimal, base: str, quote: str, day: datetime.date
    ) -> Conversion | None:
        found = self.rate(base, quote, day)
        if found is None:
            return None
        return Conversion(
            amount=round_money(amount * found.rate, quote),
            currency=quote,
            rate=found.rate,
            rate_date=found.date,
            record_date=day,
        )


def no_rate_reason(base: str, quote: str, day: datetime.date) -> str:
    return _("No %(base)s to %(quote)s exchange rate on or before %(date)s.") % {
        "base": base,
        "quote": quote,
        "date": day.isoformat(),
    }


def today() -> datetime.date:
    return timezone.localdate()
