"""Files attached to any record (every type of the registry) or activity."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def stored_name(instance: Any, filename: str) -> str:
    """Where a file is stored: a random name under the month it came in, never the name the
    user gave it (which is kept on the row, cleaned, and sent back on download)."""
    now = timezone.now()
    return f"attachments/{now:%Y}/{now:%m}/{uuid.uuid4().hex}"


class Attachment(models.Model):
    # Which record the file is on: a registry key and an id, no foreign key, so that a record
    # in the recycle bin keeps its files and gets them back when it is restored (its purge
    # removes them: services.attachments_purge_for).
    record_type = models.CharField(_("record type"), max_length=40)
    record_id = models.BigIntegerField(_("record id"))
    file = models.FileField(_("file"), upload_to=stored_name, max_length=200)
    filename = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=120)
    size = models.BigIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("added"), default=timezone.now)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        indexes = [
            models.Index(
                fields=["record_type", "record_id", "-created_at"], name="attachment_record_idx"
            )
        ]

    def __str__(self) -> str:
        return self.filename

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")

    @property
    def previewable(self) -> bool:
        """Shown in the browser (images and PDFs); everything else is only downloaded."""
        return self.is_image or self.content_type == "application/pdf"
