"""Writes for notifications: create one (once per user and key), mark read."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sambandh.accounts.models import User
from sambandh.core.errors import NotFound
from sambandh.notifications.models import Notification


def notify(
    *,
    user_id: int,
    kind: str,
    key: str,
    record_type: str = "",
    record_id: int | None = None,
    actor_id: int | None = None,
    count: int = 0,
) -> Notification | None:
    """Tell ``user_id`` about something, once: a second call with the same key for the same
    user finds the first and changes nothing. Nobody is told about their own action, and an
    inactive user is told nothing."""
    if user_id == actor_id or not User.objects.filter(pk=user_id, is_active=True).exists():
        return None
    existing = Notification.objects.filter(user_id=user_id, key=key).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return Notification.objects.create(
                user_id=user_id,
                kind=kind,
                key=key[:200],
                record_type=record_type,
                record_id=record_id,
                actor_id=actor_id,
                count=count,
            )
    except IntegrityError:  # written meanwhile by another worker: that one stands
        return Notification.objects.filter(user_id=user_id, key=key).first()


def notification_read(*, user: Any, notification_id: int) -> Notification:
    """Mark one of the user's own notifications read (someone else's is not found)."""
    found = Notification.objects.filter(pk=notification_id, user=user).first()
    if found is None:
        raise NotFound(_("No such notification."))
    if found.read_at is None:
        found.read_at = timezone.now()
        found.save(update_fields=["read_at"])
    return found


def notifications_read_all(*, user: Any) -> int:
    """Mark every unread notification of the user read; how many were."""
    return Notification.objects.filter(user=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
