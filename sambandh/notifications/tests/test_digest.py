"""The daily email digest: opt-in per user (web and API), sent through a real SMTP server at
7:00 in the user's own time zone by the hourly job, once a day however often the slot runs, in
the user's language, with their overdue and today's tasks and unread notifications."""

from __future__ import annotations

import datetime

import pytest

from sambandh.notifications.digest import DIGEST_HOUR, digest_set, send_digests
from sambandh.notifications.models import DigestPreference, Notification
from sambandh.notifications.services import notify
from tests import factories

pytestmark = pytest.mark.django_db

UTC = datetime.UTC


def _kolkata_seven() -> datetime.datetime:
    # 07:00 in Asia/Kolkata is 01:30 UTC
    return datetime.datetime(2026, 12, 7, 1, 30, tzinfo=UTC)


def test_opted_in_users_get_one_digest_at_seven_in_their_time_zone(owner, teammate, smtp_server):
    owner.time_zone = "Asia/Kolkata"
    owner.save(update_fields=["time_zone"])
    teammate.time_zone = "Asia/Kolkata"
    teammate.save(update_fields=["time_zone"])
    digest_set(user=owner, daily=True)  # the teammate did not ask for one
    now = _kolkata_seven()
    person = factories.make_person(owner, full_name="Ana Pereira")
    factories.make_activity(
        owner,
        "task",
        subject="Call Ana back",
        person_id=person.pk,
        due_at=now - datetime.timedelta(hours=3),
    )
    notify(
        user_id=owner.pk,
        kind=Notification.Kind.MENTIONED,
        key="m:1",
        actor_id=teammate.pk,
        record_type="person",
        record_id=person.pk,
    )
    factories.make_activity(teammate, "task", subject="Teammate's task", due_at=now)

    # an hour too early in Kolkata: nothing
    assert send_digests(now=now - datetime.timedelta(hours=1)) == 0
    assert send_digests(now=now) == 1
    # the slot run again, or the next hour: nothing more that day
    assert send_digests(now=now) == 0
    assert send_digests(now=now + datetime.timedelta(hours=1)) == 0
    [mail] = smtp_server.received
    assert mail.rcpt_tos == [owner.email]
    text = mail.message.get_payload(decode=True).decode()
    assert "Call Ana back" in text and "1 overdue" in text
    assert "Tejas Teammate" in text and "mentioned you" in text
    assert "Teammate's task" not in text
    assert "/notifications/" in text
    # the next morning, again once
    assert send_digests(now=now + datetime.timedelta(days=1)) == 1


def test_nothing_to_tell_sends_nothing_and_a_failure_retries_next_hour(owner, settings):
    digest_set(user=owner, daily=True)
    now = datetime.datetime(2026, 12, 7, DIGEST_HOUR, 0, tzinfo=UTC)  # owner is in UTC
    assert send_digests(now=now) == 0  # no tasks, no notifications
    factories.make_activity(owner, "task", subject="Due", due_at=now)
    DigestPreference.objects.update(last_sent_on=None)
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": 1, "timeout": 2},
        }
    }
    assert send_digests(now=now) == 0  # the server refused: not marked sent
    assert DigestPreference.objects.get().last_sent_on is None


def test_the_choice_is_the_users_own_on_the_page_and_in_the_api(owner, api, browser_for):
    client = browser_for(owner)
    page = client.get("/notifications/").content.decode()
    assert "Email me a daily digest" in page
    response = client.post("/notifications/digest/", {"daily": "1"})
    assert response.status_code == 302
    assert DigestPreference.objects.get(user=owner).daily is True
    assert "Turn off the daily digest" in client.get("/notifications/").content.decode()
    assert api(owner).get("/api/v1/notifications/digest").json() == {"daily": True, "hour": 7}
    response = api(owner).put("/api/v1/notifications/digest", {"daily": False})
    assert response.status_code == 200 and response.json()["daily"] is False
    assert api(owner).put("/api/v1/notifications/digest", {"daily": "sometimes"}).status_code == 422
    assert DigestPreference.objects.get(user=owner).daily is False
