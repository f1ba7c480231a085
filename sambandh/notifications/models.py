"""What a user is told: a row per notification, never its text.

The text is written when the notification is shown, in the reader's language, with the name of
the record only while the reader may still see it (a link to a record the viewer may not see
shows neither its name nor its id). ``key`` makes each notification happen once per user: a
handler retried, or a reminder job that runs its slot again, finds the row already there.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    class Kind(models.TextChoices):
        ASSIGNED = "assigned", _("assigned to you")
        SHARED = "shared", _("shared with you")
        MENTIONED = "mentioned", _("mentioned you")
        TASK_DUE = "task_due", _("task due")
        NO_NEXT_STEP = "no_next_step", _("deals without a next step")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    record_type = models.CharField(max_length=40, blank=True)
    record_id = models.BigIntegerField(null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    #: How many records a summary counts (deals without a next step).
    count = models.PositiveIntegerField(default=0)
    key = models.CharField(max_length=200)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="notification_once_per_user")
        ]
        indexes = [
            models.Index(fields=["user", "-created_at", "-id"], name="notification_user_idx"),
            models.Index(
                fields=["user"],
                name="notification_unread_idx",
                condition=models.Q(read_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.user_id}"


class DigestPreference(models.Model):
    """Whether a user gets a daily email digest (their unread notifications and their tasks),
    at DIGEST_HOUR in their own time zone, and the local day it was last sent (each day once)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digest_preference"
    )
    daily = models.BooleanField(default=False)
    last_sent_on = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.user_id}: {'daily' if self.daily else 'off'}"
