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


@subscribe("tag.updated", name="contacts.tag_renamed", fields=["name"])
def tag_renamed(event: Event) -> None:
    """Rewrite the tag names kept on the cards of the renamed tag's people (the person record
    the API answers lists them), read now: a later rename is read as it stands."""
    from sambandh.contacts.cards import tag_names_refresh
    from sambandh.contacts.models import Tag

    if event.record_id is None:
        return
    tag = Tag.objects.filter(pk=event.record_id).first()
    if tag is not None:
        tag_names_refresh(tag.people.values_list("id", flat=True))
