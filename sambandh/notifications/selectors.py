"""Reads for notifications: a user's page of them, written for the reader, and the unread count."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from sambandh.core import registry
from sambandh.core.pagination import Page, paginate
from sambandh.notifications.models import Notification


@dataclass(frozen=True)
class Shown:
    """A notification as its reader sees it now: the text in their language, and a link (with
    the record's name) only while they may see the record."""

    id: int
    kind: str
    text: str
    url: str
    record_type: str
    record_id: int | None
    record_name: str
    actor_id: int | None
    actor_name: str
    created_at: datetime
    read: bool
    icon: str = "bell"


def unread_count(user: Any) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def notification_page(
    *, viewer: Any, unread: bool = False, limit: int = 50, cursor: str | None = None
) -> Page[Shown]:
    qs = Notification.objects.filter(user=viewer).select_related("actor")
    if unread:
        qs = qs.filter(read_at__isnull=True)
    page = paginate(qs, order=["-created_at", "-id"], limit=limit, cursor=cursor)
    return Page(items=shown(viewer, page.items), next_cursor=page.next_cursor)


def _visible_records(viewer: Any, items: list[Notification]) -> dict[tuple[str, int], Any]:
    """The records these notifications point at that ``viewer`` may see now (one query per
    record type, through the type's own visibility)."""
    wanted: dict[str, set[int]] = defaultdict(set)
    for n in items:
        if n.record_type and n.record_id is not None:
            wanted[n.record_type].add(n.record_id)
    found: dict[tuple[str, int], Any] = {}
    for key, ids in wanted.items():
        rt = registry.find(key)
        if rt is None or rt.visible is None:
            continue
        for record in rt.visible(viewer).filter(pk__in=ids):
            found[(key, record.pk)] = record
    return found


def _text(n: Notification, actor: str, name: str) -> str:
    values = {"actor": actor or _("Someone"), "record": name}
    if n.kind in (Notification.Kind.ASSIGNED, Notification.Kind.SHARED) and (
        n.record_id is None and n.count
    ):
        rt = registry.find(n.record_type)
        kind = str(rt.label_plural if rt is not None else _("records")).lower()
        counted = {**values, "count": n.count, "records": kind}
        if n.kind == Notification.Kind.SHARED:
            return _("%(actor)s shared %(count)s %(records)s with you") % counted
        return _("%(actor)s assigned %(count)s %(records)s to you") % counted
    if n.kind == Notification.Kind.ASSIGNED:
        return _("%(actor)s assigned %(record)s to you") % values
    if n.kind == Notification.Kind.SHARED:
        return _("%(actor)s shared %(record)s with you") % values
    if n.kind == Notification.Kind.MENTIONED:
        return _("%(actor)s mentioned you in %(record)s") % values
    if n.kind == Notification.Kind.TASK_DUE:
        return _("Task due: %(record)s") % values
    if n.kind == Notification.Kind.NO_NEXT_STEP:
        return _("%(count)s of your open deals have no next step") % {"count": n.count}
    return name


#: The icon of a kind that has its own; the others show their record type's.
_KIND_ICONS: dict[str, str] = {
    Notification.Kind.TASK_DUE.value: "task",
    Notification.Kind.MENTIONED.value: "note",
    Notification.Kind.NO_NEXT_STEP.value: "deal",
}


def shown(viewer: Any, items: list[Notification]) -> list[Shown]:
    records = _visible_records(viewer, items)
    result = []
    for n in items:
        record = records.get((n.record_type, n.record_id or 0))
        rt = registry.find(n.record_type) if n.record_type else None
        if record is not None and rt is not None:
            name, url = str(record), rt.url(record.pk)
        elif n.kind == Notification.Kind.NO_NEXT_STEP:
            name, url = "", reverse("sales:deal_list") + "?status=open"
        elif n.record_id is None and n.count and rt is not None:
            # A bulk assignment: the list of what the reader owns; a bulk share: the list.
            name = ""
            mine = f"?owner_id={viewer.pk}" if n.kind == Notification.Kind.ASSIGNED else ""
            url = reverse(rt.list_url) + mine if rt.list_url else ""
        else:
            name, url = _("a record you can no longer see"), ""
        actor = str(n.actor) if n.actor_id and n.actor else ""
        icon = (
            _KIND_ICONS.get(n.kind)
            or (rt.icon if rt is not None and record is not None else "")
            or "bell"
        )
        result.append(
            Shown(
                id=n.pk,
                kind=n.kind,
                text=_text(n, actor, name),
                url=url,
                record_type=n.record_type if record is not None else "",
                record_id=n.record_id if record is not None else None,
                record_name=name if record is not None else "",
                actor_id=n.actor_id,
                actor_name=actor,
                created_at=n.created_at,
                read=n.read_at is not None,
                icon=icon,
            )
        )
    return result
