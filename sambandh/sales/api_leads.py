"""/api/v1/leads: thin endpoints over the sales services and selectors."""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema, Status
from pydantic import Field

from sambandh.accounts import policy
from sambandh.core.api import expected_version, page_out, with_etag
from sambandh.core.ids import RecordId
from sambandh.core.listing import ListQuery
from sambandh.core.pagination import clamp_limit
from sambandh.core.sensitive import note_listed
from sambandh.customfields.selectors import custom_filter_params, custom_values_shown
from sambandh.dedupe.schemas import CHECK_DUPLICATES_HELP, DuplicatesOut, duplicates_refusal
from sambandh.sales import selectors, services
from sambandh.sales.api_deals import ERRORS, user_ref, viewer
from sambandh.sales.models import Lead
from sambandh.sales.schemas import LeadConvertIn, LeadIn, LeadListItem, LeadOut, LeadPatch

router = Router(tags=["leads"])


def lead_list_item(lead: Lead) -> dict[str, Any]:
    """Every field of the list item (the caller redacts what the viewer may not see)."""
    return {
        "id": lead.pk,
        "version": lead.version,
        "full_name": lead.full_name,
        "company": lead.company,
        "email": lead.email,
        "phone": lead.phone,
        "status": lead.status,
        "source": lead.source,
        "country": lead.country,
        "tags": [t.name for t in lead.tags.all()],
        "owner": user_ref(lead.owner),
        "created_at": lead.created_at,
        "updated_at": lead.updated_at,
    }


def lead_out(lead: Any) -> dict[str, Any]:
    return {
        **lead_list_item(lead),
        "job_title": lead.job_title,
        "preferred_language": lead.preferred_language,
        "description": lead.description,
        "custom": custom_values_shown(getattr(lead, "shown_custom", lead.custom), "lead"),
        "converted_at": lead.converted_at,
        # What the lead became, where the viewer may see it (selectors.lead_get).
        "converted_person_id": _id(lead.shown_converted_person),
        "converted_organization_id": _id(lead.shown_converted_organization),
        "converted_deal_id": _id(lead.shown_converted_deal),
    }


def _id(record: Any) -> int | None:
    return record.pk if record is not None else None


def _record(
    request: HttpRequest, response: HttpResponse, lead_id: int, *, written: bool = False
) -> dict[str, Any]:
    lead = selectors.lead_get(viewer=viewer(request), lead_id=lead_id, written=written)
    with_etag(response, lead.version)
    return policy.field_access(viewer(request), "lead").redact(lead_out(lead))


class LeadFilters(Schema):
    #: Also takes the ``custom.<key>`` filters of this record type (config/api.py).
    custom_filters: ClassVar[str] = "lead"
    limit: int = Field(50, ge=1, le=200)
    cursor: str | None = Field(None, max_length=500)
    sort: str = Field("-created", max_length=80, description=", ".join(selectors.LEAD_SORTS))
    status: Literal["new", "contacted", "qualified", "unqualified", "converted"] | None = None
    owner_id: RecordId | None = None
    source: str | None = Field(None, max_length=100)
    tag: str | None = Field(None, max_length=60)
    name: str | None = Field(None, max_length=200, description="Name contains")
    import_: RecordId | None = Field(
        None, alias="import", description="Only the records this import created or changed."
    )


class LeadPage(Schema):
    items: list[LeadListItem]
    next: str | None


@router.get("", response={200: LeadPage, **ERRORS}, exclude_unset=True)
def list_leads(request: HttpRequest, filters: Query[LeadFilters]) -> Any:
    f = filters.model_dump(exclude={"limit", "cursor", "sort"}, exclude_none=True, by_alias=True)
    f.update(custom_filter_params(request.GET))
    page = selectors.lead_list(
        viewer=viewer(request),
        query=ListQuery(
            filters=f, sort=filters.sort, limit=clamp_limit(filters.limit), cursor=filters.cursor
        ),
    )
    access = policy.field_access(viewer(request), "lead")
    note_listed(viewer(request), "lead", page.items)
    return page_out(page, lambda lead: access.redact(lead_list_item(lead)))


@router.post(
    "",
    response={201: LeadOut, **ERRORS, 409: DuplicatesOut},
    exclude_unset=True,
    description=CHECK_DUPLICATES_HELP,
)
def create_lead(
    request: HttpRequest, response: HttpResponse, payload: LeadIn, check_duplicates: bool = False
) -> Any:
    if check_duplicates and (
        refusal := duplicates_refusal(viewer=viewer(request), record_type="lead", payload=payload)
    ):
        return refusal
    lead = services.lead_create(actor=viewer(request), data=payload)
    return Status(201, _record(request, response, lead.pk, written=True))


@router.get("/{id:lead_id}", response={200: LeadOut, **ERRORS}, exclude_unset=True)
def get_lead(request: HttpRequest, response: HttpResponse, lead_id: int) -> Any:
    return _record(request, response, lead_id)


@router.patch("/{id:lead_id}", response={200: LeadOut, **ERRORS}, exclude_unset=True)
def update_lead(
    request: HttpRequest, response: HttpResponse, lead_id: int, payload: LeadPatch
) -> Any:
    lead = selectors.lead_get_for_update(viewer=viewer(request), lead_id=lead_id)
    version = expected_version(request, payload.version)
    services.lead_update(actor=viewer(request), lead=lead, data=payload, version=version)
    return _record(request, response, lead_id, written=True)


@router.delete("/{id:lead_id}", response={204: None, **ERRORS})
def delete_lead(request: HttpRequest, lead_id: int, version: int | None = None) -> Any:
    lead = selectors.lead_get_for_update(viewer=viewer(request), lead_id=lead_id)
    services.lead_delete(
        actor=viewer(request),
        lead=lead,
        version=expected_version(request, version),
    )
    return Status(204, None)


@router.post("/{id:lead_id}/convert", response={200: LeadOut, **ERRORS}, exclude_unset=True)
def convert_lead(
    request: HttpRequest, response: HttpResponse, lead_id: int, payload: LeadConvertIn | None = None
) -> Any:
    """Turn the lead into a person (with an organization from its company, and a deal unless
    create_deal is false); the answer links to what was created. The body may be left out when
    If-Match carries the version."""
    payload = payload or LeadConvertIn.model_validate({})
    lead = selectors.lead_get_for_update(viewer=viewer(request), lead_id=lead_id)
    services.lead_convert(
        actor=viewer(request),
        lead=lead,
        version=expected_version(request, payload.version),
        create_deal=payload.create_deal,
        deal_name=payload.deal_name,
        amount=payload.amount,
        currency=payload.currency,
        organization_id=payload.organization_id,
    )
    return _record(request, response, lead_id, written=True)
