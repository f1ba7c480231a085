"""Imports as rows: the job (who imported which file into which record type, with which
options, how far it got), one row per source row (its outcome, the record it made or changed,
and what that record held before, for undo), user-saved column mappings, and the external ids
that tie a record to its id in the system it came from.

A job's rows, its counters and its ``cursor`` (the last source row done) commit together with
the records of each batch, so a job stopped halfway resumes after its cursor and never writes
a source row twice.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sambandh.events.leased import LeasedJob

RECORD_TYPES = ("people", "organizations", "leads", "deals")


class ImportJob(LeasedJob):
    """An import, run by one worker at a time under a lease (events/leased.py)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting to start")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")
        CANCELLED = "cancelled", _("cancelled")
        UNDONE = "undone", _("undone")

    #: "people", "organizations", "leads" or "deals" (the mapping's record types).
    record_type = models.CharField(max_length=20)
    #: The uploaded file's name in the default storage (a folder unless configured otherwise).
    file = models.CharField(max_length=300)
    original_name = models.CharField(max_length=255, blank=True)
    size = models.BigIntegerField(default=0)
    #: What the reader found: "csv", "xlsx" or "vcard"; the text encoding and delimiter.
    format = models.CharField(max_length=10, blank=True)
    encoding = models.CharField(max_length=30, blank=True)
    delimiter = models.CharField(max_length=4, blank=True)
    headers = models.JSONField(default=list, blank=True)
    #: {"mapping": {header: target}, "preset": name, "external_id_column": header,
    #: "external_system": name, "on_duplicate": "update"|"skip"|"flag"|"create",
    #: "dry_run": bool}
    options = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    merged = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    flagged = models.PositiveIntegerField(default=0)
    #: The number of the last source row whose outcome is committed (0: none yet).
    cursor = models.PositiveIntegerField(default=0)
    cancel_requested = models.BooleanField(default=False)
    #: After an undo: what could not be undone ({"record_id", "reason"} each).
    undo_report = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["actor", "-created_at"], name="import_job_actor_idx"),
            models.Index(
                fields=["status"],
                name="import_job_open_idx",
                condition=models.Q(status__in=["pending", "running"]),
            ),
        ]

    def __str__(self) -> str:
        return f"import {self.record_type} #{self.pk}: {self.status}"

    @property
    def finished(self) -> bool:
        return self.status in (
            self.Status.DONE,
            self.Status.FAILED,
            self.Status.CANCELLED,
            self.Status.UNDONE,
        )

    @property
    def dry_run(self) -> bool:
        return bool((self.options or {}).get("dry_run"))

    @property
    def progress(self) -> float:
        """The share of rows done, 0 to 1."""
        if not self.total_rows:
            return 1.0 if self.finished else 0.0
        return min(1.0, self.processed_rows / self.total_rows)


class ImportRow(models.Model):
    class Outcome(models.TextChoices):
        CREATED = "created", _("created")
        UPDATED = "updated", _("updated")
        MERGED = "merged", _("merged")
        UNCHANGED = "unchanged", _("unchanged")
        REJECTED = "rejected", _("rejected")
        FLAGGED = "flagged", _("created, flagged as a possible duplicate")
        WOULD_CREATE = "would_create", _("would be created")
        WOULD_UPDATE = "would_update", _("would be updated")
        WOULD_MERGE = "would_merge", _("would be merged")
        WOULD_FLAG = "would_flag", _("would be created and flagged")
        WOULD_REJECT = "would_reject", _("would be rejected")

    job = models.ForeignKey(
        ImportJob, on_delete=models.CASCADE, related_name="rows", db_index=False
    )
    #: The source row's number as a spreadsheet shows it (header = 1).
    number = models.PositiveIntegerField()
    outcome = models.CharField(max_length=14, choices=Outcome.choices)
    record_id = models.BigIntegerField(null=True, blank=True)
    #: Why: [{"field": name, "message": text}], translated when written.
    reasons = models.JSONField(default=list, blank=True)
    #: For an update: the record's values before, by input name ({"job_title": "x"}), and its
    #: version right after the import; an undo puts them back unless the version moved on.
    before = models.JSONField(null=True, blank=True)
    version = models.PositiveIntegerField(null=True, blank=True)
    #: Records made on the way, by name ([["organization", 12]]: the organization a person's
    #: row named and nobody had): an undo removes them too, if nothing else uses them.
    also_created = models.JSONField(default=list, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["job", "number"], name="import_row_unique_number")
        ]

    def __str__(self) -> str:
        return f"import {self.job_id} row {self.number}: {self.outcome}"


class ImportPreset(models.Model):
    """A column mapping a user saved (the built-in presets live in imports/mapping/data)."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=100)
    record_type = models.CharField(_("record type"), max_length=20)
    mapping = models.JSONField(default=dict)
    #: Everyone may use it (only its owner changes it).
    shared = models.BooleanField(_("shared"), default=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "record_type", "name"], name="import_preset_unique_name"
            )
        ]

    def __str__(self) -> str:
        return self.name


class ExternalId(models.Model):
    """A record's id in the system it was imported from: a file keyed on these never creates
    the same record twice."""

    #: "person", "organization", "lead" or "deal" (the registry's keys).
    record_type = models.CharField(max_length=20)
    system = models.CharField(max_length=60)
    value = models.CharField(max_length=255)
    record_id = models.BigIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["record_type", "system", "value"], name="external_id_unique"
            )
        ]
        indexes = [models.Index(fields=["record_type", "record_id"], name="external_id_record_idx")]

    def __str__(self) -> str:
        return f"{self.record_type} {self.record_id} = {self.system}:{self.value}"
