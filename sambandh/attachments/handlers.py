"""When the recycle bin purges a record for good (``<type>.purged``), its files go too, and so
do those of the records that went to the bin with it (a person's activities): their ids travel
in the event's ``rows``. A record merely deleted keeps its files, hidden with it, for a restore."""

from __future__ import annotations

from typing import Any

from django.apps import apps

from sambandh.attachments.services import attachments_purge_for
from sambandh.core import registry
from sambandh.events.handlers import subscribe
from sambandh.events.models import Event


def _records(event: Event) -> list[tuple[str, int]]:
    found: list[tuple[str, int]] = []
    if event.record_type and event.record_id is not None:
        found.append((event.record_type, int(event.record_id)))
    rows: Any = (event.data or {}).get("rows", [])
    for row in rows if isinstance(rows, list) else []:
        try:
            label, pk = row
            rt = registry.by_model(apps.get_model(str(label)))
        except (LookupError, ValueError, TypeError):
            continue
        if rt is not None and (rt.key, int(pk)) not in found:
            found.append((rt.key, int(pk)))
    return found


def on_purged(event: Event) -> None:
    for record_type, record_id in _records(event):
        attachments_purge_for(record_type=record_type, record_id=record_id)


def subscribe_all() -> None:
    types = registry.record_types()
    subscribe(*(f"{rt.key}.purged" for rt in types), name="attachments.purged")(on_purged)
