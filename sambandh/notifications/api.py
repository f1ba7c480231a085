"""/api/v1/notifications: the caller's own notifications, newest first, and marking them read."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from sambandh.accounts.selectors import acting_user as viewer
from sambandh.core.api import ErrorOut, StrictSchema, page_out
from sambandh.core.errors import NotFound
from sambandh.core.ids import RecordId
from sambandh.core.pagination import clamp_limit
from sambandh.notifications import selectors, services
from sambandh.notifications.digest import DIGEST_HOUR, digest_get, digest_set

router = Router(tags=["notifications"])
ERRORS: dict[int, Any] = {k: ErrorOut for k in (401, 403, 404, 409, 413, 422)}


class RecordRef(Schema):
    type: str
    id: int
    name: str


class UserRef(Schema):
    id: int
    name: str


class NotificationOut(Schema):
    id: int
    kind: str
    text: str = Field(description="In the caller's language; names only records they may see.")
    url: str
    record: RecordRef | None
    actor: UserRef | None
    created_at: datetime
    read: bool


class NotificationPage(Schema):
    items: list[NotificationOut]
    next: str | None


class NotificationFilters(Schema):
    unread: bool = False
    limit: int = Field(50, ge=1, le=200)
    cursor: str | None = Field(None, max_length=500)


class ReadAllOut(Schema):
    updated: int


def _out(shown: selectors.Shown) -> dict[str, Any]:
    data = asdict(shown)
    return {
        "id": data["id"],
        "kind": data["kind"],
        "text": data["text"],
        "url": data["url"],
        "record": {"type": shown.record_type, "id": shown.record_id, "name": shown.record_name}
        if shown.record_id is not None
        else None,
        "actor": {"id": shown.actor_id, "name": shown.actor_name} if shown.actor_id else None,
        "created_at": shown.created_at,
        "read": shown.read,
    }


@router.get("", response={200: NotificationPage, **ERRORS})
def list_notifications(request: HttpRequest, filters: Query[NotificationFilters]) -> Any:
    """The caller's notifications, newest first (``unread=true``: only those not read yet)."""
    page = selectors.notification_page(
        viewer=viewer(request),
        unread=filters.unread,
        limit=clamp_limit(filters.limit),
        cursor=filters.cursor,
    )
    return page_out(page, _out)


@router.post("/read-all", response={200: ReadAllOut, **ERRORS})
def read_all(request: HttpRequest) -> Any:
    """Mark every unread notification of the caller read."""
    return {"updated": services.notifications_read_all(user=viewer(request))}


@router.post("/{id:notification_id}/read", response={200: NotificationOut, **ERRORS})
def read_one(request: HttpRequest, notification_id: RecordId) -> Any:
    """Mark one of the caller's notifications read (someone else's answers 404)."""
    found = services.notification_read(user=viewer(request), notification_id=notification_id)
    shown = selectors.shown(viewer(request), [found])
    if not shown:
        raise NotFound()
    return _out(shown[0])


class DigestIn(StrictSchema):
    daily: bool


class DigestOut(Schema):
    daily: bool
    hour: int = Field(description="The local hour (in your time zone) the digest is sent at.")


@router.get("/digest", response={200: DigestOut, **ERRORS})
def get_digest(request: HttpRequest) -> Any:
    """Whether the caller gets the daily email digest."""
    return {"daily": digest_get(user=viewer(request)), "hour": DIGEST_HOUR}


@router.put("/digest", response={200: DigestOut, **ERRORS})
def put_digest(request: HttpRequest, payload: DigestIn) -> Any:
    """Turn the caller's daily email digest on or off."""
    return {"daily": digest_set(user=viewer(request), daily=payload.daily), "hour": DIGEST_HOUR}
