"""Keep search documents in step with the records (called inside the writer's transaction).

The domain services call ``search_document_upsert`` with the record's title, subtitle and the
words it should be found by (names, emails, domains, phone digit forms); the words are folded
into search tokens here (see ``sambandh.search.text``), so every writer indexes the same way.

A bulk writer (``search_reindex``, demo data) wraps its loop in ``search_batch()``: the upserts
inside are then collected and written in one statement per batch instead of one per record.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import transaction
from django.utils import timezone

from sambandh.search import text
from sambandh.search.models import SearchDocument

_batch: ContextVar[dict[tuple[str, int], SearchDocument] | None] = ContextVar(
    "search_batch", default=None
)
_UPDATE_FIELDS = ["owner_id", "title", "subtitle", "title_key", "terms", "updated_at"]


def search_document_build(
    *,
    record_type: str,
    record_id: int,
    owner_id: int,
    title: str,
    subtitle: str = "",
    words: Iterable[str] = (),
) -> SearchDocument:
    """The document for a record, not saved: for writers that save many at once."""
    title, subtitle = title[:300], subtitle[:300]
    return SearchDocument(
        record_type=record_type,
        record_id=record_id,
        owner_id=owner_id,
        title=title,
        subtitle=subtitle,
        title_key=text.title_key(title),
        terms=text.index_terms(title, subtitle, words),
        updated_at=timezone.now(),
    )


def search_documents_save(documents: Iterable[SearchDocument], *, batch_size: int = 1000) -> int:
    """Insert or replace many documents (matched on record type and id) in few statements."""
    docs = list(documents)
    if docs:
        SearchDocument.objects.bulk_create(
            docs,
            batch_size=batch_size,
            update_conflicts=True,
            unique_fields=["record_type", "record_id"],
            update_fields=_UPDATE_FIELDS,
        )
    return len(docs)


def search_document_upsert(
    *,
    record_type: str,
    record_id: int,
    owner_id: int,
    title: str,
    subtitle: str = "",
    words: Iterable[str] = (),
) -> None:
    doc = search_document_build(
        record_type=record_type,
        record_id=record_id,
        owner_id=owner_id,
        title=title,
        subtitle=subtitle,
        words=words,
    )
    pending = _batch.get()
    if pending is not None:
        pending[(record_type, record_id)] = doc
        return
    SearchDocument.objects.update_or_create(
        record_type=record_type,
        record_id=record_id,
        defaults={name: getattr(doc, name) for name in _UPDATE_FIELDS},
    )


def search_document_delete(*, record_type: str, record_id: int) -> None:
    pending = _batch.get()
    if pending is not None:
        pending.pop((record_type, record_id), None)
    SearchDocument.objects.filter(record_type=record_type, record_id=record_id).delete()


@contextmanager
def search_batch() -> Iterator[dict[tuple[str, int], SearchDocument]]:
    """Collect the upserts made inside the block and save them together when it ends."""
    if _batch.get() is not None:
        # Already collecting: the outer block saves.
        yield _batch.get()  # type: ignore[misc]
        return
    pending: dict[tuple[str, int], SearchDocument] = {}
    token = _batch.set(pending)
    try:
        yield pending
    finally:
        _batch.reset(token)
    with transaction.atomic():
        search_documents_save(pending.values())
