"""The input of an email from a record (the API's body and the compose form's) and its answer."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from ninja import Schema
from pydantic import Field, StringConstraints

from sambandh.activities.schemas import ActivityOut
from sambandh.attachments.schemas import AttachmentOut
from sambandh.core.ids import RecordId
from sambandh.core.inputs import WriteInput

#: How many addresses one field (to, cc) may hold.
MAX_RECIPIENTS = 50
#: How many files one email may carry (uploaded and chosen among existing attachments).
MAX_ATTACHMENTS = 20

Address = Annotated[str, StringConstraints(max_length=320)]


# (Comments, not docstrings: a schema's docstring is its description in the API's OpenAPI.)
#: The input of ``email_send``: to the person ``person_id`` (on the deal ``deal_id``, if any).
class EmailIn(WriteInput):
    person_id: RecordId | None = Field(None, description="The person it is logged on.")
    deal_id: RecordId | None = Field(None, description="The deal it is logged on, if any.")
    to: list[Address] = Field(max_length=MAX_RECIPIENTS, description="At least one address.")
    cc: list[Address] = Field(default_factory=list, max_length=MAX_RECIPIENTS)
    subject: str = Field(max_length=300)
    body: str = Field("", max_length=100_000)
    attachment_ids: list[RecordId] = Field(
        default_factory=list,
        max_length=MAX_ATTACHMENTS,
        description="Files already attached to a record you may see (the person, the deal...), "
        "sent with the email: each is copied onto the email's activity.",
    )


class EmailOut(Schema):
    to: list[str]
    cc: list[str]
    from_address: str
    reply_to: str
    status: str = Field(description="queued, sending, sent or failed")
    error: str = Field(description="Why the last attempt failed (failed only).")
    attempts: int
    message_id: str
    in_reply_to: str
    references: str
    sent_at: datetime | None
    attachments: list[AttachmentOut] = Field(
        description="The files it carries (on the email's activity), in the order attached."
    )


class EmailActivityOut(ActivityOut):
    email: EmailOut
