"""One search document per findable record, kept current by the services that write records.

The full-text index over it is SQLite FTS5 or PostgreSQL tsvector + trigram, created in migration
0002 with raw SQL. On SQLite, triggers on this table keep the FTS5 table in step: a migration that
makes Django rebuild this table (most AlterField/RemoveField on SQLite) drops them, so such a
migration must re-create them (see ``migrations/0002_fulltext.py``).
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
    # The title as folded tokens (see sambandh.search.text.title_key): title-prefix and exact
    # matches come from a B-tree index (title_key, id) in code-point order, so a prefix is a
    # range whatever the database's collation: migrations 0002 and 0003 give the column the
    # collation "C" on PostgreSQL (SQLite compares by code point already).
    title_key = models.CharField(max_length=300, blank=True, default="")
    # Folded tokens to match (sambandh.search.text.index_terms): the title's and subtitle's words,
    # names, emails' parts, domains, company, phone digit forms, and each phone number's end
    # token ("r" and its digits reversed, so that its last digits are a prefix).
    terms = models.TextField(blank=True)
    # Which of the terms each field of the record gave, its subtitle by field, and the records
    # its fields link to (search.services.SearchField): a search leaves out, for each viewer,
    # the fields hidden from their role and the links to records they may not see.
    parts = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["record_type", "record_id"], name="searchdoc_record_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.record_type}:{self.record_id} {self.title}"
