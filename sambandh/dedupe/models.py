"""Pairs of records the duplicate scan found, kept for review (and, later, for merging)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sambandh.core.models import TimeStampedModel


class DuplicatePair(TimeStampedModel):
    """Two records of one type that look like the same person or organization.

    The records are named by id (``record_a_id`` < ``record_b_id``), not by foreign key, so one
    table serves every record type the scan knows; a pair whose record is gone is dropped by the
    next scan. A dismissed pair stays dismissed: later scans do not bring it back."""

    class Status(models.TextChoices):
        OPEN = "open", _("To review")
        DISMISSED = "dismissed", _("Not a duplicate")
        MERGED = "merged", _("Merged")

    record_type = models.CharField(_("record type"), max_length=30)
    record_a_id = models.BigIntegerField()
    record_b_id = models.BigIntegerField()
    score = models.FloatField(_("score"))
    #: Codes of the comparisons that agreed, strongest first ("email:exact").
    reasons = models.JSONField(default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.OPEN
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-score", "id"]
        verbose_name = _("duplicate pair")
        verbose_name_plural = _("duplicate pairs")
        constraints = [
            models.UniqueConstraint(
                fields=["record_type", "record_a_id", "record_b_id"], name="dedupe_pair_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(record_a_id__lt=models.F("record_b_id")),
                name="dedupe_pair_ordered",
            ),
        ]
        indexes = [
            # The queue's order (highest score first, then id): its first page is read
            # from the index, however many pairs are open.
            models.Index(
                fields=["record_type", "status", "-score", "id"], name="dedupe_pair_queue_order"
            )
        ]

    def __str__(self) -> str:
        return f"{self.record_type} {self.record_a_id} ~ {self.record_b_id}"
