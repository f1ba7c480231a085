"""What contacts does after commit, in the worker, when events arrive."""

from __future__ import annotations

from sambandh.core import registry
from sambandh.events.handlers import subscribe
from sambandh.events.models import Event


@subscribe("organization.updated", name="contacts.organization_renamed", fields=["name"])
def organization_renamed(event: Event) -> None:
    """Rebuild the search documents of every record that shows the organization's name (its
    people, its deals: any type that declares a link), read now, so the new name is found."""
    if event.record_id is not None:
        registry.reindex_all(registry.records_linking_to("organization", event.record_id))
