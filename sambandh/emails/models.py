"""An email sent from a record: the logged activity (kind "email", direction "out") and what
its sending needs and tells (recipients, the Message-ID and threading headers, the status)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sambandh.activities.models import Activity


class OutboundEmail(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    activity = models.OneToOneField(
        Activity, on_delete=models.CASCADE, related_name="outbound_email"
    )
    to = models.JSONField(_("to"), default=list)
    cc = models.JSONField(_("cc"), default=list)
    from_address = models.CharField(_("from"), max_length=320)
    reply_to = models.CharField(_("reply to"), max_length=254, blank=True)
    # "<...@domain>", as the header carries it: a reply names it in In-Reply-To/References.
    message_id = models.CharField(_("Message-ID"), max_length=255, unique=True)
    in_reply_to = models.CharField(_("In-Reply-To"), max_length=255, blank=True)
    references = models.TextField(_("References"), blank=True)
    # The subject without "Re:"/"Fwd:" prefixes, lower-cased: what puts emails in one thread.
    thread_subject = models.CharField(max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.QUEUED
    )
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    # When it was last put on the queue, and when a worker took it to send: the sweep
    # (jobs.py) re-enqueues one that waited too long and fails one whose worker died.
    queued_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("outbound email")
        verbose_name_plural = _("outbound emails")
        indexes = [
            models.Index(fields=["thread_subject", "-id"], name="email_thread_idx"),
            models.Index(
                fields=["queued_at"],
                name="email_waiting_idx",
                condition=models.Q(status__in=["queued", "sending"]),
            ),
        ]

    def __str__(self) -> str:
        return self.message_id
