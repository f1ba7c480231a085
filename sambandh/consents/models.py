"""The consent ledger: one row per statement about a person's permission to be contacted, for a
purpose on a channel. Rows are only ever appended: the current state of (person, purpose,
channel) is its latest row (the highest id), and the rows before it are its history.

The model refuses an update or a delete of a row (``save`` of a stored row, ``QuerySet.update``
and ``delete``). The one exception is the erasure of a person's personal data
(``services.erase_for_person``), which replaces the proof's IP address and text by a keyed digest
through ``ConsentQuerySet.erase_proof`` and keeps every row, so the fact of a withdrawal stays.
A person's deletion takes their rows with it (into the recycle bin, and back on a restore).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AppendOnly(Exception):
    """A consent row cannot be changed or deleted: append a new one instead."""


class Purpose(models.TextChoices):
    MARKETING_EMAIL = "marketing_email", _("Marketing emails")
    NEWSLETTER = "newsletter", _("Newsletter")
    SMS = "sms", _("Marketing text messages (SMS)")
    PHONE = "phone", _("Marketing calls")
    WHATSAPP = "whatsapp", _("WhatsApp marketing messages")
    POST = "post", _("Marketing by post")
    EVENTS = "events", _("Event invitations")
    PROFILING = "profiling", _("Profiling and personalisation")
    # Not marketing: one-to-one messages from the team (replies, questions about a deal or an
    # order). Needs no consent, but a withdrawal of it stops every message on its channel.
    DIRECT = "direct", _("One-to-one messages")


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    SMS = "sms", _("Text message (SMS)")
    PHONE = "phone", _("Phone")
    WHATSAPP = "whatsapp", _("WhatsApp")
    POST = "post", _("Post")
    # A row on "every channel" covers each channel for its purpose.
    ANY = "any", _("Every channel")


class Status(models.TextChoices):
    GRANTED = "granted", _("Granted")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    PENDING = "pending", _("Waiting for confirmation")


class LawfulBasis(models.TextChoices):
    CONSENT = "consent", _("Consent")
    CONTRACT = "contract", _("Contract")
    LEGAL_OBLIGATION = "legal_obligation", _("Legal obligation")
    VITAL_INTERESTS = "vital_interests", _("Vital interests")
    PUBLIC_TASK = "public_task", _("Public task")
    LEGITIMATE_INTEREST = "legitimate_interest", _("Legitimate interest")


_CHANNELS = (Channel.EMAIL, Channel.SMS, Channel.PHONE, Channel.WHATSAPP, Channel.POST)

#: The channels each purpose may be recorded on; the first is its default. Every purpose may
#: also be recorded on "every channel" (``any``), which covers each of them.
PURPOSE_CHANNELS: dict[str, tuple[str, ...]] = {
    Purpose.MARKETING_EMAIL: (Channel.EMAIL, Channel.ANY),
    Purpose.NEWSLETTER: (Channel.EMAIL, Channel.ANY),
    Purpose.SMS: (Channel.SMS, Channel.ANY),
    Purpose.PHONE: (Channel.PHONE, Channel.ANY),
    Purpose.WHATSAPP: (Channel.WHATSAPP, Channel.ANY),
    Purpose.POST: (Channel.POST, Channel.ANY),
    Purpose.EVENTS: (*_CHANNELS, Channel.ANY),
    Purpose.PROFILING: (Channel.ANY,),
    Purpose.DIRECT: (*_CHANNELS, Channel.ANY),
}

#: Purposes that need a recorded permission: without one, the answer is no.
MARKETING_PURPOSES = frozenset(PURPOSE_CHANNELS) - {Purpose.DIRECT}


class ConsentQuerySet(models.QuerySet["Consent"]):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnly("consent rows are never updated: append a new row")

    def delete(self) -> Any:
        raise AppendOnly("consent rows are never deleted: append a withdrawal")

    def erase_proof(self, *, digest: str, at: Any) -> int:
        """The erasure's pseudonymization (``services.erase_for_person`` only): the proof's IP
        address and text give way to ``digest``; every row, its status and time stay."""
        return super().update(proof_ip=None, proof_text="", proof_digest=digest, erased_at=at)


class Consent(models.Model):
    person = models.ForeignKey("contacts.Person", on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(_("purpose"), max_length=32, choices=Purpose.choices)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    lawful_basis = models.CharField(_("lawful basis"), max_length=24, choices=LawfulBasis.choices)
    source = models.CharField(_("source"), max_length=200)
    at = models.DateTimeField(_("recorded"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    # The proof: the form it came from, the address it came from, the exact words shown.
    proof_form = models.CharField(_("form"), max_length=200, blank=True)
    proof_ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    proof_text = models.TextField(_("text shown"), blank=True)
    # After an erasure: a keyed digest of the IP address and text it replaced.
    proof_digest = models.CharField(max_length=64, blank=True)
    erased_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # A granted row made by following a double opt-in link: the pending row it confirms.
    confirms = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )

    objects = ConsentQuerySet.as_manager()

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        indexes = [
            models.Index(fields=["person", "purpose", "channel", "-id"], name="consent_state_idx")
        ]

    def __str__(self) -> str:
        return f"{self.purpose}/{self.channel}: {self.status}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding or kwargs.get("force_update"):
            raise AppendOnly("consent rows are never updated: append a new row")
        # Always an INSERT: a row given the id of a stored one fails rather than replacing it.
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnly("consent rows are never deleted: append a withdrawal")

    def expired(self, at: Any) -> bool:
        return self.expires_at is not None and self.expires_at <= at
