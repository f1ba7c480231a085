"""The recycle bin: one row per deleted record, holding the record and everything its deletion
took with it (cascaded rows, link rows, the links it set to NULL) until it is restored or, after
``RECYCLE_BIN_DAYS``, purged."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class BinEntry(models.Model):
    record_type = models.CharField(_("record type"), max_length=40)
    record_id = models.BigIntegerField()
    #: The record's name when it was deleted (what the bin lists).
    summary = models.CharField(_("name"), max_length=300, blank=True)
    #: The record's owner when it was deleted: they (and admins) may restore it.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    deleted_at = models.DateTimeField(_("deleted"), default=timezone.now)
    #: ``{"rows": [serialised instances, parents first], "nulled": [links set to NULL]}``;
    #: None once purged or restored.
    snapshot = models.JSONField(null=True, blank=True)
    #: How many rows of each kind went with it (model label -> count), and "links": how many
    #: links elsewhere were cleared.
    counts = models.JSONField(default=dict, blank=True)
    purged_at = models.DateTimeField(null=True, blank=True)
    restored_at = models.DateTimeField(null=True, blank=True)
    restored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-deleted_at", "-id"]
        verbose_name = _("recycle bin entry")
        verbose_name_plural = _("recycle bin entries")
        indexes = [
            models.Index(fields=["owner", "-deleted_at", "-id"], name="bin_owner_idx"),
            models.Index(fields=["deleted_by", "-deleted_at", "-id"], name="bin_deleted_by_idx"),
            models.Index(fields=["-deleted_at", "-id"], name="bin_deleted_idx"),
            models.Index(fields=["record_type", "record_id"], name="bin_record_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.record_type} {self.record_id}: {self.summary}"

    @property
    def in_bin(self) -> bool:
        """Still restorable: neither restored nor purged."""
        return self.purged_at is None and self.restored_at is None
