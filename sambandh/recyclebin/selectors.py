"""Reads of the recycle bin. Who sees an entry: an administrator sees every entry; anyone else
the entries of records they owned and those they deleted themselves (a manager who deleted a
rep's record can put it back). Nobody else learns that an entry exists (404)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from sambandh.core import registry
from sambandh.core.errors import ValidationFailed
from sambandh.core.pagination import Page, paginate
from sambandh.recyclebin.models import BinEntry


def _scope(viewer: Any) -> Q:
    if getattr(viewer, "is_admin", False):
        return Q()
    return Q(owner_id=viewer.pk) | Q(deleted_by_id=viewer.pk)


def entries_visible(viewer: Any) -> QuerySet[BinEntry]:
    """Every entry ``viewer`` may see (in the bin, restored or purged)."""
    return BinEntry.objects.filter(_scope(viewer))


def entry_for_restore(*, viewer: Any, entry_id: int) -> BinEntry | None:
    """The entry, locked for this transaction, when ``viewer`` may restore it."""
    return entries_visible(viewer).select_for_update().filter(pk=entry_id).first()


def entry_get(*, viewer: Any, entry_id: int) -> BinEntry | None:
    return entries_visible(viewer).select_related("deleted_by", "owner").filter(pk=entry_id).first()


def keep_days() -> int:
    return int(getattr(settings, "RECYCLE_BIN_DAYS", 30))


def entry_page(
    *, viewer: Any, record_type: str = "", limit: int = 50, cursor: str | None = None
) -> Page[BinEntry]:
    """The entries still in the bin that ``viewer`` may restore, newest first."""
    qs = entries_visible(viewer).filter(purged_at__isnull=True, restored_at__isnull=True)
    if record_type:
        registry.get(record_type, field="type")
        qs = qs.filter(record_type=record_type)
    qs = qs.select_related("deleted_by", "owner").defer("snapshot")
    return paginate(qs, order=["-deleted_at", "-id"], limit=limit, cursor=cursor)


def latest_for_record(*, viewer: Any, record_type: str, record_id: int) -> BinEntry | None:
    """The newest entry of that record still in the bin, when ``viewer`` may see it."""
    return (
        entries_visible(viewer)
        .filter(
            record_type=record_type,
            record_id=record_id,
            purged_at__isnull=True,
            restored_at__isnull=True,
        )
        .select_related("deleted_by")
        .defer("snapshot")
        .order_by("-deleted_at", "-id")
        .first()
    )


# --- how an entry is shown --------------------------------------------------------------------
def type_label(record_type: str) -> str:
    rt = registry.find(record_type)
    return str(rt.label) if rt is not None else record_type


def _kind_label(key: str, count: int, main: Any = None) -> str:
    if key == "links":
        return ngettext("link from another record", "links from other records", count)
    try:
        model = apps.get_model(key)
    except (LookupError, ValueError):
        return key
    if model._meta.auto_created:
        # A many-to-many link row ("Person_tags"): named by what it links to.
        ends = [f.related_model for f in model._meta.concrete_fields if f.is_relation]
        target = next((m for m in ends if m is not main), ends[-1] if ends else None)
        if target is None:
            return key
        name = target._meta.verbose_name if count == 1 else target._meta.verbose_name_plural
        return _("linked %(name)s") % {"name": name}
    meta = model._meta
    return str(meta.verbose_name if count == 1 else meta.verbose_name_plural)


@dataclass(frozen=True)
class LinkedCount:
    key: str
    label: str
    count: int


def linked_counts(entry: BinEntry) -> list[LinkedCount]:
    rt = registry.find(entry.record_type)
    main = rt.model if rt is not None else None
    return [
        LinkedCount(key=k, label=_kind_label(k, v, main), count=v)
        for k, v in sorted((entry.counts or {}).items())
        if v
    ]


def days_left(entry: BinEntry, now: datetime.datetime | None = None) -> int:
    """Whole days until the purge job may take it (0: any night now)."""
    now = now or timezone.now()
    until = entry.deleted_at + datetime.timedelta(days=keep_days())
    return max(0, (until - now).days)


def purge_date(entry: BinEntry) -> datetime.datetime:
    return entry.deleted_at + datetime.timedelta(days=keep_days())


def parse_type(value: str | None) -> str:
    """A ``type`` filter: a declared record type key, or empty for all (422 otherwise)."""
    value = (value or "").strip()
    if value and registry.find(value) is None:
        raise ValidationFailed(fields={"type": _("Not a record type.")})
    return value
