"""Shared model bases and the audit log.

Every CRM record is owned, versioned (optimistic concurrency: a stale update is refused, never
merged silently), carries custom field values, and keeps created/updated times in UTC.
"""

from __future__ import annotations

from typing import Any

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


class AuditRowImmutable(Exception):
    """An audit row was to be changed or deleted: the trail is append-only."""


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise AuditRowImmutable("audit rows are append-only: no update")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AuditRowImmutable("audit rows are append-only: no delete")

    def bulk_update(self, *args: Any, **kwargs: Any) -> int:
        raise AuditRowImmutable("audit rows are append-only: no update")


class AuditEvent(models.Model):
    """Who did what to which record, from where, and the field values before and after, as a
    row. Append-only: written by ``sambandh.core.audit.audit_record``, never changed or deleted
    (the model refuses, and on PostgreSQL a trigger refuses UPDATE and DELETE). docs/audit.md.

    ``changes`` is ``{"field": [before, after]}`` for rows of ``changes_format`` 2; older rows
    (format 1) kept what each service passed (``core.audit.change_pairs`` reads both)."""

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
        # Rows written before "permission_change" existed; the audit search's
        # "permission_change" finds them too.
        PERMISSION = "permission", _("permissions changed")
        PERMISSION_CHANGE = "permission_change", _("permission changed")
        MERGE = "merge", _("merged")
        UNMERGE = "unmerge", _("unmerged")
        RESTORE = "restore", _("restored")
        IMPORT = "import", _("imported")

    class Source(models.TextChoices):
        INTERFACE = "interface", _("interface")
        API = "api", _("API")
        IMPORT = "import", _("import")
        JOB = "job", _("background job")
        CLI = "cli", _("command line")
        SYSTEM = "system", _("system")

    at = models.DateTimeField(default=timezone.now, db_index=True)
    # No database constraint and nothing done on delete: a deleted user's rows keep their id
    # (the trail is never rewritten, and PostgreSQL's trigger would refuse SET NULL anyway).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    action = models.CharField(max_length=20, choices=Action.choices)
    record_type = models.CharField(max_length=40, blank=True)
    record_id = models.BigIntegerField(null=True, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    changes_format = models.PositiveSmallIntegerField(default=2)
    summary = models.CharField(max_length=300, blank=True)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.SYSTEM)
    ip = models.GenericIPAddressField(null=True, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["record_type", "record_id", "-at"], name="audit_record_idx"),
            models.Index(fields=["actor", "-at"], name="audit_actor_idx"),
        ]
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.action} {self.record_type}:{self.record_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise AuditRowImmutable("audit rows are append-only: no update")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AuditRowImmutable("audit rows are append-only: no delete")


class SensitiveField(models.Model):
    """A field an administrator marks sensitive (Settings → Field permissions): every record
    page, panel or API read that shows it writes a "read" audit row naming it. ``field`` is the
    registry's name (``phones``, ``custom.salary``)."""

    record_type = models.CharField(max_length=40)
    field = models.CharField(max_length=100)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    marked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["record_type", "field"], name="sensitive_field_unique")
        ]

    def __str__(self) -> str:
        return f"{self.record_type}.{self.field}"


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
