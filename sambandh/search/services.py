"""Keep search documents in step with the records (called inside the writer's transaction)."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils import timezone

from sambandh.search.models import SearchDocument


def search_document_upsert(
    *,
    record_type: str,
    record_id: int,
    owner_id: int,
    title: str,
    subtitle: str = "",
    words: Iterable[str] = (),
) -> None:
    terms = " ".join(dict.fromkeys(w for w in words if w))
    SearchDocument.objects.update_or_create(
        record_type=record_type,
        record_id=record_id,
        defaults={
            "owner_id": owner_id,
            "title": title[:300],
            "subtitle": subtitle[:300],
            "terms": terms,
            "updated_at": timezone.now(),
        },
    )


def search_document_delete(*, record_type: str, record_id: int) -> None:
    SearchDocument.objects.filter(record_type=record_type, record_id=record_id).delete()
