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
from sambandh.core.inputs import NOT_SENT, NotSent, WriteInput

TIME_HELP = "ISO 8601 with an offset, e.g. 2025-03-01T10:00:00+05:30; answered in UTC."


class Ref(Schema):
    id: int
    name: str


Kind = Literal["note", "call", "meeting", "email", "task"]


# (Comments, not docstrings: a schema's docstring is its description in the API's OpenAPI.)
#: What every write of an activity may send.
class ActivityFields(WriteInput):
    subject: str | None | NotSent = Field(default=NOT_SENT, max_length=300)
    body: str | None | NotSent = Field(default=NOT_SENT, max_length=100_000)
    occurred_at: AwareDatetime | None | NotSent = Field(default=NOT_SENT, description=TIME_HELP)
    ends_at: AwareDatetime | None | NotSent = Field(default=NOT_SENT, description=TIME_HELP)
    duration_seconds: int | None | NotSent = Field(default=NOT_SENT, ge=0, le=7 * 86400)
    direction: Literal["", "in", "out"] | None | NotSent = Field(default=NOT_SENT)
    outcome: str | None | NotSent = Field(default=NOT_SENT, max_length=100)
    due_at: AwareDatetime | None | NotSent = Field(default=NOT_SENT, description=TIME_HELP)
    assignee_id: RecordId | None | NotSent = Field(default=NOT_SENT)
    person_id: RecordId | None | NotSent = Field(default=NOT_SENT)
    organization_id: RecordId | None | NotSent = Field(default=NOT_SENT)
    deal_id: RecordId | None | NotSent = Field(default=NOT_SENT)
    lead_id: RecordId | None | NotSent = Field(default=NOT_SENT)
    custom: dict[str, Any] | None | NotSent = Field(default=NOT_SENT)


#: The input of ``activity_create``: the API's POST body and the web composer's.
class ActivityIn(ActivityFields):
    kind: Kind


#: ``activity_create`` takes it as it takes an ActivityIn of kind ``task``.
class TaskIn(ActivityFields):
    """A task: an activity of kind ``task``, with a due time and an assignee."""


#: The input of ``activity_update``: what the web's edit form builds; the API's PATCH bodies
#: add to it.
class ActivityChange(ActivityFields):
    done: bool | None | NotSent = Field(default=NOT_SENT)


class ActivityPatch(ActivityChange):
    done: bool | None | NotSent = Field(default=NOT_SENT, description="Tasks only.")
    kind: Kind | None | NotSent = Field(
        default=NOT_SENT, description="Cannot change; accepted when it is the current kind."
    )
    version: int | None = Field(None, description="The version you read; or send If-Match.")


class TaskPatch(ActivityChange):
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
    pinned_at: datetime | None = None
    assignee: Ref | None
    person: Ref | None
    organization: Ref | None
    deal: Ref | None
    lead: Ref | None
    owner: Ref
    custom: dict[str, Any]
    created_at: datetime
    updated_at: datetime
