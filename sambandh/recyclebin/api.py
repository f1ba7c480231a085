"""/api/v1/recycle-bin: the deleted records the caller may restore, and restoring one.

An administrator sees every entry; anyone else those of records they owned or deleted. An entry
the caller may not see answers 404; restoring one that was purged answers 410.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from sambandh.accounts.selectors import acting_user as viewer
from sambandh.core import registry
from sambandh.core.api import ErrorOut, page_out
from sambandh.core.errors import NotFound
from sambandh.core.pagination import clamp_limit
from sambandh.recyclebin import selectors, services
from sambandh.recyclebin.models import BinEntry

router = Router(tags=["recycle bin"])
ERRORS: dict[int, Any] = {k: ErrorOut for k in (401, 403, 404, 409, 410, 422)}


class UserRef(Schema):
    id: int
    name: str


class LinkedOut(Schema):
    kind: str = Field(description="A model label (``activities.activity``), or ``links``.")
    label: str
    count: int


class EntryOut(Schema):
    id: int
    type: str
    record_id: int
    name: str
    deleted_by: UserRef | None
    deleted_at: datetime
    owner_id: int | None
    linked: list[LinkedOut]
    purge_after: datetime = Field(description="When the nightly job may purge it.")
    days_left: int
    purged_at: datetime | None
    restored_at: datetime | None


class EntryPage(Schema):
    items: list[EntryOut]
    next: str | None


class EntryFilters(Schema):
    type: str | None = Field(None, max_length=40, description="Only this record type.")
    limit: int = Field(50, ge=1, le=200)
    cursor: str | None = Field(None, max_length=500)


class DroppedOut(Schema):
    kind: str
    id: int | str
    field: str
    target_kind: str
    target_id: int | str
    row_skipped: bool


class RestoredOut(Schema):
    type: str
    id: int
    url: str
    summary: str
    dropped_links: list[DroppedOut]


def _out(entry: BinEntry) -> dict[str, Any]:
    by = entry.deleted_by
    return {
        "id": entry.pk,
        "type": entry.record_type,
        "record_id": entry.record_id,
        "name": entry.summary,
        "deleted_by": {"id": by.pk, "name": str(by)} if by is not None else None,
        "deleted_at": entry.deleted_at,
        "owner_id": entry.owner_id,
        "linked": [
            {"kind": c.key, "label": c.label, "count": c.count}
            for c in selectors.linked_counts(entry)
        ],
        "purge_after": selectors.purge_date(entry),
        "days_left": selectors.days_left(entry),
        "purged_at": entry.purged_at,
        "restored_at": entry.restored_at,
    }


@router.get("", response={200: EntryPage, **ERRORS})
def list_entries(request: HttpRequest, filters: Query[EntryFilters]) -> Any:
    """The records in the recycle bin that the caller may restore, newest deletion first."""
    page = selectors.entry_page(
        viewer=viewer(request),
        record_type=selectors.parse_type(filters.type),
        limit=clamp_limit(filters.limit),
        cursor=filters.cursor,
    )
    return page_out(page, _out)


@router.get("/{id:entry_id}", response={200: EntryOut, **ERRORS})
def get_entry(request: HttpRequest, entry_id: int) -> Any:
    """One entry (also once restored or purged, to say when)."""
    entry = selectors.entry_get(viewer=viewer(request), entry_id=entry_id)
    if entry is None:
        raise NotFound()
    return _out(entry)


@router.post("/{id:entry_id}/restore", response={200: RestoredOut, **ERRORS})
def restore_entry(request: HttpRequest, entry_id: int) -> Any:
    """Put the record back with everything its deletion took; links to records deleted since
    are left out and listed in ``dropped_links``. 410 when it was purged, 409 when it was
    already restored or conflicts with what exists now (then nothing is restored)."""
    done = services.bin_restore(actor=viewer(request), entry_id=entry_id)
    rt = registry.get(done.record_type)
    return {
        "type": done.record_type,
        "id": done.record_id,
        "url": rt.url(done.record_id),
        "summary": done.summary,
        "dropped_links": [
            {
                "kind": d.model,
                "id": d.row_id,
                "field": d.field,
                "target_kind": d.target_model,
                "target_id": d.target_id,
                "row_skipped": d.row_skipped,
            }
            for d in done.dropped
        ],
    }
