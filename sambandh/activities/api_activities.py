"""/api/v1/activities: notes, calls, meetings, logged emails and tasks; thin endpoints over the
activities services and selectors."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar, Literal

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema, Status
from pydantic import Field

from sambandh.accounts.selectors import acting_user as viewer
from sambandh.activities import selectors, services
from sambandh.activities.schemas import ActivityIn, ActivityOut, ActivityPatch, VersionIn
from sambandh.core.api import ErrorOut, expected_version, page_out, with_etag
from sambandh.core.ids import RecordId
from sambandh.core.listing import ListQuery
from sambandh.core.pagination import clamp_limit
from sambandh.core.sensitive import note_listed
from sambandh.customfields.selectors import custom_filter_params, custom_values_shown

router = Router(tags=["activities"])
ERRORS: dict[int, Any] = {k: ErrorOut for k in (401, 403, 404, 409, 413, 422, 428)}


# --- shaping helpers (shared with the tasks router) ----------------------------------------
def utc(value: datetime | None) -> datetime | None:
    return value.astimezone(UTC) if value is not None else None


def ref(obj: Any) -> dict[str, Any] | None:
    return {"id": obj.pk, "name": str(obj)} if obj is not None else None


def activity_out(a: Any) -> dict[str, Any]:
    """The activity's API record (``a`` read through the selectors, which set what the viewer
    may see of it), without the fields hidden from the viewer."""
    return a.field_access.redact(
        {
            "id": a.pk,
            "version": a.version,
            "kind": a.kind,
            "subject": a.subject,
            "body": a.body,
            "occurred_at": utc(a.occurred_at),
            "ends_at": utc(a.ends_at),
            "duration_seconds": a.duration_seconds,
            "direction": a.direction,
            "outcome": a.outcome,
            "due_at": utc(a.due_at),
            "done": a.done_at is not None,
            "done_at": utc(a.done_at),
            "pinned_at": utc(a.pinned_at),
            "assignee": ref(a.assignee),
            # Only the records the viewer may see (activities.selectors.with_visible_links).
            **{link: ref(record) for link, record in a.visible_links.items()},
            "owner": ref(a.owner),
            "custom": custom_values_shown(getattr(a, "shown_custom", a.custom), "activity"),
            "created_at": utc(a.created_at),
            "updated_at": utc(a.updated_at),
        }
    )


class ActivityPage(Schema):
    items: list[ActivityOut]
    next: str | None


class LinkFilters(Schema):
    limit: int = Field(50, ge=1, le=200)
    cursor: str | None = Field(None, max_length=500)
    person_id: RecordId | None = None
    organization_id: RecordId | None = None
    deal_id: RecordId | None = None
    lead_id: RecordId | None = None
    owner_id: RecordId | None = None
    assignee_id: RecordId | None = None
    done: bool | None = Field(None, description="Tasks done (true) or open (false).")


class ActivityFilters(LinkFilters):
    #: Also takes the ``custom.<key>`` filters of this record type (config/api.py).
    custom_filters: ClassVar[str] = "activity"
    sort: str = Field("-occurred", max_length=80, description=", ".join(selectors.ACTIVITY_SORTS))
    kind: Literal["note", "call", "meeting", "email", "task"] | None = None


def list_query(filters: LinkFilters, sort: str) -> ListQuery:
    f = filters.model_dump(exclude={"limit", "cursor", "sort"}, exclude_none=True)
    return ListQuery(filters=f, sort=sort, limit=clamp_limit(filters.limit), cursor=filters.cursor)


# --- endpoints -------------------------------------------------------------------------------
@router.get("", response={200: ActivityPage, **ERRORS}, exclude_unset=True)
def list_activities(request: HttpRequest, filters: Query[ActivityFilters]) -> Any:
    query = list_query(filters, filters.sort)
    query.filters.update(custom_filter_params(request.GET))
    page = selectors.activity_list(viewer=viewer(request), query=query)
    note_listed(viewer(request), "activity", page.items)
    return page_out(page, activity_out)


@router.post("", response={201: ActivityOut, **ERRORS}, exclude_unset=True)
def create_activity(request: HttpRequest, response: HttpResponse, payload: ActivityIn) -> Any:
    activity = services.activity_create(actor=viewer(request), data=payload)
    activity = selectors.activity_get(viewer=viewer(request), activity_id=activity.pk)
    with_etag(response, activity.version)
    return Status(201, activity_out(activity))


@router.get("/{id:activity_id}", response={200: ActivityOut, **ERRORS}, exclude_unset=True)
def get_activity(request: HttpRequest, response: HttpResponse, activity_id: int) -> Any:
    activity = selectors.activity_get(viewer=viewer(request), activity_id=activity_id)
    with_etag(response, activity.version)
    return activity_out(activity)


@router.patch("/{id:activity_id}", response={200: ActivityOut, **ERRORS}, exclude_unset=True)
def update_activity(
    request: HttpRequest, response: HttpResponse, activity_id: int, payload: ActivityPatch
) -> Any:
    activity = selectors.activity_get_for_update(viewer=viewer(request), activity_id=activity_id)
    version = expected_version(request, payload.version)
    services.activity_update(
        actor=viewer(request), activity=activity, data=payload, version=version
    )
    activity = selectors.activity_get(viewer=viewer(request), activity_id=activity_id)
    with_etag(response, activity.version)
    return activity_out(activity)


def _pin(
    request: HttpRequest,
    response: HttpResponse,
    activity_id: int,
    version: int | None,
    pinned: bool,
) -> Any:
    activity = selectors.activity_get_for_update(viewer=viewer(request), activity_id=activity_id)
    version = expected_version(request, version)
    services.note_pin(actor=viewer(request), activity=activity, pinned=pinned, version=version)
    activity = selectors.activity_get(viewer=viewer(request), activity_id=activity_id)
    with_etag(response, activity.version)
    return activity_out(activity)


@router.post("/{id:activity_id}/pin", response={200: ActivityOut, **ERRORS}, exclude_unset=True)
def pin_note(
    request: HttpRequest, response: HttpResponse, activity_id: int, payload: VersionIn | None = None
) -> Any:
    """Pin a note to the top of the timelines it is on (only notes; 422 for another kind). The
    body may be left out, or carry the version read (or send If-Match)."""
    return _pin(request, response, activity_id, payload.version if payload else None, True)


@router.delete("/{id:activity_id}/pin", response={200: ActivityOut, **ERRORS}, exclude_unset=True)
def unpin_note(
    request: HttpRequest, response: HttpResponse, activity_id: int, version: int | None = None
) -> Any:
    """Unpin a note (the version read in ``?version=`` or If-Match, as a deletion takes it)."""
    return _pin(request, response, activity_id, version, False)


@router.delete("/{id:activity_id}", response={204: None, **ERRORS})
def delete_activity(request: HttpRequest, activity_id: int, version: int | None = None) -> Any:
    activity = selectors.activity_get_for_update(viewer=viewer(request), activity_id=activity_id)
    services.activity_delete(
        actor=viewer(request),
        activity=activity,
        version=expected_version(request, version),
    )
    return Status(204, None)
