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


class SearchText(models.Model):
    """PostgreSQL only: a copy of each document's words (title, subtitle, terms) carrying the
    full-text and trigram GIN indexes, kept in step by triggers on the document table
    (migration 0007), as SQLite's FTS5 table ``search_fts`` is. Apart from the document, a
    change of owner (bulk assign hands over 100,000 records at a time) rewrites only the
    document's narrow row and its B-tree indexes, never the GIN entries of its words: on the
    large data set that took 0.5 ms of the 1 ms each record's reassignment cost. On SQLite this
    table stays empty."""

    document_id = models.BigIntegerField(primary_key=True)
    title = models.CharField(max_length=300)
    subtitle = models.CharField(max_length=300, blank=True)
    terms = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"{self.document_id} {self.title}"


class SearchPhone(models.Model):
    """PostgreSQL only: each document's phone tokens (the digit forms of its numbers, every
    all-digit term of five digits or more, and the numbers' end tokens), one row each, kept in
    step by triggers on the document table (migration 0008), with a B-tree in code-point order
    on the token. A phone prefix typed as you type ("+91 81230") is a range scan of that index
    which stops at the search's LIMIT; the words' GIN index had to read every token starting
    with it first (42,857 numbers share that prefix in the benchmark's million people: 27 ms).
    On SQLite this table stays empty (FTS5 answers phone prefixes)."""

    pk = models.CompositePrimaryKey("document_id", "token")
    document_id = models.BigIntegerField()
    token = models.CharField(max_length=300)

    def __str__(self) -> str:
        return f"{self.document_id} {self.token}"
