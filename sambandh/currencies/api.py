"""/api/v1/exchange-rates: dated rates. Every signed-in user reads them; administrators add them."""

from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from sambandh.accounts.selectors import acting_user as viewer
from sambandh.core.api import ErrorOut, StrictSchema, page_out
from sambandh.core.listing import ListQuery
from sambandh.core.pagination import clamp_limit
from sambandh.currencies import selectors, services
from sambandh.currencies.models import ExchangeRate

router = Router(tags=["exchange rates"])
ERRORS: dict[int, Any] = {k: ErrorOut for k in (401, 403, 404, 413, 422)}
RATE_HELP = 'What one unit of base costs in quote, as a decimal string such as "83.25".'


class ExchangeRateOut(Schema):
    id: int
    base: str
    quote: str
    rate: str = Field(description=RATE_HELP)
    date: datetime.date
    source: str = Field(description="manual, csv or provider")
    created_at: datetime.datetime


class ExchangeRateIn(StrictSchema):
    base: str = Field(max_length=3, description="ISO 4217, e.g. USD")
    quote: str = Field(max_length=3, description="ISO 4217, e.g. INR")
    rate: str = Field(max_length=40, description=RATE_HELP)
    date: datetime.date


class RateFilters(Schema):
    limit: int = Field(50, ge=1, le=200)
    cursor: str | None = Field(None, max_length=500)
    base: str | None = Field(None, max_length=3)
    quote: str | None = Field(None, max_length=3)
    date: datetime.date | None = None


class RatePage(Schema):
    items: list[ExchangeRateOut]
    next: str | None


def rate_out(row: ExchangeRate) -> dict[str, Any]:
    return {
        "id": row.pk,
        "base": row.base,
        "quote": row.quote,
        "rate": selectors.rate_text(row.rate),
        "date": row.date,
        "source": row.source,
        "created_at": row.created_at,
    }


@router.get("", response={200: RatePage, **ERRORS})
def list_rates(request: HttpRequest, filters: Query[RateFilters]) -> Any:
    """Rates, newest first; ``base``, ``quote`` and ``date`` narrow the list."""
    viewer(request)
    page = selectors.rate_page(
        query=ListQuery(
            filters=filters.model_dump(exclude={"limit", "cursor"}, exclude_none=True),
            limit=clamp_limit(filters.limit),
            cursor=filters.cursor,
        )
    )
    return page_out(page, rate_out)


@router.post("", response={201: ExchangeRateOut, **ERRORS})
def create_rate(request: HttpRequest, payload: ExchangeRateIn) -> Any:
    """Add the rate of a pair on a day (administrators only); a second rate for the same pair
    and day replaces the first."""
    row = services.rate_create(
        actor=viewer(request),
        base=payload.base,
        quote=payload.quote,
        rate=payload.rate,
        date=payload.date,
    )
    return Status(201, rate_out(row))
