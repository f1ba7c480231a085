"""The event log, the runs of its handlers, and the runs of scheduled jobs: rows, so that a worker
that dies loses nothing and two workers never do the same work twice."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Event(models.Model):
    """A domain event: one row per service write, in the write's transaction. Webhooks,
    workflows and analytics read these; handlers subscribe to their types."""

    type = models.CharField(max_length=80)
    record_type = models.CharField(max_length=40, blank=True)
    record_id = models.BigIntegerField(null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
    )
    fields = models.JSONField(default=list, blank=True)
    #: What a reader needs beyond the names, for the few events that carry it: the user a
    #: record was assigned to or shared with, the users a note mentions. Small, never a record.
    data = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        # No secondary index: the log is appended on every write and read by id ranges (the
        # primary key is in time order). A reader that needs more adds it with its need.
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.type} {self.record_type}:{self.record_id}"


class RunStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    RUNNING = "running", _("running")
    SUCCEEDED = "succeeded", _("succeeded")
    FAILED = "failed", _("failed")


class HandlerRun(models.Model):
    """One handler's work on one event. Written with the event (so it survives a crash between
    commit and enqueue), claimed by a worker with a lease and a token, and marked succeeded in
    the handler's own transaction: a success is never run again."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="handler_runs")
    handler = models.CharField(max_length=100)
    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    run_after = models.DateTimeField(default=timezone.now)
    # When a task for this run was last put on the queue (or is due to be ready): the sweep
    # re-enqueues only runs whose task should have started by now and did not.
    nudged_at = models.DateTimeField(null=True, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    token = models.CharField(max_length=32, blank=True)
    worker_id = models.CharField(max_length=64, blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "handler"], name="handler_run_once_per_event")
        ]
        indexes = [
            models.Index(fields=["status", "run_after"], name="handler_run_due_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.handler} on event {self.event_id}: {self.status}"


class JobRun(models.Model):
    """One slot of one scheduled job. The unique (job, slot) pair is the claim: whichever worker
    inserts it runs the slot; every other worker's insert fails."""

    job = models.CharField(max_length=100)
    slot = models.DateTimeField()
    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.RUNNING)
    attempts = models.PositiveSmallIntegerField(default=1)
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    token = models.CharField(max_length=32, blank=True)
    worker_id = models.CharField(max_length=64, blank=True)
    error = models.TextField(blank=True)
    result = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["job", "slot"], name="job_run_once_per_slot")
        ]
        indexes = [models.Index(fields=["job", "-slot"], name="job_run_latest_idx")]

    def __str__(self) -> str:
        return f"{self.job} at {self.slot.isoformat()}: {self.status}"
