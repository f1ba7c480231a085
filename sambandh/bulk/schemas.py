"""API shapes of bulk actions and their jobs."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from ninja import Schema
from pydantic import Field, StringConstraints

from sambandh.bulk.services import MAX_IDS, MAX_TAGS
from sambandh.core.api import StrictSchema
from sambandh.core.ids import RecordId

FilterValue = str | int | float | bool | None


class BulkIn(StrictSchema):
    ids: list[RecordId] | None = Field(
        None,
        max_length=MAX_IDS,
        description=f"The records to act on (at most {MAX_IDS:,}); or send a filter.",
    )
    filter: dict[str, FilterValue] | None = Field(
        None,
        description="Every record the list shows for these filters, on every page: the same "
        "names and values as the list's query (custom.<key> too); {} is every record you see.",
    )
    action: Literal["update", "assign", "tag", "untag", "delete", "share"]
    owner_id: RecordId | None = Field(None, description="assign: who to hand them to.")
    values: dict[str, Any] | None = Field(
        None, description="update: the fields to set, as the record's PATCH body names them."
    )
    tags: list[Annotated[str, StringConstraints(max_length=60)]] | None = Field(
        None, max_length=MAX_TAGS, description="tag, untag: the tags to add or remove."
    )
    user_id: RecordId | None = Field(None, description="share: the user to share them with.")
    team_id: RecordId | None = Field(
        None, description="share: the team to share them with (instead of a user)."
    )
    access: Literal["read", "edit"] | None = Field(
        None, description="share: what the user or team may do with them (read by default)."
    )


class BulkJobCreated(Schema):
    id: int
    status: str
    total: int


class OutcomeOut(Schema):
    record_id: int
    outcome: str
    reason: str


class OutcomePage(Schema):
    items: list[OutcomeOut]
    next: str | None


class BulkJobOut(Schema):
    id: int
    record_type: str
    action: str
    status: str
    total: int
    processed: int
    changed: int
    skipped: int
    failed: int
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    undo_of: int | None = Field(None, description="The job this one undid.")
    undone_by: int | None = Field(None, description="The job that undid this one.")
    outcomes: OutcomePage


class OutcomeFilters(Schema):
    outcome: Literal["changed", "skipped", "failed", "pending"] | None = None
    limit: int = Field(50, ge=1, le=200)
    cursor: str | None = Field(None, max_length=500)
