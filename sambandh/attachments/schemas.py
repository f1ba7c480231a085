"""The API's shape of an attachment (also used by the timeline's API)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django.urls import reverse
from ninja import Schema
from pydantic import Field

from sambandh.attachments.models import Attachment


class UserRef(Schema):
    id: int
    name: str


class AttachmentOut(Schema):
    id: int
    record_type: str = Field(description="The record's type (person, deal, activity...)")
    record_id: int
    filename: str
    content_type: str = Field(description="What the file's bytes were found to be")
    size: int = Field(description="In bytes")
    sha256: str
    uploaded_by: UserRef | None
    created_at: datetime
    download_url: str


class AttachmentPage(Schema):
    items: list[AttachmentOut]
    next: str | None


def attachment_out(a: Attachment) -> dict[str, Any]:
    user = a.uploaded_by
    return {
        "id": a.pk,
        "record_type": a.record_type,
        "record_id": a.record_id,
        "filename": a.filename,
        "content_type": a.content_type,
        "size": a.size,
        "sha256": a.sha256,
        "uploaded_by": {"id": user.pk, "name": str(user)} if user is not None else None,
        "created_at": a.created_at.astimezone(UTC),
        "download_url": reverse("api:attachment_download", kwargs={"attachment_id": a.pk}),
    }
