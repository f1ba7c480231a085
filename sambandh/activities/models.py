"""Activities: notes, calls, meetings, logged emails and tasks, each on a person, organization,
deal or lead timeline."""

from __future__ import annotations

from datetime import UTC, datetime

from django.conf import settings
from django.db import models
from django.db.models import Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sambandh.contacts.models import Organization, Person
from sambandh.core.models import RecordModel
from sambandh.sales.models import Deal, Lead

# Tasks without a due date sort after every dated one.
NO_DUE_DATE = datetime(9999, 12, 31, tzinfo=UTC)


class Activity(RecordModel):
    record_type = "activity"

    class Kind(models.TextChoices):
        NOTE = "note", _("Note")
        CALL = "call", _("Call")
        MEETING = "meeting", _("Meeting")
        EMAIL = "email", _("Email")
        TASK = "task", _("Task")

    class Direction(models.TextChoices):
        NONE = "", _("—")
        INBOUND = "in", _("Inbound")
        OUTBOUND = "out", _("Outbound")

    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    body = models.TextField(_("details"), blank=True)
    # When it happened (note, call, email) or starts (meeting); for a task, when it was created.
    occurred_at = models.DateTimeField(_("when"), default=timezone.now)
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True)
    duration_seconds = models.PositiveIntegerField(_("duration (seconds)"), null=True, blank=True)
    direction = models.CharField(
        _("direction"), max_length=3, choices=Direction.choices, blank=True, default=""
    )
    outcome = models.CharField(_("outcome"), max_length=100, blank=True)
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    # A note pinned to the top of the timelines it is on (activities.services.note_pin).
    pinned_at = models.DateTimeField(_("pinned"), null=True, blank=True)
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.CASCADE, related_name="activities"
    )
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.CASCADE, related_name="activities"
    )
    deal = models.ForeignKey(
        Deal, null=True, blank=True, on_delete=models.CASCADE, related_name="activities"
    )
    lead = models.ForeignKey(
        Lead, null=True, blank=True, on_delete=models.CASCADE, related_name="activities"
    )

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        indexes = [
            models.Index(fields=["person", "-occurred_at", "-id"], name="activity_person_idx"),
            models.Index(fields=["organization", "-occurred_at", "-id"], name="activity_org_idx"),
            models.Index(fields=["deal", "-occurred_at", "-id"], name="activity_deal_idx"),
            models.Index(fields=["lead", "-occurred_at", "-id"], name="activity_lead_idx"),
            models.Index(
                fields=["assignee", "due_at"],
                name="activity_open_task_idx",
                condition=models.Q(kind="task", done_at__isnull=True),
            ),
            # A user's open tasks without a due date, newest first (the home page and My tasks).
            models.Index(
                fields=["assignee", "-created_at", "-id"],
                name="activity_undated_task_idx",
                condition=models.Q(kind="task", done_at__isnull=True, due_at__isnull=True),
            ),
            models.Index(fields=["owner", "-occurred_at", "-id"], name="activity_owner_idx"),
            # Lists of every activity a viewer may see, newest first, and of tasks by due date
            # (the same expression as activities.selectors.task_list sorts on).
            models.Index(fields=["-occurred_at", "-id"], name="activity_occurred_idx"),
            models.Index(fields=["assignee", "-occurred_at", "-id"], name="activity_assignee_idx"),
            models.Index(
                Coalesce("due_at", Value(NO_DUE_DATE, output_field=models.DateTimeField())),
                "id",
                name="activity_task_due_idx",
                condition=models.Q(kind="task"),
            ),
        ]

    def __str__(self) -> str:
        return self.subject or self.get_kind_display()

    @property
    def is_task(self) -> bool:
        return self.kind == self.Kind.TASK
