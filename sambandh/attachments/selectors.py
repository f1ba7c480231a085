"""Reads of attachments. A file is seen by whoever may see the record it is on (the record's
type's own selector, from the registry: never a rule of this app's), and by nobody else: to
them it does not exist (404)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from sambandh.accounts import policy
from sambandh.attachments.models import Attachment
from sambandh.core import registry
from sambandh.core.errors import NotFound
from sambandh.core.pagination import Page, paginate

ORDER = ["-created_at", "-id"]


def record_type_or_404(key: str) -> registry.RecordType:
    """The declared record type ``key`` that has a selector of what a viewer may see."""
    rt = registry.find(key)
    if rt is None or rt.visible is None:
        raise NotFound()
    return rt


def record_get(*, viewer: Any, record_type: str, record_id: int) -> Any:
    """The record, read through its type's selector: a 404 when the viewer may not see it."""
    rt = record_type_or_404(record_type)
    assert rt.visible is not None
    record = rt.visible(viewer).filter(pk=record_id).first()
    if record is None:
        raise NotFound(_("No such record."))
    return record


def can_delete(viewer: Any, attachment: Attachment, record: Any) -> bool:
    """Who may remove a file: its uploader, the record's owner (an activity's author) or an
    administrator, and never a role that only reads."""
    if not getattr(viewer, "can_write", False):
        return False
    if getattr(viewer, "is_admin", False):
        return True
    return viewer.pk in (attachment.uploaded_by_id, getattr(record, "owner_id", None))


def can_attach(viewer: Any, record_type: str, record: Any) -> bool:
    """Whether the viewer may add a file to ``record`` (which they may see). Attaching a file
    adds to the record's history, as a note does: on a record with a timeline, whoever sees it
    and whose role writes. A record without one (an activity) takes a file only from whoever
    may change it (its type's rule, else the access policy's for owned records)."""
    if not getattr(viewer, "can_write", False):
        return False
    rt = record_type_or_404(record_type)
    if rt.activity_link:
        return True
    if rt.editable_among is not None:
        return record.pk in rt.editable_among(viewer, [record])
    return record.pk in policy.editable_among(viewer, rt.key, [record])


def with_permissions(viewer: Any, attachments: Iterable[Attachment], record: Any) -> None:
    for a in attachments:
        a.record = record  # type: ignore[attr-defined]
        a.can_delete = can_delete(viewer, a, record)  # type: ignore[attr-defined]


def _of(record_type: str, record_id: int) -> QuerySet[Attachment]:
    return Attachment.objects.filter(record_type=record_type, record_id=record_id)


def attachment_list(
    *, viewer: Any, record_type: str, record_id: int, limit: int = 50, cursor: str | None = None
) -> Page[Attachment]:
    """One page of the files on a record, newest first (404 when the viewer may not see it)."""
    record = record_get(viewer=viewer, record_type=record_type, record_id=record_id)
    page = paginate(
        _of(record_type, record.pk).select_related("uploaded_by"),
        order=ORDER,
        limit=limit,
        cursor=cursor,
    )
    with_permissions(viewer, page.items, record)
    return page


def attachments_shown(
    *, viewer: Any, record_type: str, record: Any, limit: int
) -> list[Attachment]:
    """The newest files on ``record``, which the caller has read through its selector (a
    record page): one query."""
    found = list(_of(record_type, record.pk).select_related("uploaded_by").order_by(*ORDER)[:limit])
    with_permissions(viewer, found, record)
    return found


def attachment_get(*, viewer: Any, attachment_id: int) -> Attachment:
    """The attachment, with ``record`` (the record it is on) and ``can_delete`` set: a 404
    when it does not exist or the viewer may not see its record."""
    attachment = Attachment.objects.select_related("uploaded_by").filter(pk=attachment_id).first()
    if attachment is None or registry.find(attachment.record_type) is None:
        raise NotFound(_("No such attachment."))
    try:
        record = record_get(
            viewer=viewer, record_type=attachment.record_type, record_id=attachment.record_id
        )
    except NotFound:
        raise NotFound(_("No such attachment.")) from None
    with_permissions(viewer, [attachment], record)
    return attachment


# --- the timeline (sambandh/activities/selectors.py) -----------------------------------------
def timeline_files(
    *,
    record_type: str,
    record_id: int,
    activity_ids: Iterable[int],
    limit: int,
    before: datetime | None = None,
    q: str = "",
    own: bool = True,
) -> tuple[list[Attachment], dict[int, list[Attachment]]]:
    """For a page of a record's timeline (the caller checked the viewer may see the record),
    in one query: the files on the record, newest first (at most ``limit``, added before
    ``before``, named with ``q``; none unless ``own``), and the files on each of the page's
    activities, oldest first."""
    ids = sorted(set(activity_ids))
    wanted = Q(pk__in=[])
    if own:
        mine = _of(record_type, record_id)
        if before is not None:
            mine = mine.filter(created_at__lt=before)
        if q:
            mine = mine.filter(filename__icontains=q)
        wanted |= Q(pk__in=mine.order_by(*ORDER).values("pk")[:limit])
    if ids:
        wanted |= Q(record_type="activity", record_id__in=ids)
    if not own and not ids:
        return [], {}
    rows = list(
        Attachment.objects.filter(wanted).select_related("uploaded_by").order_by("created_at", "id")
    )
    files = [a for a in reversed(rows) if (a.record_type, a.record_id) == (record_type, record_id)]
    on_activities: dict[int, list[Attachment]] = {}
    for a in rows:
        if a.record_type == "activity" and a.record_id in ids:
            on_activities.setdefault(a.record_id, []).append(a)
    return files, on_activities
