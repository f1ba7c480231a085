"""Record a domain event in the caller's transaction, with a run for each subscribed handler;
after commit, put those runs on the task queue."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from sambandh.core.copy_insert import insert_rows
from sambandh.events.handlers import handlers_for
from sambandh.events.models import Event, HandlerRun

# The audit action's past tense: the event type is "<record type>.<past>".
PAST = {
    "create": "created",
    "update": "updated",
    "delete": "deleted",
    "share": "shared",
    "unshare": "unshared",
    "permission": "permissions_changed",
    "permission_change": "permissions_changed",
    "token": "token_changed",
    "merge": "merged",
    "unmerge": "unmerged",
}


def event_type_for(record_type: str, action: str) -> str:
    return f"{record_type or 'system'}.{PAST.get(action, action)}"


def record_event(
    *,
    type: str,
    record_type: str = "",
    record_id: int | None = None,
    actor: Any = None,
    fields: Iterable[str] = (),
    data: dict[str, Any] | None = None,
) -> Event | None:
    """Write the event (one INSERT) and, when handlers listen to it, their runs (one more), in
    the current transaction; enqueue the runs once it commits. ``EVENTS_ENABLED=False`` turns
    the log off (for measuring what it costs)."""
    if not settings.EVENTS_ENABLED:
        return None
    changed = sorted(fields)
    event = Event.objects.create(
        type=type,
        record_type=record_type,
        record_id=record_id,
        actor_id=getattr(actor, "pk", None),
        fields=changed,
        data=data or {},
    )
    listening = handlers_for(type, changed)
    if listening:
        runs = HandlerRun.objects.bulk_create(
            [HandlerRun(event=event, handler=h.name, run_after=event.at) for h in listening]
        )
        ids = [run.pk for run in runs]
        transaction.on_commit(lambda: _enqueue_after_commit(ids))
    return event


def record_events(
    *,
    type: str,
    record_type: str,
    actor: Any = None,
    items: Iterable[tuple[int, Iterable[str]]] = (),
    data: dict[str, Any] | None = None,
) -> list[int]:
    """``record_event`` for many records at once (a bulk write): one statement for the events
    and one for their handlers' runs, whatever their number (COPY on PostgreSQL). ``items``:
    each record's id and the fields its write changed. Answers the events' ids."""
    if not settings.EVENTS_ENABLED:
        return []
    actor_id = getattr(actor, "pk", None)
    # Rows of values, not objects (core/copy_insert.py, insert_rows): each event's time is
    # taken as its object's default would take it, and its runs start then.
    rows = []
    for record_id, fields in items:
        rows.append(
            (type, record_type, record_id, actor_id, sorted(fields), data or {}, timezone.now())
        )
    if not rows:
        return []
    ids = insert_rows(
        Event,
        ("type", "record_type", "record_id", "actor_id", "fields", "data", "at"),
        rows,
        ids=True,
    )
    listening: dict[tuple[str, ...], list[Any]] = {}
    runs = []
    for event_id, row in zip(ids, rows, strict=True):
        changed = tuple(row[4])
        if changed not in listening:
            listening[changed] = handlers_for(type, changed)
        runs += [(event_id, h.name, row[6]) for h in listening[changed]]
    if runs:
        run_ids = insert_rows(HandlerRun, ("event_id", "handler", "run_after"), runs, ids=True)
        transaction.on_commit(lambda: _enqueue_after_commit(run_ids))
    return ids


def _enqueue_after_commit(run_ids: list[int]) -> None:
    from sambandh.events.runs import enqueue_runs

    # A failure to enqueue (the database gone right after the commit) loses nothing: the runs
    # are rows, and the worker's sweep enqueues runs that were never picked up.
    try:
        enqueue_runs(run_ids)
    except Exception:  # noqa: BLE001 - the write has committed; the sweep will catch up
        import logging

        logging.getLogger("sambandh.events").exception("enqueue of handler runs failed")
