"""The optional daily email digest: at DIGEST_HOUR in each user's own time zone, those who asked
for it get one email with their overdue and today's tasks and their unread notifications. The
hourly job (notifications/jobs.py) finds whose morning it is; each user's digest is claimed for
their local day before it is sent, so a slot run twice, or two workers, send it once."""

from __future__ import annotations

import datetime
import logging
import zoneinfo
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from sambandh.accounts.models import User
from sambandh.activities.selectors import my_task_counts, my_tasks
from sambandh.core import formats
from sambandh.notifications.models import DigestPreference
from sambandh.notifications.selectors import notification_page

logger = logging.getLogger(__name__)

#: The local hour (in each user's time zone) the digest is sent at.
DIGEST_HOUR = 7
#: How many tasks and notifications a digest lists (the rest are counted).
DIGEST_ITEMS = 10


def digest_get(*, user: Any) -> bool:
    return DigestPreference.objects.filter(user=user, daily=True).exists()


def digest_set(*, user: Any, daily: bool) -> bool:
    """Turn the user's daily digest on or off (their own choice, nobody else's)."""
    DigestPreference.objects.update_or_create(user=user, defaults={"daily": bool(daily)})
    return bool(daily)


def _local_now(user: Any, now: datetime.datetime) -> datetime.datetime:
    try:
        zone = zoneinfo.ZoneInfo(user.time_zone or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = zoneinfo.ZoneInfo("UTC")
    return now.astimezone(zone)


def _claim(user_id: int, day: datetime.date) -> bool:
    """Mark the user's digest of ``day`` as sent; False when it already was."""
    with transaction.atomic():
        pref = (
            DigestPreference.objects.select_for_update().filter(user_id=user_id, daily=True).first()
        )
        if pref is None or pref.last_sent_on == day:
            return False
        pref.last_sent_on = day
        pref.save(update_fields=["last_sent_on"])
        return True


def _unclaim(user_id: int, day: datetime.date, before: datetime.date | None) -> None:
    DigestPreference.objects.filter(user_id=user_id, last_sent_on=day).update(last_sent_on=before)


def digest_message(*, user: Any, now: datetime.datetime) -> EmailMessage | None:
    """The user's digest as it would be sent now (in their language and time zone), or None
    when there is nothing to tell."""
    with (
        translation.override(user.language or settings.LANGUAGE_CODE),
        timezone.override(user.time_zone or "UTC"),
        formats.override(
            formats.prefs_for_user(user).locale, native_digits=bool(user.native_digits)
        ),
    ):
        counts = my_task_counts(viewer=user, now=now)
        tasks = my_tasks(viewer=user, now=now, limit=DIGEST_ITEMS)
        due = (tasks.overdue + tasks.today)[:DIGEST_ITEMS]
        unread = notification_page(viewer=user, unread=True, limit=DIGEST_ITEMS).items
        if not due and not unread:
            return None
        context = {
            "user": user,
            "day": _local_now(user, now).date(),
            "counts": counts,
            "tasks": due,
            "notifications": unread,
            "site": settings.SITE_URL.rstrip("/"),
        }
        subject = render_to_string("notifications/digest_subject.txt", context).strip()
        body = render_to_string("notifications/digest_email.txt", context)
    return EmailMessage(subject=subject, body=body, to=[user.email])


def send_digests(*, now: datetime.datetime | None = None) -> int:
    """Send the digest of every user who asked for one and whose local time is DIGEST_HOUR;
    answers how many were sent."""
    now = now or timezone.now()
    sent = 0
    prefs = DigestPreference.objects.filter(daily=True, user__is_active=True).select_related("user")
    for pref in prefs:
        user: User = pref.user
        local = _local_now(user, now)
        if local.hour != DIGEST_HOUR:
            continue
        day = local.date()
        before = pref.last_sent_on
        if before == day or not _claim(user.pk, day):
            continue
        message = digest_message(user=user, now=now)
        if message is None:
            continue  # nothing to tell today: the day is claimed, nothing is sent
        try:
            message.send()
        except Exception:  # a mail server down: tell the log, try again next hour's slot
            logger.exception("The daily digest of user %s could not be sent", user.pk)
            _unclaim(user.pk, day, before)
            continue
        sent += 1
    return sent
