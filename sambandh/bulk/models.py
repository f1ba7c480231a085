"""Bulk actions as rows: the job (who asked for what, on which records, how far it got) and
one row per selected record (its outcome, and what it held before, for undo).

The selection is resolved when the job is asked for, so the job's records never change while
it runs; the worker changes them batch by batch, each record's outcome committed with the
record's own change, so a job stopped halfway is never half-written.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from sambandh.events.leased import LeasedJob


class BulkJob(LeasedJob):
    """A bulk action, run by one worker at a time under a lease (events/leased.py)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting to start")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")
        UNDONE = "undone", _("undone")

    class Action(models.TextChoices):
        UPDATE = "update", _("Edit fields")
        ASSIGN = "assign", _("Assign")
        TAG = "tag", _("Add tags")
        UNTAG = "untag", _("Remove tags")
        DELETE = "delete", _("Delete")
        SHARE = "share", _("Share")
        UNDO = "undo", _("Undo")

    record_type = models.CharField(max_length=40)
    action = models.CharField(max_length=10, choices=Action.choices)
    #: What the action sets ({"owner_id": 5}, {"values": {...}}, {"tags": [...]}, {"user_id": 5,
    #: "access": "read"}), and how the
    #: records were selected ({"filter": {...}} or {"ids": n}).
    parameters = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    total = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    changed = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    #: The job this one undoes (an undo is a job of its own).
    undo_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="undos"
    )

    class Meta:
        indexes = [
            models.Index(
                fields=["status"],
                name="bulk_job_open_idx",
                condition=models.Q(status__in=["pending", "running"]),
            )
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.record_type} #{self.pk}: {self.status}"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED, self.Status.UNDONE)


class BulkItem(models.Model):
    class Outcome(models.TextChoices):
        PENDING = "pending", _("waiting")
        CHANGED = "changed", _("changed")
        SKIPPED = "skipped", _("skipped")
        FAILED = "failed", _("failed")

    job = models.ForeignKey(BulkJob, on_delete=models.CASCADE, related_name="items", db_index=False)
    record_id = models.BigIntegerField()
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.PENDING)
    reason = models.CharField(max_length=500, blank=True, default="")
    #: What the record held before this job changed it, as its PATCH body names the fields
    #: ({"owner_id": 5}, {"tags": [...]}), and its version right after: an undo puts the
    #: values back unless the version has moved on since.
    before = models.JSONField(null=True, blank=True)
    version = models.PositiveIntegerField(null=True, blank=True)
    #: For an undo's item: the values to put back, and the version the record must still have.
    restore = models.JSONField(null=True, blank=True)
    expected_version = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        # One index: the worker walks a job's items along it from where its last batch ended,
        # and a page of outcomes (of one kind or all) is read along it. Another on the outcome
        # would be rewritten with each of the 100,000 items of a large job.
        indexes = [models.Index(fields=["job", "id"], name="bulk_item_job_idx")]

    def __str__(self) -> str:
        return f"job {self.job_id} record {self.record_id}: {self.outcome}"
