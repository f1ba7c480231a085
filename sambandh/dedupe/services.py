"""Writes of the duplicate review queue: the pairs a scan found, and a reviewer's decision."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from sambandh.accounts import policy
from sambandh.core.audit import audit_record
from sambandh.core.errors import NotFound
from sambandh.dedupe.models import DuplicatePair

Found = tuple[int, int, float, list[str]]


def pairs_scan_begin(*, record_type: str) -> datetime.datetime:
    """The moment a scan starts: the open pairs it does not find again are dropped at its
    end."""
    return timezone.now()


def pairs_record(*, record_type: str, found: list[Found]) -> None:
    """Store the pairs a scan found: new ones open, known ones re-scored; a dismissed or merged
    pair keeps its decision."""
    if not found:
        return
    now = timezone.now()
    with transaction.atomic():
        ids_a = {a for a, _b, _s, _r in found}
        known = {
            (p.record_a_id, p.record_b_id): p
            for p in DuplicatePair.objects.select_for_update().filter(
                record_type=record_type, record_a_id__in=ids_a
            )
        }
        new, changed = [], []
        for a, b, score, reasons in found:
            pair = known.get((a, b))
            if pair is None:
                new.append(
                    DuplicatePair(
                        record_type=record_type,
                        record_a_id=a,
                        record_b_id=b,
                        score=score,
                        reasons=reasons,
                        created_at=now,
                        updated_at=now,
                    )
                )
            else:
                pair.score, pair.reasons, pair.updated_at = score, reasons, now
                changed.append(pair)
        DuplicatePair.objects.bulk_create(new, batch_size=1000)
        DuplicatePair.objects.bulk_update(
            changed, ["score", "reasons", "updated_at"], batch_size=1000
        )


def pairs_scan_finish(*, record_type: str, started: datetime.datetime) -> int:
    """Drop the open pairs the finished scan did not find again (records changed or gone).

    A scan rewrites up to hundreds of thousands of rows at once; on PostgreSQL the table's
    statistics are refreshed at its end, so that the queue's first page is read from its
    index at once rather than planned for the few rows the table held before."""
    deleted, _ = DuplicatePair.objects.filter(
        record_type=record_type, status=DuplicatePair.Status.OPEN, updated_at__lt=started
    ).delete()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {DuplicatePair._meta.db_table}")
    return deleted


def pair_dismiss(*, actor: object, pair_id: int) -> DuplicatePair:
    """Mark a pair "not a duplicate": later scans leave it dismissed."""
    policy.ensure_can_review_duplicates(actor)
    with transaction.atomic():
        pair = DuplicatePair.objects.select_for_update().filter(pk=pair_id).first()
        if pair is None:
            raise NotFound()
        if pair.status == DuplicatePair.Status.DISMISSED:
            return pair
        pair.status = DuplicatePair.Status.DISMISSED
        pair.decided_by = actor if getattr(actor, "pk", None) else None  # type: ignore[assignment]
        pair.decided_at = timezone.now()
        pair.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
        audit_record(
            actor=actor,
            action="dismiss_duplicate",
            record_type=pair.record_type,
            record_id=pair.record_a_id,
            changes={"duplicate_of": pair.record_b_id, "status": pair.status},
            summary=f"{pair.record_a_id} / {pair.record_b_id}",
            event="duplicate.dismissed",
        )
    return pair


def pairs_mark_merged(*, actor: object, record_type: str, ids: list[int]) -> list[list[Any]]:
    """Mark "merged" the pairs between any two of ``ids`` (a merge's records), in the caller's
    transaction. Answers each changed pair's id and what it held before (status, decided by,
    decided at), for ``pairs_put_back`` when the merge is undone."""
    pairs = list(
        DuplicatePair.objects.select_for_update()
        .filter(record_type=record_type, record_a_id__in=ids, record_b_id__in=ids)
        .exclude(status=DuplicatePair.Status.MERGED)
        .order_by("pk")
    )
    before = [
        [
            p.pk,
            p.status,
            p.decided_by_id,
            p.decided_at.isoformat() if p.decided_at else None,
            p.updated_at.isoformat(),
        ]
        for p in pairs
    ]
    DuplicatePair.objects.filter(pk__in=[p.pk for p in pairs]).update(
        status=DuplicatePair.Status.MERGED,
        decided_by=actor if getattr(actor, "pk", None) else None,
        decided_at=timezone.now(),
        updated_at=timezone.now(),
    )
    return before


def pairs_put_back(*, before: list[list[Any]]) -> None:
    """Give the pairs ``pairs_mark_merged`` changed their decision back (a merge undone)."""
    for pk, status, decided_by_id, decided_at, updated_at in before:
        DuplicatePair.objects.filter(pk=pk).update(
            status=status,
            decided_by_id=decided_by_id,
            decided_at=datetime.datetime.fromisoformat(str(decided_at)) if decided_at else None,
            updated_at=datetime.datetime.fromisoformat(str(updated_at)),
        )
