"""What the shell (sambandh/web) asks of the recycle bin: the record a user was editing when
someone deleted it, and where a POST restores a record just deleted."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from sambandh.accounts import policy
from sambandh.core import formats, registry
from sambandh.recyclebin import selectors, snapshot
from sambandh.recyclebin.models import BinEntry
from sambandh.web import records as web_records


class _Bin:
    def deleted(self, viewer: Any, record_type: str, record_id: int) -> web_records.Deleted | None:
        rt = registry.find(record_type)
        entry = (
            BinEntry.objects.filter(
                record_type=record_type,
                record_id=record_id,
                purged_at__isnull=True,
                restored_at__isnull=True,
            )
            .select_related("deleted_by")
            .order_by("-deleted_at", "-id")
            .first()
        )
        if rt is None or entry is None or not entry.snapshot:
            return None
        may_restore = selectors.entries_visible(viewer).filter(pk=entry.pk).exists()
        if not may_restore and not policy.could_edit_gone(
            viewer, record_type, record_id, entry.owner_id
        ):
            return None
        record = snapshot.main_object(entry.snapshot, rt.model_label)
        if record is None:
            return None
        who = str(entry.deleted_by) if entry.deleted_by is not None else _("someone")
        when = formats.datetime(entry.deleted_at)
        message = _(
            "This %(type)s was deleted by %(who)s at %(when)s while you were editing it; it is "
            "in the recycle bin. Nothing was saved."
        ) % {"type": rt.label, "who": who, "when": when}
        if not may_restore:
            message += " " + _("Its owner or an administrator can restore it.")
        return web_records.Deleted(
            record=record,
            message=message,
            restore_url=reverse("recyclebin:restore", args=[entry.pk]) if may_restore else "",
        )

    def restore_url(self, viewer: Any, record_type: str, record_id: int) -> str | None:
        entry = selectors.latest_for_record(
            viewer=viewer, record_type=record_type, record_id=record_id
        )
        return reverse("recyclebin:restore", args=[entry.pk]) if entry is not None else None


def install() -> None:
    web_records.set_recycle_bin(_Bin())
