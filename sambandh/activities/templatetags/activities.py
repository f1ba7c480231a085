"""Template filters for activities. Load with {% load activities %}."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

register = template.Library()


@register.filter
def overdue(task: Any) -> bool:
    """An open task whose due time has passed."""
    due = getattr(task, "due_at", None)
    return bool(due and not getattr(task, "done_at", None) and due < timezone.now())


@register.filter
def minutes(seconds: Any) -> str:
    """A duration in seconds as "45 min" or "1 h 30 min"."""
    if seconds in (None, ""):
        return ""
    total = int(seconds) // 60
    hours, mins = divmod(total, 60)
    if hours and mins:
        return _("%(h)s h %(m)s min") % {"h": hours, "m": mins}
    if hours:
        return ngettext("%(h)s hour", "%(h)s hours", hours) % {"h": hours}
    return _("%(m)s min") % {"m": mins}


@register.simple_tag
def meeting_local_times(activity: Any) -> list[Any]:
    """``{% meeting_local_times a as times %}``: the meeting's start in each participant's zone
    (owner, assignee, person, organization: those with a zone), when there are several zones."""
    from sambandh.activities.scheduling import local_times, meeting_participants

    if getattr(activity, "kind", "") != "meeting" or not activity.occurred_at:
        return []
    times = local_times(activity.occurred_at, meeting_participants(activity))
    return times if len({t.participant.time_zone for t in times}) > 1 else []
