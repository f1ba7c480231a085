"""/api/v1/scheduling: meetings across time zones.

``GET /working-hours?user_ids=1,2&person_ids=7&organization_ids=&date=2026-03-09`` answers the
spans of that day (a calendar day in ``time_zone``, default yours) that are working hours
(09:00–17:00 local, Monday to Friday) for every participant, with each one's local times.
``GET /local-time?at=2026-03-08T02:30&time_zone=America/New_York`` reads a wall-clock time in a
zone: one the zone skips is refused (422 ``nonexistent_time``), one it repeats is the first.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from sambandh.accounts.selectors import acting_user as viewer
from sambandh.accounts.selectors import user_get
from sambandh.activities import scheduling
from sambandh.contacts.selectors import organizations_visible, people_visible
from sambandh.core import formats
from sambandh.core.api import ErrorOut
from sambandh.core.cleaning import clean_time_zone
from sambandh.core.errors import ValidationFailed
from sambandh.core.formats_input import aware_local, time_is_ambiguous

router = Router(tags=["scheduling"])
ERRORS: dict[int, Any] = {k: ErrorOut for k in (401, 403, 404, 422)}
IDS_HELP = "Comma-separated ids (at most 50)."


class WorkingHoursQuery(Schema):
    user_ids: str = Field("", max_length=600, description=IDS_HELP)
    person_ids: str = Field("", max_length=600, description=IDS_HELP)
    organization_ids: str = Field("", max_length=600, description=IDS_HELP)
    date: str = Field("", max_length=10, description="YYYY-MM-DD; default today.")
    time_zone: str = Field(
        "", max_length=64, description="The zone the date is a day of; default yours."
    )


class ParticipantOut(Schema):
    kind: str
    id: int
    name: str
    time_zone: str | None


class LocalSpan(Schema):
    kind: str
    id: int
    start: str = Field(description="Local wall-clock time with its offset.")
    end: str
    utc_offset: str


class WindowOut(Schema):
    start: dt.datetime
    end: dt.datetime
    local: list[LocalSpan]


class WorkingHoursOut(Schema):
    date: dt.date
    time_zone: str
    working_hours: str = Field(description="09:00-17:00 local, Monday to Friday.")
    participants: list[ParticipantOut]
    without_time_zone: list[ParticipantOut] = Field(
        description="Participants with no time zone (a person falls back to their organization's)."
    )
    windows: list[WindowOut]


class LocalTimeQuery(Schema):
    at: dt.datetime | None = Field(
        None, description="A wall-clock time without offset: 2026-03-08T02:30; default now."
    )
    time_zone: str = Field("", max_length=64, description="IANA zone; default yours.")


class LocalTimeOut(Schema):
    local: str
    utc: dt.datetime
    utc_offset: str
    time_zone: str
    happens_twice: bool = Field(description="True when the zone repeats it; the first is meant.")


def _ids(text: str, field: str) -> list[int]:
    parts = [p.strip() for p in text.split(",") if p.strip()]
    if len(parts) > 50 or not all(p.isdecimal() and len(p) <= 18 for p in parts):
        raise ValidationFailed(fields={field: _("Give up to 50 ids separated by commas.")})
    return list(dict.fromkeys(int(p) for p in parts))


def _offset(moment: dt.datetime) -> str:
    minutes = int((moment.utcoffset() or dt.timedelta(0)).total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def _zone(name: str) -> Any:
    if not name:
        from django.utils import timezone

        return timezone.get_current_timezone()
    return formats.zone(clean_time_zone(name))


def _participants(request: HttpRequest, q: WorkingHoursQuery) -> list[scheduling.Participant]:
    me = viewer(request)
    found: list[scheduling.Participant] = []
    missing: dict[str, str] = {}
    for user_id in _ids(q.user_ids, "user_ids"):
        user = user_get(viewer=me, user_id=user_id)
        if user is None:
            missing["user_ids"] = _("No such user: %(id)s.") % {"id": user_id}
            continue
        found.append(scheduling.participant_user(user))
    person_ids = _ids(q.person_ids, "person_ids")
    people = {
        p.pk: p for p in people_visible(me).select_related("organization").filter(pk__in=person_ids)
    }
    for pk in person_ids:
        if pk not in people:
            missing["person_ids"] = _("No such person: %(id)s.") % {"id": pk}
            continue
        found.append(scheduling.participant_person(people[pk]))
    org_ids = _ids(q.organization_ids, "organization_ids")
    orgs = {o.pk: o for o in organizations_visible(me).filter(pk__in=org_ids)}
    for pk in org_ids:
        if pk not in orgs:
            missing["organization_ids"] = _("No such organization: %(id)s.") % {"id": pk}
            continue
        found.append(scheduling.participant_organization(orgs[pk]))
    if missing:
        raise ValidationFailed(fields=missing)
    if not found:
        found.append(scheduling.participant_user(me))
    return found


def _participant_out(p: scheduling.Participant) -> dict[str, Any]:
    return {"kind": p.kind, "id": p.id, "name": p.name, "time_zone": p.time_zone or None}


@router.get("/working-hours", response={200: WorkingHoursOut, **ERRORS})
def working_hours(request: HttpRequest, q: Query[WorkingHoursQuery]) -> Any:
    """The spans of a day that are working hours for every participant (you, when none is
    named), each with every participant's local start and end."""
    zone = _zone(q.time_zone)
    day = scheduling.parse_day(q.date)
    people = _participants(request, q)
    zoned = [p for p in people if p.time_zone and formats.zone(p.time_zone)]
    windows = scheduling.working_windows(zoned, day, zone)
    return {
        "date": day,
        "time_zone": getattr(zone, "key", str(zone)),
        "working_hours": "09:00-17:00",
        "participants": [_participant_out(p) for p in zoned],
        "without_time_zone": [_participant_out(p) for p in people if p not in zoned],
        "windows": [
            {
                "start": w.start,
                "end": w.end,
                "local": [
                    {
                        "kind": p.kind,
                        "id": p.id,
                        "start": w.local(p)[0].isoformat(),
                        "end": w.local(p)[1].isoformat(),
                        "utc_offset": _offset(w.local(p)[0]),
                    }
                    for p in zoned
                ],
            }
            for w in windows
        ],
    }


@router.get("/local-time", response={200: LocalTimeOut, **ERRORS})
def local_time(request: HttpRequest, q: Query[LocalTimeQuery]) -> Any:
    """A wall-clock time read in a zone, as the meeting forms read it."""
    viewer(request)
    zone = _zone(q.time_zone)
    if q.at is None:
        from django.utils import timezone

        naive = timezone.now().astimezone(zone).replace(tzinfo=None)
    else:
        naive = q.at.replace(tzinfo=None)
    aware = aware_local(naive, zone, field="at")
    return {
        "local": aware.isoformat(),
        "utc": aware.astimezone(dt.UTC),
        "utc_offset": _offset(aware),
        "time_zone": getattr(zone, "key", str(zone)),
        "happens_twice": time_is_ambiguous(naive, zone),
    }
