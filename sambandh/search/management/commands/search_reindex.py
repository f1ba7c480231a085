"""Rebuild every search document from the records of every searchable record type.

Each record goes through its domain's own reindex function (its registry declaration's
``reindex``: the same code the services run on every write), inside ``search_batch()`` so
documents are saved a batch at a time. Documents whose record is gone are removed, and on SQLite
the FTS5 index is rebuilt from the documents.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, QuerySet

from sambandh.core import registry
from sambandh.search.models import SearchDocument
from sambandh.search.services import search_batch, search_documents_refold


def _sources() -> list[tuple[str, QuerySet[Any], Callable[[Any], None]]]:
    return [
        (rt.key, rt.searched(), rt.reindex)
        for rt in registry.searchable_types()
        if rt.reindex is not None
    ]


class Command(BaseCommand):
    help = "Rebuild the search documents and the full-text index from all records."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--batch-size", type=int, default=1000)
        parser.add_argument(
            "--type",
            dest="types",
            action="append",
            choices=[rt.key for rt in registry.searchable_types()],
            help="Only this record type (repeatable). All types by default.",
        )
        parser.add_argument(
            "--refold",
            action="store_true",
            help="Only recompute the tokens of the stored documents (after a change to how text "
            "is tokenized), without reading the records: much faster.",
        )

    def handle(self, *args: Any, batch_size: int, types: list[str] | None, **options: Any) -> None:
        batch_size = max(1, batch_size)
        if options["refold"]:
            self._refold(batch_size, types)
        else:
            self._reindex(batch_size, types, options["verbosity"])
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute("INSERT INTO search_fts(search_fts) VALUES ('rebuild')")
            cursor.execute("ANALYZE search_searchdocument")
        self.stdout.write(self.style.SUCCESS("Search index rebuilt."))

    def _reindex(self, batch_size: int, types: list[str] | None, verbosity: int) -> None:
        for record_type, queryset, reindex in _sources():
            if types and record_type not in types:
                continue
            removed = self._remove_orphans(record_type, queryset)
            done = 0
            last_pk = 0
            while True:
                chunk = list(queryset.filter(pk__gt=last_pk).order_by("pk")[:batch_size])
                if not chunk:
                    break
                with transaction.atomic(), search_batch():
                    for record in chunk:
                        reindex(record)
                done += len(chunk)
                last_pk = chunk[-1].pk
                if verbosity >= 2:
                    self.stdout.write(f"{record_type}: {done}")
            self.stdout.write(f"{record_type}: {done} indexed, {removed} removed")

    def _refold(self, batch_size: int, types: list[str] | None) -> None:
        done, changed = search_documents_refold(batch_size=batch_size, types=types or ())
        self.stdout.write(f"{done} documents refolded, {changed} changed")

    def _remove_orphans(self, record_type: str, queryset: QuerySet[Any]) -> int:
        alive = queryset.filter(pk=OuterRef("record_id"))
        orphans = SearchDocument.objects.filter(record_type=record_type).exclude(Exists(alive))
        return orphans.delete()[0]
