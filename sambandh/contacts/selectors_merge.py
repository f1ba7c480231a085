"""Reads for merges: one merge as the viewer may see it, and what a merge would move."""

from __future__ import annotations

from typing import Any

from sambandh.accounts import policy
from sambandh.contacts.models import Merge, Organization, Person
from sambandh.contacts.services.merge_links import moved_counts
from sambandh.core.registry import CUSTOM_PREFIX

MODELS: dict[str, Any] = {"person": Person, "organization": Organization}


def merge_get(*, viewer: Any, merge_id: int) -> Merge | None:
    """The merge when ``viewer`` made it, is an administrator, or may see the kept record."""
    merge = Merge.objects.select_related("actor", "undone_by").filter(pk=merge_id).first()
    if merge is None:
        return None
    if getattr(viewer, "is_admin", False) or merge.actor_id == viewer.pk:
        return merge
    kept = MODELS[merge.record_type].objects.filter(pk=merge.kept_id).first()
    if kept is not None and policy.can_see(viewer, merge.record_type, kept):
        return merge
    return None


def merge_fields_shown(*, viewer: Any, merge: Merge) -> dict[str, int]:
    """The merge's field sources without the fields hidden from ``viewer``."""
    access = policy.field_access(viewer, merge.record_type)
    return {k: v for k, v in (merge.fields or {}).items() if access.shows(k)}


def latest_merge(*, viewer: Any, record_type: str, record_id: int) -> Merge | None:
    """The newest merge into the record that is not undone, for its page's Undo button."""
    merge = (
        Merge.objects.filter(record_type=record_type, kept_id=record_id, undone_at__isnull=True)
        .order_by("-created_at", "-id")
        .first()
    )
    return merge


def merge_preview(*, record_type: str, ids: list[int]) -> list[tuple[str, int]]:
    """What merging the records ``ids`` into another would move, by kind, with counts."""
    return moved_counts(MODELS[record_type], record_type, ids)


def custom_key(name: str) -> str:
    return name[len(CUSTOM_PREFIX) :] if name.startswith(CUSTOM_PREFIX) else ""
