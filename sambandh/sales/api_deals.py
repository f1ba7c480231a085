"""/api/v1/deals: thin endpoints over the sales services and selectors."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar, Literal

from babel.numbers import get_currency_precision
from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema, Status
from pydantic import Field

from sambandh.accounts import policy
from sambandh.accounts.selectors import acting_user as viewer
from sambandh.core.api import ErrorOut, expected_version, with_etag
from sambandh.core.cleaning import clean_currency
from sambandh.core.ids import RecordId
from sambandh.core.listing import ListQuery
from sambandh.core.pagination import clamp_limit
from sambandh.core.sensitive import note_listed
from sambandh.customfields.selectors import custom_filter_params, custom_values_shown
from sambandh.sales import selectors, services
from sambandh.sales.models import Stage, StageChange
from sambandh.sales.schemas import (
    DealIn,
    DealListItem,
    DealMoveIn,
    DealOut,
    DealPatch,
    StageChangeOut,
)

router = Router(tags=["deals"])
ERRORS: dict[int, Any] = {k: ErrorOut for k in (401, 403, 404, 409, 413, 422, 428)}


# --- shaping helpers (shared with the other sales routers) ------------------------------
def user_ref(user: Any) -> dict[str, Any] | None:
    return {"id": user.pk, "name": str(user)} if user is not None else None


def named_ref(obj: Any) -> dict[str, Any] | None:
    return {"id": obj.pk, "name": str(obj)} if obj is not None else None


def money_str(amount: Decimal | None, currency: str) -> str | None:
    """The amount as a decimal string in the currency's precision ("1234.50" for INR); None
    when it is not known."""
    if amount is None:
        return None
    places = get_currency_precision(currency) if currency else 2
    return f"{amount.quantize(Decimal(1).scaleb(-places)):f}"


def stage_ref(stage: Stage) -> dict[str, Any]:
    return {
        "id": stage.pk,
        "name": stage.name,
        "kind": stage.kind,
        "probability": stage.probability,
    }


def deal_list_item(d: Any) -> dict[str, Any]:
    """Every field of the list item (the caller redacts what the viewer may not see)."""
    return {
        "id": d.pk,
        "version": d.version,
        "name": d.name,
        "pipeline": named_ref(d.pipeline),
        "stage": stage_ref(d.stage),
        "status": d.status,
        "amount": money_str(d.amount, d.currency),
        "currency": d.currency,
        "probability": d.probability,
        "expected_close_date": d.expected_close_date,
        "organization": named_ref(d.shown_organization),
        "tags": [t.name for t in d.tags.all()],
        "owner": user_ref(d.owner),
        "updated_at": d.updated_at,
    }


def deal_out(d: Any) -> dict[str, Any]:
    return {
        **deal_list_item(d),
        "people": [{"id": p.pk, "name": p.full_name} for p in d.people.all()],
        "source": d.source,
        "description": d.description,
        "won_reason": d.won_reason,
        "lost_reason": d.lost_reason,
        "closed_at": d.closed_at,
        "stage_entered_at": d.stage_entered_at,
        "custom": custom_values_shown(getattr(d, "shown_custom", d.custom), "deal"),
        "created_at": d.created_at,
    }


def stage_change_out(c: StageChange) -> dict[str, Any]:
    return {
        "id": c.pk,
        "from_stage": named_ref(c.from_stage),
        "to_stage": named_ref(c.to_stage),
        "changed_by": user_ref(c.changed_by),
        "changed_at": c.changed_at,
        "amount": money_str(c.amount, c.currency),
        "currency": c.currency,
        "probability": c.probability,
        "seconds_in_previous": c.seconds_in_previous,
    }


def with_reporting(
    items: list[dict[str, Any]], deals: list[Any], currency: str | None, access: Any
) -> list[dict[str, Any]]:
    """Add ``reporting`` (the amount in ``currency`` at the deal's date) to each shaped deal,
    or null with ``reporting_reason``; nothing when the viewer may not see the amount."""
    if not currency or not access.shows("amount"):
        return items
    for item, conversion in zip(items, selectors.deals_converted(deals, currency), strict=True):
        item["reporting"] = conversion.as_json() if conversion.found else None
        if not conversion.found:
            item["reporting_reason"] = conversion.reason
    return items


def _reporting_currency(value: str | None) -> str | None:
    return clean_currency(value, field="reporting_currency") if value else None


def _record(
    request: HttpRequest,
    response: HttpResponse,
    deal_id: int,
    *,
    written: bool = False,
    reporting_currency: str | None = None,
) -> dict[str, Any]:
    """The deal as the viewer may see it, with its ETag (``written``: just written by the
    viewer, answered even if they handed it to someone they cannot see)."""
    currency = _reporting_currency(reporting_currency)
    deal = selectors.deal_get(viewer=viewer(request), deal_id=deal_id, written=written)
    with_etag(response, deal.version)
    access = policy.field_access(viewer(request), "deal")
    return with_reporting([access.redact(deal_out(deal))], [deal], currency, access)[0]


# --- endpoints -------------------------------------------------------------------------------
class DealFilters(Schema):
    #: Also takes the ``custom.<key>`` filters of this record type (config/api.py).
    custom_filters: ClassVar[str] = "deal"
    limit: int = Field(50, ge=1, le=200)
    cursor: str | None = Field(None, max_length=500)
    sort: str = Field("-updated", max_length=80, description=", ".join(selectors.DEAL_SORTS))
    pipeline_id: RecordId | None = None
    stage_id: RecordId | None = None
    status: Literal["open", "won", "lost"] | None = None
    owner_id: RecordId | None = None
    organization_id: RecordId | None = None
    person_id: RecordId | None = None
    tag: str | None = Field(None, max_length=60)
    currency: str | None = Field(None, max_length=3)
    name: str | None = Field(None, max_length=200, description="Name contains")
    import_: RecordId | None = Field(
        None, alias="import", description="Only the records this import created or changed."
    )
    reporting_currency: str | None = Field(
        None, max_length=3, description="Add each deal's amount converted to this currency."
    )


class DealPage(Schema):
    items: list[DealListItem]
    next: str | None


class StageHistory(Schema):
    items: list[StageChangeOut]
    next: str | None = Field(description="Always null: the whole history is one page.")


@router.get("", response={200: DealPage, **ERRORS}, exclude_unset=True)
def list_deals(request: HttpRequest, filters: Query[DealFilters]) -> Any:
    f = filters.model_dump(
        exclude={"limit", "cursor", "sort", "reporting_currency"}, exclude_none=True, by_alias=True
    )
    f.update(custom_filter_params(request.GET))
    currency = _reporting_currency(filters.reporting_currency)
    page = selectors.deal_list(
        viewer=viewer(request),
        query=ListQuery(
            filters=f, sort=filters.sort, limit=clamp_limit(filters.limit), cursor=filters.cursor
        ),
    )
    access = policy.field_access(viewer(request), "deal")
    note_listed(viewer(request), "deal", page.items)
    items = [access.redact(deal_list_item(d)) for d in page.items]
    return {"items": with_reporting(items, page.items, currency, access), "next": page.next_cursor}


@router.post("", response={201: DealOut, **ERRORS}, exclude_unset=True)
def create_deal(request: HttpRequest, response: HttpResponse, payload: DealIn) -> Any:
    deal = services.deal_create(actor=viewer(request), data=payload)
    return Status(201, _record(request, response, deal.pk, written=True))


@router.get("/{id:deal_id}", response={200: DealOut, **ERRORS}, exclude_unset=True)
def get_deal(
    request: HttpRequest,
    response: HttpResponse,
    deal_id: int,
    reporting_currency: str | None = Query(
        None, max_length=3, description="Add the amount converted to this currency."
    ),
) -> Any:
    return _record(request, response, deal_id, reporting_currency=reporting_currency)


@router.patch("/{id:deal_id}", response={200: DealOut, **ERRORS}, exclude_unset=True)
def update_deal(
    request: HttpRequest, response: HttpResponse, deal_id: int, payload: DealPatch
) -> Any:
    deal = selectors.deal_get_for_update(viewer=viewer(request), deal_id=deal_id)
    version = expected_version(request, payload.version)
    services.deal_update(actor=viewer(request), deal=deal, data=payload, version=version)
    return _record(request, response, deal_id, written=True)


@router.delete("/{id:deal_id}", response={204: None, **ERRORS})
def delete_deal(request: HttpRequest, deal_id: int, version: int | None = None) -> Any:
    deal = selectors.deal_get_for_update(viewer=viewer(request), deal_id=deal_id)
    services.deal_delete(
        actor=viewer(request),
        deal=deal,
        version=expected_version(request, version),
    )
    return Status(204, None)


@router.post("/{id:deal_id}/move", response={200: DealOut, **ERRORS}, exclude_unset=True)
def move_deal(
    request: HttpRequest, response: HttpResponse, deal_id: int, payload: DealMoveIn
) -> Any:
    """Move the deal to another stage (of any pipeline); the change is kept as a row."""
    deal = selectors.deal_get_for_update(viewer=viewer(request), deal_id=deal_id)
    services.deal_move_stage(
        actor=viewer(request),
        deal=deal,
        stage_id=payload.stage_id,
        version=expected_version(request, payload.version),
        reason=payload.reason,
    )
    return _record(request, response, deal_id, written=True)


@router.get("/{id:deal_id}/stage-history", response={200: StageHistory, **ERRORS})
def deal_stage_history(request: HttpRequest, deal_id: int) -> Any:
    deal = selectors.deal_get(viewer=viewer(request), deal_id=deal_id)
    changes = selectors.deal_stage_history(deal=deal)
    return {"items": [stage_change_out(c) for c in changes], "next": None}
