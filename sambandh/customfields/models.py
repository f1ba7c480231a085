"""A custom field: a field an administrator adds to a record type (person, deal...).

Its values live in the record's ``custom`` JSON column, under the field's ``key``. Removing a
field (``deleted_at``) keeps those values (they are shown nowhere and can be restored) until the
field is purged, which deletes the values, the field and its index.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sambandh.core.models import TimeStampedModel


class CustomField(TimeStampedModel):
    class Type(models.TextChoices):
        TEXT = "text", _("Text")
        LONG_TEXT = "long_text", _("Long text")
        NUMBER = "number", _("Number")
        MONEY = "money", _("Money")
        DATE = "date", _("Date")
        DATETIME = "datetime", _("Date and time")
        BOOLEAN = "boolean", _("Yes / no")
        PICKLIST = "picklist", _("Picklist")
        MULTI_PICKLIST = "multi_picklist", _("Multi-select picklist")
        URL = "url", _("Web address")
        EMAIL = "email", _("Email address")
        PHONE = "phone", _("Phone number")
        LOOKUP = "lookup", _("Link to a record")

    record_type = models.CharField(_("record type"), max_length=40)
    key = models.CharField(_("key"), max_length=50)
    label = models.CharField(_("label"), max_length=100)
    #: Translations of the label by language code: {"hi": "...", "fr": "..."}.
    labels = models.JSONField(_("translated labels"), default=dict, blank=True)
    type = models.CharField(_("type"), max_length=20, choices=Type.choices)
    #: For a lookup: the record type it links to.
    target = models.CharField(_("links to"), max_length=40, blank=True)
    #: For a picklist: its values, in order.
    options = models.JSONField(_("options"), default=list, blank=True)
    required = models.BooleanField(_("required"), default=False)
    default = models.JSONField(_("default"), null=True, blank=True)
    help_text = models.CharField(_("help text"), max_length=300, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    version = models.PositiveIntegerField(default=1)
    deleted_at = models.DateTimeField(_("removed"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["record_type", "position", "id"]
        constraints = [
            # A removed field keeps its key (its values are still stored under it) until purged.
            models.UniqueConstraint(fields=["record_type", "key"], name="customfield_key_unique")
        ]

    def __str__(self) -> str:
        return f"{self.record_type}.{self.key}"

    @property
    def name(self) -> str:
        """The field's name in the field policy, filters and sorts."""
        return f"custom.{self.key}"

    @property
    def is_removed(self) -> bool:
        return self.deleted_at is not None

    def label_in(self, language: str) -> str:
        """The label in ``language`` (or its base language), else the label as entered."""
        labels = self.labels or {}
        return str(labels.get(language) or labels.get(language.split("-")[0]) or self.label)
