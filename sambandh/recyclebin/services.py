"""Writes of the recycle bin: put a record in it (called by every record's delete service, in
its transaction, before the row is deleted), restore it, and purge what is older than
``RECYCLE_BIN_DAYS``."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sambandh.accounts import policy
from sambandh.core import formats, registry
from sambandh.core.audit import audit_record
from sambandh.core.errors import Conflict, NotFound, ServiceError
from sambandh.events.log import record_event
from sambandh.recyclebin import snapshot
from sambandh.recyclebin.models import BinEntry
from sambandh.recyclebin.selectors import entry_for_restore, keep_days


class Purged(ServiceError):
    """A restore of an entry the scheduled job has already purged."""

    status = 410
    code = "purged"


class AlreadyRestored(Conflict):
    code = "already_restored"


def bin_record(
    *, actor: Any, record_type: str, record: models.Model, summary: str = ""
) -> BinEntry:
    """Put ``record`` in the recycle bin with everything its deletion will take (cascaded
    rows, link rows) and the links it will clear; the caller deletes it next, in the same
    transaction."""
    taken, counts = snapshot.take(record)
    return BinEntry.objects.create(
        record_type=record_type,
        record_id=record.pk,
        summary=(summary or str(record))[:300],
        owner_id=getattr(record, "owner_id", None),
        deleted_by=actor if getattr(actor, "pk", None) else None,
        snapshot=taken,
        counts=counts,
    )


@dataclass
class Restored:
    entry: BinEntry
    record_type: str
    record_id: int
    url: str
    summary: str
    dropped: list[snapshot.Dropped] = field(default_factory=list)


def _date(value: datetime.datetime) -> str:
    return formats.date(value)


def _reindex(restored: dict[str, list[Any]]) -> None:
    """Rebuild the search documents of every restored (or re-linked) registry record."""
    for label, pks in restored.items():
        rt = next((t for t in registry.record_types() if t.model_label.lower() == label), None)
        if rt is None or rt.reindex is None or not pks:
            continue
        for record in rt.model._default_manager.filter(pk__in=pks).order_by("pk"):
            rt.reindex(record)


@transaction.atomic
def bin_restore(*, actor: Any, entry_id: int) -> Restored:
    """Put the entry's record back as it was, with every row and link its deletion took: all
    of it, or (on a conflict with what exists now) nothing; in one transaction, with the
    entry's row locked. A link to a record deleted since is
    left out and reported. Someone who may not restore the entry gets 404."""
    policy.ensure_can_write(actor)
    entry = entry_for_restore(viewer=actor, entry_id=entry_id)
    if entry is None:
        raise NotFound()
    # One restore at a time per entry: a second waits here, then finds it restored.
    entry = BinEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.purged_at is not None:
        raise Purged(
            _(
                "“%(name)s” was purged from the recycle bin on %(date)s: it can no longer be "
                "restored."
            )
            % {"name": entry.summary, "date": _date(entry.purged_at)}
        )
    if entry.restored_at is not None:
        raise AlreadyRestored(
            _("“%(name)s” was already restored on %(date)s.")
            % {"name": entry.summary, "date": _date(entry.restored_at)}
        )
    rt = registry.get(entry.record_type)
    if rt.model._default_manager.filter(pk=entry.record_id).exists():
        raise Conflict(
            _("“%(name)s” exists again: nothing was restored.") % {"name": entry.summary}
        )
    try:
        with transaction.atomic():
            result = snapshot.put_back(entry.snapshot or {})
    except IntegrityError:
        raise Conflict(
            _(
                "“%(name)s” could not be restored: it conflicts with records created since it "
                "was deleted. Nothing was restored."
            )
            % {"name": entry.summary}
        ) from None
    main = rt.model._meta.label_lower
    if entry.record_id not in result.restored.get(main, []):
        raise Conflict(
            _("“%(name)s” could not be restored: what it belonged to no longer exists.")
            % {"name": entry.summary}
        )
    _reindex({**result.restored, **_merge(result.relinked, result.restored)})
    registry.reindex_all(registry.records_linking_to(entry.record_type, entry.record_id))
    BinEntry.objects.filter(pk=entry.pk).update(
        restored_at=timezone.now(), restored_by=actor, snapshot=None
    )
    entry.refresh_from_db()
    audit_record(
        actor=actor,
        action="restore",
        record_type=entry.record_type,
        record_id=entry.record_id,
        summary=entry.summary,
        event=f"{entry.record_type}.restored",
        event_data={"bin_entry_id": entry.pk, "dropped_links": len(result.dropped)},
    )
    return Restored(
        entry=entry,
        record_type=entry.record_type,
        record_id=entry.record_id,
        url=rt.url(entry.record_id),
        summary=entry.summary,
        dropped=result.dropped,
    )


def _merge(a: dict[str, list[Any]], b: dict[str, list[Any]]) -> dict[str, list[Any]]:
    """``a``'s pks that are not already in ``b``, by label."""
    return {k: [pk for pk in v if pk not in set(b.get(k, []))] for k, v in a.items()}


def bins_purge(*, now: datetime.datetime | None = None) -> int:
    """Purge every entry deleted more than ``RECYCLE_BIN_DAYS`` ago: its snapshot is dropped
    and ``<type>.purged`` recorded (apps that keep files for a record delete them on it).
    Answers how many were purged."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=keep_days())
    purged = 0
    due = BinEntry.objects.filter(
        deleted_at__lt=cutoff, purged_at__isnull=True, restored_at__isnull=True
    ).order_by("pk")
    for entry_id in list(due.values_list("pk", flat=True)):
        with transaction.atomic():
            entry = BinEntry.objects.select_for_update().filter(pk=entry_id).first()
            if entry is None or not entry.in_bin:
                continue
            rows = (entry.snapshot or {}).get("rows", [])
            entry.snapshot, entry.purged_at = None, now
            entry.save(update_fields=["snapshot", "purged_at"])
            record_event(
                type=f"{entry.record_type}.purged",
                record_type=entry.record_type,
                record_id=entry.record_id,
                data={
                    "bin_entry_id": entry.pk,
                    # What went with it, so that an app can remove what it keeps for them.
                    "rows": [[r["model"], r["pk"]] for r in rows],
                },
            )
            purged += 1
    return purged
