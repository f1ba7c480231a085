"""``/api/v1/{people|organizations|deals|leads}/{id}/timeline``: a record's timeline, newest
first, as the record page shows it (one router per record type with a timeline)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from sambandh.accounts.selectors import acting_user as viewer
from sambandh.activities import selectors
from sambandh.activities.api_activities import ERRORS, activity_out, ref, utc
from sambandh.activities.schemas import ActivityOut, Ref
from sambandh.attachments.schemas import AttachmentOut, attachment_out
from sambandh.core import registry
from sambandh.core.errors import NotFound


class StageChangeEntry(Schema):
    id: int
    deal: Ref
    from_stage: Ref | None
    to_stage: Ref
    changed_by: Ref | None


class TimelineEntryOut(Schema):
    kind: str = Field(description="note, call, meeting, email, task, stage_change or attachment")
    at: datetime
    activity: ActivityOut | None
    stage_change: StageChangeEntry | None
    attachment: AttachmentOut | None = Field(None, description="A file added to the record")
    attachments: list[AttachmentOut] = Field(
        default_factory=list, description="The files of the entry's activity"
    )


class TimelinePage(Schema):
    items: list[TimelineEntryOut]
    pinned: list[TimelineEntryOut] = Field(
        default_factory=list,
        description="The notes pinned to the top (on the first page of an unfiltered timeline).",
    )
    next: str | None = Field(description="Pass back as `before` for older entries.")


class TimelineParams(Schema):
    before: str | None = Field(None, max_length=100)
    kind: str | None = Field(
        None,
        max_length=200,
        description="Only these kinds, comma-separated: " + ", ".join(selectors.TIMELINE_KINDS),
    )
    q: str | None = Field(None, max_length=200, description="Only entries whose text holds this")


def entry_out(entry: selectors.TimelineEntry) -> dict[str, Any]:
    change = entry.stage_change
    return {
        "kind": entry.kind,
        "at": utc(entry.at),
        "activity": activity_out(entry.activity) if entry.activity is not None else None,
        "stage_change": {
            "id": change.pk,
            "deal": ref(change.deal),
            "from_stage": ref(change.from_stage),
            "to_stage": ref(change.to_stage),
            "changed_by": ref(change.changed_by),
        }
        if change is not None
        else None,
        "attachment": attachment_out(entry.attachment) if entry.attachment is not None else None,
        "attachments": [
            attachment_out(f) for f in getattr(entry.activity, "attachments", None) or ()
        ],
    }


def timeline_router(rt: registry.RecordType) -> Router:
    """The timeline of one record type, mounted at ``/api/v1/<api_path>``."""
    router = Router(tags=[str(rt.api_path)])

    @router.get(
        "/{id:record_id}/timeline",
        response={200: TimelinePage, **ERRORS},
        operation_id=f"{rt.key}_timeline",
        exclude_unset=True,
    )
    def record_timeline(request: HttpRequest, record_id: int, params: Query[TimelineParams]) -> Any:
        """Activities, stage changes and files, newest first; a link to a record the viewer may not
        see is left out, and so are the stage changes of deals they may not see."""
        assert rt.visible is not None
        record = rt.visible(viewer(request)).filter(pk=record_id).first()
        if record is None:
            raise NotFound()
        only = selectors.timeline_filter(params.kind, params.q)
        found = selectors.timeline(
            viewer=viewer(request), record=record, before=params.before, only=only
        )
        return {
            "items": [entry_out(e) for e in found.entries],
            "pinned": [entry_out(e) for e in found.pinned],
            "next": found.next_before,
        }

    return router
