"""/api/v1/people: thin endpoints over the contacts services and selectors."""

from __future__ import annotations

from typing import Any, ClassVar

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from sambandh.accounts import policy
from sambandh.accounts.api_auth import handover
from sambandh.accounts.selectors import acting_user as viewer
from sambandh.contacts import selectors, services
from sambandh.contacts.schemas import PersonIn, PersonListItem, PersonOut, PersonPatch
from sambandh.core.api import ErrorOut, expected_version, page_out, with_etag
from sambandh.core.errors import NotFound
from sambandh.core.ids import RecordId
from sambandh.core.listing import ListQuery
from sambandh.core.pagination import clamp_limit
from sambandh.core.sensitive import note_listed
from sambandh.customfields.selectors import custom_filter_params
from sambandh.dedupe.schemas import CHECK_DUPLICATES_HELP, DuplicatesOut, duplicates_refusal

router = Router(tags=["people"])
ERRORS: dict[int, Any] = {k: ErrorOut for k in (401, 403, 404, 409, 413, 422, 428)}


def user_ref(user: Any) -> dict[str, Any]:
    return {"id": user.pk, "name": str(user)}


def person_record(
    request: HttpRequest,
    person_id: int,
    *,
    status: int = 200,
    written: bool = False,
    verified: tuple[Any, ...] | None = None,
) -> HttpResponse:
    """The person's API record (PersonOut), as the database builds it (contacts/record_json.py),
    with its ETag. ``written`` and ``verified``: see selectors.person_json."""
    found = selectors.person_json(
        viewer=viewer(request), person_id=person_id, written=written, verified=verified
    )
    if found is None:
        raise NotFound(_("No such person."))
    body, version = found
    return with_etag(HttpResponse(body, status=status, content_type="application/json"), version)


def person_list_item(p: Any, access: policy.FieldAccess) -> dict[str, Any]:
    return access.redact(
        {
            "id": p.pk,
            "version": p.version,
            "full_name": p.full_name,
            "job_title": p.job_title,
            "email": p.email,
            "phone": p.phone,
            "country": p.country,
            "organization": {"id": p.shown_organization.pk, "name": p.shown_organization.name}
            if p.shown_organization
            else None,
            "tags": [t.name for t in p.tags.all()],
            "owner": user_ref(p.owner),
            "updated_at": p.updated_at,
        }
    )


class PersonFilters(Schema):
    #: Also takes the ``custom.<key>`` filters of this record type (config/api.py).
    custom_filters: ClassVar[str] = "person"
    limit: int = Field(50, ge=1, le=200)
    cursor: str | None = Field(None, max_length=500)
    sort: str = Field("name", max_length=80, description=", ".join(selectors.PERSON_SORTS))
    name: str | None = Field(None, max_length=200, description="Name contains")
    email: str | None = Field(None, max_length=254)
    organization_id: RecordId | None = None
    owner_id: RecordId | None = None
    tag: str | None = Field(None, max_length=60)
    country: str | None = Field(None, max_length=2)
    residency: str | None = Field(None, max_length=10, description='A residency tag ("eu").')
    import_: RecordId | None = Field(
        None, alias="import", description="Only the records this import created or changed."
    )


class PersonPage(Schema):
    items: list[PersonListItem]
    next: str | None


@router.get("", response={200: PersonPage, **ERRORS}, exclude_unset=True)
def list_people(request: HttpRequest, filters: Query[PersonFilters]) -> Any:
    f = filters.model_dump(exclude={"limit", "cursor", "sort"}, exclude_none=True, by_alias=True)
    f.update(custom_filter_params(request.GET))
    page = selectors.person_list(
        viewer=viewer(request),
        query=ListQuery(
            filters=f, sort=filters.sort, limit=clamp_limit(filters.limit), cursor=filters.cursor
        ),
    )
    access = policy.field_access(viewer(request), "person")
    note_listed(viewer(request), "person", page.items)
    return page_out(page, lambda p: person_list_item(p, access))


@router.post(
    "",
    response={201: PersonOut, **ERRORS, 409: DuplicatesOut},
    exclude_unset=True,
    description=CHECK_DUPLICATES_HELP,
)
def create_person(
    request: HttpRequest,
    response: HttpResponse,
    payload: PersonIn,
    check_duplicates: bool = False,
) -> Any:
    if check_duplicates and (
        refusal := duplicates_refusal(viewer=viewer(request), record_type="person", payload=payload)
    ):
        return refusal
    person = services.person_create(actor=viewer(request), data=payload)
    return person_record(request, person.pk, status=201, written=True)


@router.get("/{id:person_id}", response={200: PersonOut, **ERRORS}, exclude_unset=True)
def get_person(request: HttpRequest, person_id: int) -> Any:
    return person_record(request, person_id, verified=handover(request, "people", person_id))


@router.patch("/{id:person_id}", response={200: PersonOut, **ERRORS}, exclude_unset=True)
def update_person(
    request: HttpRequest, response: HttpResponse, person_id: int, payload: PersonPatch
) -> Any:
    person = selectors.person_get_for_update(viewer=viewer(request), person_id=person_id)
    version = expected_version(request, payload.version)
    services.person_update(actor=viewer(request), person=person, data=payload, version=version)
    return person_record(request, person_id, written=True)


@router.delete("/{id:person_id}", response={204: None, **ERRORS})
def delete_person(request: HttpRequest, person_id: int, version: int | None = None) -> Any:
    person = selectors.person_get_for_update(viewer=viewer(request), person_id=person_id)
    services.person_delete(
        actor=viewer(request),
        person=person,
        version=expected_version(request, version),
    )
    return Status(204, None)
