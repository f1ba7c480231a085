"""API shapes for activities and tasks.

Times are ISO 8601: sent with an offset (``2025-03-01T10:00:00+05:30``), answered in UTC
(``2025-03-01T04:30:00Z``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from ninja import Schema
from pydantic import AwareDatetime, Field

from sambandh.core.api import StrictSchema
from sambandh.core.ids import RecordId

TIME_HELP = "ISO 8601 with an offset, e.g. 2025-03-01T10:00:00+05:30; answered in UTC."


class Ref(Schema):
    id: int
    name: str


class ActivityFields(StrictSchema):
    subject: str | None = Field(None, max_length=300)
    body: str | None = Field(None, max_length=100_000)
    occurred_at: AwareDatetime | None = Field(None, description=TIME_HELP)
    ends_at: AwareDatetime | None = Field(None, description=TIME_HELP)
    duration_seconds: int | None = Field(None, ge=0, le=7 * 86400)
    direction: Literal["", "in", "out"] | None = None
    outcome: str | None = Field(None, max_length=100)
    due_at: AwareDatetime | None = Field(None, description=TIME_HELP)
    assignee_id: RecordId | None = None
    person_id: RecordId | None = None
    organization_id: RecordId | None = None
    deal_id: RecordId | None = None
    lead_id: RecordId | None = None
    custom: dict[str, Any] | None = None


class ActivityIn(ActivityFields):
    kind: Literal["note", "call", "meeting", "email", "task"]


class ActivityPatch(ActivityFields):
    kind: Literal["note", "call", "meeting", "email", "task"] | None = Field(
        None, description="Cannot change; accepted when it is the current kind."
    )
    done: bool | None = Field(None, description="Tasks only.")
    version: int | None = Field(None, description="The version you read; or send If-Match.")


class TaskIn(ActivityFields):
    """A task: an activity of kind ``task``, with a due time and an assignee."""


class TaskPatch(ActivityFields):
    done: bool | None = None
    version: int | None = Field(None, description="The version you read; or send If-Match.")


class VersionIn(StrictSchema):
    version: int | None = Field(None, description="The version you read; or send If-Match.")


class ActivityOut(Schema):
    id: int
    version: int
    kind: str
    subject: str
    body: str = ""
    occurred_at: datetime
    ends_at: datetime | None
    duration_seconds: int | None = None
    direction: str = ""
    outcome: str = ""
    due_at: datetime | None
    done: bool
    done_at: datetime | None
    assignee: Ref | None
    person: Ref | None
    organization: Ref | None
    deal: Ref | None
    lead: Ref | None
    owner: Ref
    custom: dict[str, Any]
    created_at: datetime
    updated_at: datetime
