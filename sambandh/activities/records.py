"""The activity record type, declared once (see sambandh/core/registry.py).

Activities are not shared nor found by the global search: who sees one follows from its author,
its assignee and the records it is on (activities/selectors.py)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from sambandh.core.registry import Field, RecordType


def _activities_visible(viewer: Any) -> Any:
    from sambandh.activities.selectors import activities_visible

    return activities_visible(viewer)


ACTIVITY = RecordType(
    key="activity",
    default_order=("occurred_at", "id"),
    model_label="activities.Activity",
    label=_("activity"),
    label_plural=_("Activities"),
    api_path="activities",
    detail_url="activities:activity_edit",
    icon="note",
    searchable=False,
    shareable=False,
    visible=_activities_visible,
    fields=(
        Field("kind", _("Kind"), kind="choice", hideable=False, filters=("kind",)),
        Field("subject", _("Subject"), hideable=False),
        Field("body", _("Details"), kind="long_text"),
        Field("occurred_at", _("When"), kind="datetime", hideable=False, sorts=("occurred",)),
        Field("duration_seconds", _("Duration"), kind="number"),
        Field("direction", _("Direction"), kind="choice"),
        Field("outcome", _("Outcome")),
        Field("due_at", _("Due"), kind="datetime", hideable=False, sorts=("due",)),
        Field(
            "assignee",
            _("Assigned to"),
            kind="user",
            hideable=False,
            inputs=("assignee_id",),
            filters=("assignee_id",),
        ),
        Field(
            "owner",
            _("Author"),
            kind="user",
            hideable=False,
            filters=("owner_id",),
        ),
    ),
)
