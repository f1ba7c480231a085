from __future__ import annotations

from django.db import models

from sambandh.core.models import RecordModel


class Gadget(RecordModel):
    record_type = "gadget"

    name = models.CharField(max_length=200)
    color = models.CharField(max_length=40, blank=True)

    class Meta:
        app_label = "registry_app"
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name
