"""Shared model bases and the audit log.

Every CRM record is owned, versioned (optimistic concurrency: a stale update is refused, never
merged silently), carries custom field values, and keeps created/updated times in UTC.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        abstract = True


class RecordModel(TimeStampedModel):
    """A CRM record: owned by a user, versioned, with room for custom field values."""

    #: The record type's stable key, used by sharing, audit, search and the API.
    record_type: str = ""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    custom = models.JSONField(_("custom fields"), default=dict, blank=True)

    class Meta:
        abstract = True


class AuditEvent(models.Model):
    """Who did what to which record, and the field changes, as a row."""

    class Action(models.TextChoices):
        CREATE = "create", _("created")
        UPDATE = "update", _("updated")
        DELETE = "delete", _("deleted")
        READ = "read", _("read")
        EXPORT = "export", _("exported")
        LOGIN = "login", _("logged in")
        LOGIN_FAILED = "login_failed", _("login failed")
        SHARE = "share", _("shared")
        TOKEN = "token", _("API token")
        UNSHARE = "unshare", _("unshared")
        PERMISSION = "permission", _("permissions changed")

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=20, choices=Action.choices)
    record_type = models.CharField(max_length=40, blank=True)
    record_id = models.BigIntegerField(null=True, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    summary = models.CharField(max_length=300, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["record_type", "record_id", "-at"], name="audit_record_idx")
        ]
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.action} {self.record_type}:{self.record_id}"


class SavedView(TimeStampedModel):
    """A named list view: filters, sort and columns, for one user or shared with everyone."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_views"
    )
    list_key = models.CharField(max_length=40)  # e.g. "people", "organizations", "deals", "leads"
    name = models.CharField(_("name"), max_length=80)
    filters = models.JSONField(default=dict, blank=True)
    sort = models.CharField(max_length=80, blank=True)  # "-custom.<key>" too
    columns = models.JSONField(default=list, blank=True)
    is_shared = models.BooleanField(_("shared with everyone"), default=False)

    class Meta:
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["list_key", "owner"], name="savedview_list_idx")]

    def __str__(self) -> str:
        return self.name
