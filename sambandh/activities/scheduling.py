"""Meetings across time zones: each participant's local time, and the hours of a day that are
working hours (09:00–17:00 local, Monday to Friday) for every participant.

Reads only (the selectors' rule): participants are found through the access policy's selectors.
Times are computed in UTC and read in each zone with ``zoneinfo``, so daylight-saving days (23 or
25 hours long), half-hour zones (India +05:30) and Lord Howe's 30-minute shift come out right; the
day is walked in 15-minute steps, the finest offset any zone uses (Nepal +05:45).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from sambandh.core import formats
from sambandh.core.errors import ValidationFailed

WORK_START = dt.time(9, 0)
WORK_END = dt.time(17, 0)
STEP = dt.timedelta(minutes=15)


@dataclass(frozen=True)
class Participant:
    kind: str  # "user", "person" or "organization"
    id: int
    name: str
    time_zone: str  # an IANA name, or "" when they have none


@dataclass(frozen=True)
class LocalTime:
    participant: Participant
    at: dt.datetime  # the moment in the participant's zone

    @property
    def shown(self) -> str:
        """ "14:05" ("Tue, 14:05"-like with the date when it is another day than the viewer's)."""
        tz = zoneinfo.ZoneInfo(self.participant.time_zone)
        viewer_day = timezone.localtime(self.at).date()
        text = formats.time(self.at, tz)
        if self.at.astimezone(tz).date() != viewer_day:
            text = f"{formats.date(self.at.astimezone(tz).date())} {text}"
        return text


@dataclass(frozen=True)
class Window:
    """A span when every participant is within working hours."""

    start: dt.datetime  # UTC
    end: dt.datetime  # UTC

    def local(self, participant: Participant) -> tuple[dt.datetime, dt.datetime]:
        tz = zoneinfo.ZoneInfo(participant.time_zone)
        return self.start.astimezone(tz), self.end.astimezone(tz)


def _zone_of_person(person: Any) -> str:
    # A person without a zone of their own works in their organization's (loaded if joined).
    # Only when the organization came with the person: a timeline must not query per entry.
    if person.time_zone:
        return str(person.time_zone)
    if not person.organization_id or not type(person).organization.is_cached(person):
        return ""
    return str(person.organization.time_zone or "")


def participant_user(user: Any) -> Participant:
    return Participant("user", user.pk, str(user), user.time_zone or "")


def participant_person(person: Any) -> Participant:
    return Participant("person", person.pk, person.full_name, _zone_of_person(person))


def participant_organization(org: Any) -> Participant:
    return Participant("organization", org.pk, org.name, org.time_zone or "")


def meeting_participants(activity: Any) -> list[Participant]:
    """Who a meeting involves, from what the activity already has loaded: its owner, its
    assignee, and the person and organization it is with (each once)."""
    found: list[Participant] = []
    for user in (activity.owner, activity.assignee):
        if user is not None:
            found.append(participant_user(user))
    if activity.person_id and activity.person is not None:
        found.append(participant_person(activity.person))
    if activity.organization_id and activity.organization is not None:
        found.append(participant_organization(activity.organization))
    unique: dict[tuple[str, int], Participant] = {}
    for p in found:
        unique.setdefault((p.kind, p.id), p)
    return list(unique.values())


def local_times(at: dt.datetime, participants: Iterable[Participant]) -> list[LocalTime]:
    """``at`` in each participant's zone (those without a zone are left out)."""
    out = []
    for p in participants:
        tz = formats.zone(p.time_zone)
        if tz is not None:
            out.append(LocalTime(p, at.astimezone(tz)))
    return out


def _working(moment: dt.datetime, tz: zoneinfo.ZoneInfo) -> bool:
    local = moment.astimezone(tz)
    return local.weekday() < 5 and WORK_START <= local.time() < WORK_END


def day_bounds(day: dt.date, tz: dt.tzinfo) -> tuple[dt.datetime, dt.datetime]:
    """The UTC span of a local calendar day (23 or 25 hours on daylight-saving days)."""
    start = dt.datetime.combine(day, dt.time(0), tzinfo=tz).astimezone(dt.UTC)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=tz).astimezone(dt.UTC)
    return start, end


def working_windows(
    participants: Sequence[Participant], day: dt.date, tz: dt.tzinfo | None = None
) -> list[Window]:
    """The spans of ``day`` (a calendar day in ``tz``, default the viewer's zone) that are working
    hours for every participant with a zone. Steps of 15 minutes, joined into windows."""
    zone = tz or timezone.get_current_timezone()
    zones = [z for p in participants if (z := formats.zone(p.time_zone)) is not None]
    if not zones:
        return []
    start, end = day_bounds(day, zone)
    windows: list[Window] = []
    open_at: dt.datetime | None = None
    moment = start
    while moment < end:
        ok = all(_working(moment, z) for z in zones)
        if ok and open_at is None:
            open_at = moment
        elif not ok and open_at is not None:
            windows.append(Window(open_at, moment))
            open_at = None
        moment += STEP
    if open_at is not None:
        windows.append(Window(open_at, end))
    return windows


def parse_day(text: str | None, *, field: str = "date") -> dt.date:
    """A day as ISO 8601 (2026-03-08); today in the viewer's zone when blank."""
    if not text:
        return timezone.localdate()
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise ValidationFailed(
            fields={field: _("Enter a date as YYYY-MM-DD.")},
        ) from None


@dataclass(frozen=True)
class ShownWindow:
    start: dt.datetime
    end: dt.datetime
    mine: str  # "09:30–11:30" in the viewer's zone
    theirs: list[tuple[Participant, str]]  # each participant's local span


def meeting_plan(activity: Any, day: dt.date | None = None) -> dict[str, Any]:
    """What the meeting page shows: each participant's local time of the meeting, and the spans
    of its day (or ``day``) that are working hours for all of them."""
    participants = [p for p in meeting_participants(activity) if formats.zone(p.time_zone)]
    when = activity.occurred_at
    day = day or timezone.localtime(when).date()
    shown = []
    for w in working_windows(participants, day):
        theirs = []
        for p in participants:
            start, end = w.local(p)
            span = f"{formats.time(start, start.tzinfo)}–{formats.time(end, end.tzinfo)}"
            theirs.append((p, span))
        mine = f"{formats.time(w.start)}–{formats.time(w.end)}"
        shown.append(ShownWindow(w.start, w.end, mine, theirs))
    return {
        "participants": participants,
        "times": local_times(when, participants) if when else [],
        "day": day,
        "windows": shown,
    }
