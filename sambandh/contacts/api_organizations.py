"""/api/v1/organizations: thin endpoints over the contacts services and selectors."""

from __future__ import annotations

from typing import Any, ClassVar

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema, Status
from pydantic import Field

from sambandh.accounts import policy
from sambandh.accounts.selectors import acting_user as viewer
from sambandh.contacts import selectors, services
from sambandh.contacts.api_people import ERRORS, user_ref
from sambandh.contacts.cards import address_entries, email_entries, phone_entries
from sambandh.contacts.models import Organization
from sambandh.contacts.schemas import (
    OrganizationIn,
    OrganizationListItem,
    OrganizationOut,
    OrganizationPatch,
)
from sambandh.core.api import expected_version, page_out, with_etag
from sambandh.core.ids import RecordId
from sambandh.core.listing import ListQuery
from sambandh.core.pagination import clamp_limit
from sambandh.core.sensitive import note_listed
from sambandh.customfields.selectors import custom_filter_params, custom_values_shown
from sambandh.dedupe.schemas import CHECK_DUPLICATES_HELP, DuplicatesOut, duplicates_refusal

router = Router(tags=["organizations"])


def _ref(org: Organization | None) -> dict[str, Any] | None:
    return {"id": org.pk, "name": org.name} if org is not None else None


def organization_out(o: Any, access: policy.FieldAccess) -> dict[str, Any]:
    """The organization's API record, without the fields hidden from the viewer."""
    return access.redact(
        {
            "id": o.pk,
            "version": o.version,
            "name": o.name,
            "domain": o.domain,
            "website": o.website,
            "industry": o.industry,
            "size": o.size,
            "description": o.description,
            "parent": _ref(o.shown_parent),
            "country": o.country,
            "currency": o.currency,
            "time_zone": o.time_zone,
            "residency": o.residency,
            "emails": email_entries(o.emails.all()),
            "phones": phone_entries(o.phones.all()),
            "addresses": address_entries(o.addresses.all()),
            "tags": [t.name for t in o.tags.all()],
            "owner": user_ref(o.owner),
            "custom": custom_values_shown(getattr(o, "shown_custom", o.custom), "organization"),
            "created_at": o.created_at,
            "updated_at": o.updated_at,
        }
    )


def organization_list_item(o: Any, access: policy.FieldAccess) -> dict[str, Any]:
    return access.redact(
        {
            "id": o.pk,
            "version": o.version,
            "name": o.name,
            "domain": o.domain,
            "industry": o.industry,
            "country": o.country,
            "parent": _ref(o.shown_parent),
            "tags": [t.name for t in o.tags.all()],
            "owner": user_ref(o.owner),
            "updated_at": o.updated_at,
        }
    )


def _record(
    request: HttpRequest, response: HttpResponse, organization_id: int, *, written: bool = False
) -> dict[str, Any]:
    """The record as the viewer may see it, with its ETag (``written``: just written by the
    viewer, answered even if they handed it to someone they cannot see)."""
    org = selectors.organization_get(
        viewer=viewer(request), organization_id=organization_id, written=written
    )
    with_etag(response, org.version)
    return organization_out(org, policy.field_access(viewer(request), "organization"))


class OrganizationFilters(Schema):
    #: Also takes the ``custom.<key>`` filters of this record type (config/api.py).
    custom_filters: ClassVar[str] = "organization"
    limit: int = Field(50, ge=1, le=200)
    cursor: str | None = Field(None, max_length=500)
    sort: str = Field("name", max_length=80, description=", ".join(selectors.ORGANIZATION_SORTS))
    name: str | None = Field(None, max_length=200, description="Name contains")
    domain: str | None = Field(None, max_length=253)
    industry: str | None = Field(None, max_length=100)
    parent_id: RecordId | None = None
    owner_id: RecordId | None = None
    tag: str | None = Field(None, max_length=60)
    country: str | None = Field(None, max_length=2)
    residency: str | None = Field(None, max_length=10, description='A residency tag ("eu").')
    import_: RecordId | None = Field(
        None, alias="import", description="Only the records this import created or changed."
    )


class OrganizationPage(Schema):
    items: list[OrganizationListItem]
    next: str | None


@router.get("", response={200: OrganizationPage, **ERRORS}, exclude_unset=True)
def list_organizations(request: HttpRequest, filters: Query[OrganizationFilters]) -> Any:
    f = filters.model_dump(exclude={"limit", "cursor", "sort"}, exclude_none=True, by_alias=True)
    f.update(custom_filter_params(request.GET))
    page = selectors.organization_list(
        viewer=viewer(request),
        query=ListQuery(
            filters=f, sort=filters.sort, limit=clamp_limit(filters.limit), cursor=filters.cursor
        ),
    )
    access = policy.field_access(viewer(request), "organization")
    note_listed(viewer(request), "organization", page.items)
    return page_out(page, lambda o: organization_list_item(o, access))


@router.post(
    "",
    response={201: OrganizationOut, **ERRORS, 409: DuplicatesOut},
    exclude_unset=True,
    description=CHECK_DUPLICATES_HELP,
)
def create_organization(
    request: HttpRequest,
    response: HttpResponse,
    payload: OrganizationIn,
    check_duplicates: bool = False,
) -> Any:
    if check_duplicates and (
        refusal := duplicates_refusal(
            viewer=viewer(request), record_type="organization", payload=payload
        )
    ):
        return refusal
    org = services.organization_create(actor=viewer(request), data=payload)
    return Status(201, _record(request, response, org.pk, written=True))


@router.get("/{id:organization_id}", response={200: OrganizationOut, **ERRORS}, exclude_unset=True)
def get_organization(request: HttpRequest, response: HttpResponse, organization_id: int) -> Any:
    return _record(request, response, organization_id)


@router.patch(
    "/{id:organization_id}", response={200: OrganizationOut, **ERRORS}, exclude_unset=True
)
def update_organization(
    request: HttpRequest, response: HttpResponse, organization_id: int, payload: OrganizationPatch
) -> Any:
    org = selectors.organization_get_for_update(
        viewer=viewer(request),
        organization_id=organization_id,
    )
    version = expected_version(request, payload.version)
    services.organization_update(
        actor=viewer(request), organization=org, data=payload, version=version
    )
    return _record(request, response, organization_id, written=True)


@router.delete("/{id:organization_id}", response={204: None, **ERRORS})
def delete_organization(
    request: HttpRequest, organization_id: int, version: int | None = None
) -> Any:
    org = selectors.organization_get_for_update(
        viewer=viewer(request),
        organization_id=organization_id,
    )
    services.organization_delete(
        actor=viewer(request),
        organization=org,
        version=expected_version(request, version),
    )
    return Status(204, None)
