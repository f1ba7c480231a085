"""Data-subject requests, the suppression list, retention policies and their reports, and the
company's privacy settings."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Regime(models.TextChoices):
    GDPR = "gdpr", _("GDPR (EU)")
    CCPA = "ccpa", _("CCPA (California)")
    LGPD = "lgpd", _("LGPD (Brazil)")
    DPDP = "dpdp", _("DPDP Act (India)")


class DataSubjectRequest(models.Model):
    """A person's request to see, correct or erase what is held about them, with its legal
    deadline. The person link survives an erasure (the person is anonymized, not deleted); a
    retention delete leaves ``person`` empty and ``person_label`` as it was."""

    class Type(models.TextChoices):
        ACCESS = "access", _("Access")
        CORRECTION = "correction", _("Correction")
        ERASURE = "erasure", _("Erasure")

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        IN_PROGRESS = "in_progress", _("In progress")
        READY = "ready", _("Ready to download")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    type = models.CharField(_("type"), max_length=12, choices=Type.choices)
    regime = models.CharField(_("law"), max_length=4, choices=Regime.choices)
    person = models.ForeignKey(
        "contacts.Person",
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    person_label = models.CharField(_("person"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.RECEIVED
    )
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    due_on = models.DateField(_("due"))
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    #: The access export's file in the default storage; emptied once it has been downloaded.
    export_file = models.CharField(max_length=200, blank=True)
    export_downloaded_at = models.DateTimeField(null=True, blank=True)
    export_downloaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    #: What the access export or the erasure did (file names and row counts), for the page.
    outcome = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("data-subject request")
        verbose_name_plural = _("data-subject requests")
        indexes = [models.Index(fields=["status", "due_on"], name="dsr_status_due_idx")]

    def __str__(self) -> str:
        return f"{self.type} #{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status not in (self.Status.DONE, self.Status.FAILED)


class SuppressedContact(models.Model):
    """A keyed hash (HMAC-SHA256, key derived from SECRET_KEY) of an erased person's email or
    phone: never the value itself. Person creation refuses a match (selectors.is_suppressed)."""

    class Kind(models.TextChoices):
        EMAIL = "email", _("Email")
        PHONE = "phone", _("Phone")

    kind = models.CharField(max_length=5, choices=Kind.choices)
    digest = models.CharField(max_length=64, unique=True)
    request = models.ForeignKey(
        DataSubjectRequest, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("suppressed contact")
        verbose_name_plural = _("suppressed contacts")

    def __str__(self) -> str:
        return f"{self.kind} {self.digest[:12]}"


class RetentionPolicy(models.Model):
    """Delete or anonymize the records of one type (in one residency, or any) that have seen no
    activity for ``days``. Off until an admin enables it, which needs a dry run first."""

    class Action(models.TextChoices):
        DELETE = "delete", _("Delete")
        ANONYMIZE = "anonymize", _("Anonymize")

    record_type = models.CharField(_("record type"), max_length=40)
    #: A residency tag ("eu", "us-ca"...), or "" for records of any residency.
    region = models.CharField(_("region"), max_length=10, blank=True)
    days = models.PositiveIntegerField(_("days without activity"))
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    enabled = models.BooleanField(_("enabled"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["record_type", "region", "id"]
        verbose_name = _("retention policy")
        verbose_name_plural = _("retention policies")

    def __str__(self) -> str:
        return f"{self.record_type}/{self.region or '*'}: {self.action} after {self.days}d"


class RetentionRun(models.Model):
    """One run of a policy: a dry run (what it would do) or a real one (what it did)."""

    policy = models.ForeignKey(RetentionPolicy, on_delete=models.CASCADE, related_name="runs")
    dry_run = models.BooleanField(default=True)
    at = models.DateTimeField(default=timezone.now)
    matched = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    #: The matching records' ids (the first MAX_REPORT_IDS), and the ids that failed, with why.
    record_ids = models.JSONField(default=list, blank=True)
    failures = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.policy_id} {'dry' if self.dry_run else 'run'} {self.at:%Y-%m-%d}"


class PrivacySettings(models.Model):
    """The company's privacy settings, one row at most (id 1; selectors.privacy_settings
    answers the defaults until an admin saves them)."""

    SINGLETON_ID = 1

    #: The DPDP Act's response period is "as notified" by the government: the company sets it.
    dpdp_days = models.PositiveIntegerField(_("DPDP response days"), default=30)
    #: {residency: [roles allowed to export records of that residency]}; a residency absent
    #: here may be exported by anyone who may export. Admins may always export.
    export_rules = models.JSONField(_("export rules"), default=dict, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("privacy settings")
        verbose_name_plural = _("privacy settings")
        constraints = [
            models.CheckConstraint(condition=models.Q(id=1), name="privacy_settings_singleton")
        ]

    def __str__(self) -> str:
        return f"dpdp {self.dpdp_days}d"
