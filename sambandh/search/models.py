"""One search document per findable record, kept current by the services that write records.

The full-text index over it is SQLite FTS5 or PostgreSQL tsvector + trigram (see migrations).
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class SearchDocument(models.Model):
    record_type = models.CharField(max_length=40)
    record_id = models.BigIntegerField()
    owner_id = models.BigIntegerField(db_index=True)
    title = models.CharField(max_length=300)
    subtitle = models.CharField(max_length=300, blank=True)
    # Words to match: names, emails (whole and split), domains, company, phone digit forms.
    terms = models.TextField(blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["record_type", "record_id"], name="searchdoc_record_unique")
        ]

    def __str__(self) -> str:
        return f"{self.record_type}:{self.record_id} {self.title}"
