"""Reads of sign-in security: a user's live sessions."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.utils import timezone

from sambandh.security.models import UserSession


def session_list(*, user: Any) -> list[UserSession]:
    """The user's sessions that may still be used, the most recently seen first. (A session
    idle past the timeout is over even before its row expires.)"""
    now = timezone.now()
    idle_since = now - datetime.timedelta(seconds=settings.SESSION_IDLE_TIMEOUT)
    return list(
        UserSession.objects.filter(user=user, expire_date__gt=now, last_seen_at__gt=idle_since)
        .only("key_digest", "ip", "user_agent", "started_at", "last_seen_at", "session_key")
        .order_by("-last_seen_at")
    )
