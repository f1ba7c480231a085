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


# --- bulk actions (sambandh/bulk) ----------------------------------------------------------
# The activity service still takes a dict: this turns a PATCH body's values into it, as the
# API's endpoint does (an assignee as a user). Activities have no tags. A bulk assign sets the
# assignee (an activity's owner is its author, who does not change).
def _activities_matching(*, viewer: Any, query: Any) -> Any:
    from sambandh.activities.selectors import activities_matching

    return activities_matching(viewer=viewer, query=query)


def _activity_filters() -> Any:
    from sambandh.activities.api_activities import ActivityFilters

    return ActivityFilters


def _activity_check(values: dict[str, Any]) -> Any:
    from sambandh.activities.schemas import ActivityChange

    return ActivityChange.build(values)


def _activity_delete(*, actor: Any, record: Any, version: Any) -> None:
    from sambandh.activities.services import activity_delete

    activity_delete(actor=actor, activity=record, version=version)


def _activity_update(*, actor: Any, record: Any, values: dict[str, Any], version: Any) -> Any:
    from sambandh.activities.services import activity_update

    return activity_update(
        actor=actor, activity=record, data=_activity_check(values), version=version
    )


def _activities_changeable(viewer: Any, records: list[Any]) -> set[int]:
    from sambandh.accounts import policy

    return {r.pk for r in records if policy.can_change_activity(viewer, r)}


ACTIVITY = RecordType(
    key="activity",
    default_order=("occurred_at", "id"),
    model_label="activities.Activity",
    label=_("activity"),
    label_plural=_("Activities"),
    api_path="activities",
    detail_url="activities:activity_edit",
    edit_url="activities:activity_edit",
    icon="note",
    searchable=False,
    shareable=False,
    visible=_activities_visible,
    list_matching=_activities_matching,
    list_filters=_activity_filters,
    update=_activity_update,
    delete=_activity_delete,
    check_values=_activity_check,
    assign_input="assignee_id",
    editable_among=_activities_changeable,
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
