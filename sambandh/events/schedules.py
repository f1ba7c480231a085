"""When a scheduled job is due: every minute, hourly (at a minute past), or daily at a time in a
time zone ("nightly" is daily at 02:00). A schedule turns a moment into its slot: the latest
start time at or before that moment, in UTC."""

from __future__ import annotations

import datetime
import zoneinfo
from dataclasses import dataclass

from django.utils.translation import gettext as _

UTC = datetime.UTC
EVERY = ("minute", "hourly", "nightly", "daily")


@dataclass(frozen=True)
class Schedule:
    every: str
    at: datetime.time = datetime.time(2, 0)
    minute: int = 0
    tz: str = "UTC"

    @classmethod
    def build(
        cls, every: str, *, at: str | None = None, minute: int = 0, tz: str = "UTC"
    ) -> Schedule:
        if every not in EVERY:
            raise ValueError(f"every must be one of {', '.join(EVERY)}, not {every!r}")
        if not 0 <= minute < 60:
            raise ValueError("minute must be 0-59")
        try:
            zoneinfo.ZoneInfo(tz)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {tz!r}") from exc
        if every == "daily" and at is None:
            raise ValueError("a daily job needs at='HH:MM'")
        clock_time = datetime.time.fromisoformat(at) if at else datetime.time(2, 0)
        return cls(every=every, at=clock_time, minute=minute, tz=tz)

    def describe(self) -> str:
        if self.every == "minute":
            return _("every minute")
        if self.every == "hourly":
            return _("hourly at :%(minute)02d") % {"minute": self.minute}
        return _("daily at %(time)s %(zone)s") % {"time": f"{self.at:%H:%M}", "zone": self.tz}

    def latest_slot(self, now: datetime.datetime) -> datetime.datetime:
        now = now.astimezone(UTC)
        if self.every == "minute":
            return now.replace(second=0, microsecond=0)
        if self.every == "hourly":
            slot = now.replace(minute=self.minute, second=0, microsecond=0)
            return slot if slot <= now else slot - datetime.timedelta(hours=1)
        zone = zoneinfo.ZoneInfo(self.tz)
        local_day = now.astimezone(zone).date()
        for days_back in range(3):
            day = local_day - datetime.timedelta(days=days_back)
            slot = datetime.datetime.combine(day, self.at, tzinfo=zone).astimezone(UTC)
            if slot <= now:
                return slot
        raise AssertionError("unreachable: a daily slot exists within three days")

    def next_slot(self, now: datetime.datetime) -> datetime.datetime:
        now = now.astimezone(UTC)
        if self.every == "minute":
            return self.latest_slot(now) + datetime.timedelta(minutes=1)
        if self.every == "hourly":
            return self.latest_slot(now) + datetime.timedelta(hours=1)
        zone = zoneinfo.ZoneInfo(self.tz)
        local_day = now.astimezone(zone).date()
        for days_ahead in range(3):
            day = local_day + datetime.timedelta(days=days_ahead)
            slot = datetime.datetime.combine(day, self.at, tzinfo=zone).astimezone(UTC)
            if slot > now:
                return slot
        raise AssertionError("unreachable: a daily slot exists within three days")
