"""Keep search documents in step with the records (called inside the writer's transaction).

The domain services call ``search_document_upsert`` with the record's title, subtitle and the
words it should be found by (names, emails, domains, phone digit forms); the words are folded
into search tokens here (see ``sambandh.search.text``), so every writer indexes the same way.

A bulk writer (``search_reindex``, demo data) wraps its loop in ``search_batch()``: the upserts
inside are then collected and written in one statement per batch instead of one per record.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from sambandh.search import text
from sambandh.search.models import SearchDocument

_batch: ContextVar[dict[tuple[str, int], SearchDocument] | None] = ContextVar(
    "search_batch", default=None
)
_UPDATE_FIELDS = ["owner_id", "title", "subtitle", "title_key", "terms", "parts", "updated_at"]


@dataclass(frozen=True)
class SearchField:
    """What one field of a record adds to its search document: the words it is found by, its
    text in the subtitle, and the record it links to (``(record type, id)``). A document keeps
    each field's tokens apart (``SearchDocument.parts``), so a search leaves out what a viewer
    may not see: a field hidden from their role, a link to a record they may not see
    (accounts/policy.py)."""

    name: str
    words: Sequence[str] = ()
    subtitle: str = ""
    link: tuple[str, int] | None = None


def document_content(
    title: str,
    *,
    subtitle: str = "",
    words: Iterable[str] = (),
    fields: Sequence[SearchField] = (),
    index_terms: Callable[[str, str, Sequence[str]], str] = text.index_terms,
) -> tuple[str, str, dict[str, Any]]:
    """A document's subtitle, terms and parts. ``words`` are always shown (the record's name);
    ``fields`` may be left out for a viewer. The bulk loader passes its faster ``index_terms``
    (the same result)."""
    if fields:
        subtitle = " · ".join(f.subtitle for f in fields if f.subtitle)
    subtitle = subtitle[:300]
    every = [*words, *(w for f in fields for w in f.words)]
    terms = index_terms(title, subtitle, every)
    parts: dict[str, Any] = {}
    if fields:
        tokens = {
            f.name: index_terms("", "", [*f.words, f.subtitle])
            for f in fields
            if f.words or f.subtitle
        }
        parts = {
            "fields": {name: found for name, found in tokens.items() if found},
            "subtitle": [[f.name, f.subtitle] for f in fields if f.subtitle],
            "links": {f.name: list(f.link) for f in fields if f.link is not None},
        }
    return subtitle, terms, parts


def email_words(email: str) -> list[str]:
    """What an email address is found by: the whole address, its local part and its domain."""
    local, _at, domain = email.partition("@")
    return [email, local, domain]


#: The columns of ``search_document_row``'s rows, in order.
ROW_COLUMNS = (
    "record_type",
    "record_id",
    "owner_id",
    "title",
    "subtitle",
    "title_key",
    "terms",
    "parts",
    "updated_at",
)


def search_document_row(
    *,
    record_type: str,
    record_id: int,
    owner_id: int,
    title: str,
    subtitle: str = "",
    words: Iterable[str] = (),
    fields: Sequence[SearchField] = (),
) -> tuple[Any, ...]:
    """The document for a record as a row of values (``ROW_COLUMNS``), for a writer that
    inserts many and reads none back (``search_rows_insert``)."""
    title = title[:300]
    subtitle, terms, parts = document_content(title, subtitle=subtitle, words=words, fields=fields)
    return (
        record_type,
        record_id,
        owner_id,
        title,
        subtitle,
        text.title_key(title),
        terms,
        parts,
        timezone.now(),
    )


def search_document_build(
    *,
    record_type: str,
    record_id: int,
    owner_id: int,
    title: str,
    subtitle: str = "",
    words: Iterable[str] = (),
    fields: Sequence[SearchField] = (),
) -> SearchDocument:
    """The document for a record, not saved: for writers that save many at once."""
    row = search_document_row(
        record_type=record_type,
        record_id=record_id,
        owner_id=owner_id,
        title=title,
        subtitle=subtitle,
        words=words,
        fields=fields,
    )
    return SearchDocument(**dict(zip(ROW_COLUMNS, row, strict=True)))


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


def search_documents_insert(documents: Iterable[SearchDocument]) -> int:
    """Insert the documents of records just created (no document can be theirs yet): by COPY
    on PostgreSQL, cheaper than ``search_documents_save``'s upsert. A document already there
    for one of them fails the caller's transaction."""
    from sambandh.core.copy_insert import insert_many

    docs = list(documents)
    insert_many(SearchDocument, docs)
    return len(docs)


def search_rows_insert(rows: Iterable[tuple[Any, ...]]) -> int:
    """``search_documents_insert`` for documents given as ``search_document_row`` rows."""
    from sambandh.core.copy_insert import insert_rows

    found = list(rows)
    insert_rows(SearchDocument, ROW_COLUMNS, found)
    return len(found)


def search_document_upsert(
    *,
    record_type: str,
    record_id: int,
    owner_id: int,
    title: str,
    subtitle: str = "",
    words: Iterable[str] = (),
    fields: Sequence[SearchField] = (),
) -> None:
    doc = search_document_build(
        record_type=record_type,
        record_id=record_id,
        owner_id=owner_id,
        title=title,
        subtitle=subtitle,
        words=words,
        fields=fields,
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


def search_documents_reown(*, record_type: str, record_ids: list[int], owner_id: int) -> None:
    """The search documents of records handed to another owner in bulk (the owner decides who
    finds them): one UPDATE, nothing else in them changes."""
    SearchDocument.objects.filter(record_type=record_type, record_id__in=record_ids).update(
        owner_id=owner_id
    )


def search_document_delete(*, record_type: str, record_id: int) -> None:
    pending = _batch.get()
    if pending is not None:
        pending.pop((record_type, record_id), None)
    SearchDocument.objects.filter(record_type=record_type, record_id=record_id).delete()


def search_documents_refold(
    *, batch_size: int = 2000, types: Iterable[str] = (), model: Any = None
) -> tuple[int, int]:
    """Recompute the title key and terms of the stored documents with the current tokenizer
    (after a change to ``sambandh.search.text``), without reading the records. Answers how many
    documents were read and how many changed. ``model`` lets a migration pass its own."""
    documents = (model or SearchDocument).objects.order_by("pk")
    if types:
        documents = documents.filter(record_type__in=list(types))
    done = changed = 0
    last_pk = 0
    while True:
        chunk = list(
            documents.filter(pk__gt=last_pk).only("pk", "title", "subtitle", "title_key", "terms")[
                :batch_size
            ]
        )
        if not chunk:
            return done, changed
        dirty = []
        for doc in chunk:
            title_key = text.title_key(doc.title)
            # The phone end tokens are derived from the other terms: made again, not kept.
            words = [t for t in doc.terms.split() if not text.is_phone_end_token(t)]
            terms = text.index_terms(doc.title, doc.subtitle, words)
            if (title_key, terms) != (doc.title_key, doc.terms):
                doc.title_key, doc.terms = title_key, terms
                dirty.append(doc)
        with transaction.atomic():
            documents.model.objects.bulk_update(dirty, ["title_key", "terms"])
        done += len(chunk)
        changed += len(dirty)
        last_pk = chunk[-1].pk


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
