"""Writes of exchange rates: one entered by hand, a CSV file, or the provider's daily feed.

Each write is one transaction with its audit row, and it refreshes the deals' stored amounts in
the company currency (``sales.services.deal_reporting_refresh``) for the currencies it touched,
so that sorting and totals follow the new rates at once.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sambandh.accounts import policy
from sambandh.core.audit import audit_record
from sambandh.core.cleaning import clean_currency
from sambandh.core.errors import ServiceError, ValidationFailed
from sambandh.core.records import FieldErrors
from sambandh.currencies.models import ExchangeRate
from sambandh.currencies.selectors import RATE_PLACES

#: The largest rate a column holds (24 digits, 10 of them decimals).
MAX_RATE = Decimal("1e14")
#: At most this many rows in one import (a decade of daily rates for 30 currencies fits).
MAX_IMPORT_ROWS = 200_000


@dataclass(frozen=True)
class RateIn:
    base: str
    quote: str
    rate: Decimal
    date: datetime.date


def clean_rate(value: object, *, field: str = "rate") -> Decimal:
    """A rate greater than zero, kept to ten decimal places."""
    try:
        rate = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValidationFailed(fields={field: _("Enter a number.")}) from None
    if not rate.is_finite():
        raise ValidationFailed(fields={field: _("Enter a number.")})
    if rate >= MAX_RATE:
        raise ValidationFailed(fields={field: _("The rate is too large.")})
    rate = rate.quantize(RATE_PLACES)
    if rate <= 0:
        raise ValidationFailed(fields={field: _("A rate must be greater than zero.")})
    return rate


def clean_rate_input(*, base: Any, quote: Any, rate: Any, date: Any) -> RateIn:
    """Every problem of one rate at once, or the clean rate."""
    errors = FieldErrors()
    base_code = errors.run(clean_currency, base, field="base")
    quote_code = errors.run(clean_currency, quote, field="quote")
    if base_code and base_code == quote_code:
        errors.add("quote", _("The quote currency must differ from the base currency."))
    clean = errors.run(clean_rate, rate)
    day = date
    if isinstance(day, str):
        try:
            day = datetime.date.fromisoformat(day.strip())
        except ValueError:
            day = None
    if isinstance(day, datetime.datetime) or not isinstance(day, datetime.date):
        errors.add("date", _("Enter a date as YYYY-MM-DD."))
    errors.raise_if_any()
    return RateIn(base=base_code, quote=quote_code, rate=clean, date=day)


def _save(rates: Iterable[RateIn], *, source: str, actor: Any) -> tuple[int, set[str]]:
    """Write each rate (a second one for a pair and day replaces the first)."""
    count, touched = 0, set()
    for r in rates:
        ExchangeRate.objects.update_or_create(
            base=r.base,
            quote=r.quote,
            date=r.date,
            defaults={
                "rate": r.rate,
                "source": source,
                "created_at": timezone.now(),
                "created_by": actor if getattr(actor, "pk", None) else None,
            },
        )
        count += 1
        touched |= {r.base, r.quote}
    return count, touched


def _after_rates_changed(touched: set[str]) -> None:
    from sambandh.sales.services import deal_reporting_refresh

    deal_reporting_refresh(currencies=touched)


@transaction.atomic
def rate_create(*, actor: Any, base: Any, quote: Any, rate: Any, date: Any) -> ExchangeRate:
    """Enter one rate by hand (an administrator's)."""
    policy.ensure_admin(actor)
    clean = clean_rate_input(base=base, quote=quote, rate=rate, date=date)
    _count, touched = _save([clean], source=ExchangeRate.Source.MANUAL, actor=actor)
    row = ExchangeRate.objects.get(base=clean.base, quote=clean.quote, date=clean.date)
    audit_record(
        actor=actor,
        action="create",
        record_type="exchange_rate",
        record_id=row.pk,
        changes={"base": row.base, "quote": row.quote, "rate": str(row.rate), "date": row.date},
        summary=str(row),
    )
    _after_rates_changed(touched)
    return row


@dataclass(frozen=True)
class ImportResult:
    count: int
    errors: list[str]


def parse_rates_csv(text: str) -> tuple[list[RateIn], list[str]]:
    """The rates of a ``date,base,quote,rate`` file and, for each bad row, a message naming its
    line (the header is line 1)."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    header = next(reader, None)
    expected = ["date", "base", "quote", "rate"]
    if header is None or [h.strip().lower() for h in header] != expected:
        return [], [_("Line 1: the header must be date,base,quote,rate.")]
    rates: list[RateIn] = []
    errors: list[str] = []
    seen: dict[tuple[str, str, datetime.date], int] = {}
    for row in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if len(rates) + len(errors) >= MAX_IMPORT_ROWS:
            errors.append(
                _("Line %(line)s: at most %(n)s rows.") % {"line": line, "n": MAX_IMPORT_ROWS}
            )
            break
        if len(row) != 4:
            errors.append(_("Line %(line)s: expected 4 columns.") % {"line": line})
            continue
        day, base, quote, rate = row
        try:
            clean = clean_rate_input(base=base, quote=quote, rate=rate, date=day)
        except ValidationFailed as exc:
            detail = "; ".join(f"{k}: {v}" for k, v in exc.fields.items())
            errors.append(_("Line %(line)s: %(detail)s") % {"line": line, "detail": detail})
            continue
        key = (clean.base, clean.quote, clean.date)
        if key in seen:
            errors.append(
                _("Line %(line)s: the same pair and date as line %(first)s.")
                % {"line": line, "first": seen[key]}
            )
            continue
        seen[key] = line
        rates.append(clean)
    return rates, errors


@transaction.atomic
def rates_import_csv(*, actor: Any, text: str) -> int:
    """Import a whole ``date,base,quote,rate`` file, or nothing: any bad row refuses the file,
    with every bad row's line in the error."""
    rates, errors = parse_rates_csv(text)
    if errors:
        raise ValidationFailed(
            _("The file was not imported: %(n)s bad rows.") % {"n": len(errors)},
            fields={"file": "\n".join(errors)},
        )
    if not rates:
        raise ValidationFailed(fields={"file": _("The file has no rates.")})
    count, touched = _save(rates, source=ExchangeRate.Source.CSV, actor=actor)
    audit_record(
        actor=actor,
        action="import",
        record_type="exchange_rate",
        changes={"count": count, "currencies": [None, sorted(touched)]},
        summary=_("%(n)s exchange rates imported") % {"n": count},
    )
    _after_rates_changed(touched)
    return count


class ProviderError(ServiceError):
    status = 502
    code = "rates_provider_failed"
    default_message = gettext_lazy("The exchange rate provider could not be read.")


@transaction.atomic
def rates_fetch(*, url: str, actor: Any = None) -> int:
    """Fetch the provider's daily feed at ``url`` and store its rates (see provider.py)."""
    from sambandh.currencies.provider import fetch_rates

    rates = fetch_rates(url)
    count, touched = _save(rates, source=ExchangeRate.Source.PROVIDER, actor=actor)
    audit_record(
        actor=actor,
        action="import",
        record_type="exchange_rate",
        changes={"count": count, "currencies": [None, sorted(touched)], "source": url[:200]},
        summary=_("%(n)s exchange rates fetched") % {"n": count},
    )
    _after_rates_changed(touched)
    return count
