"""Undoing a merge (contacts/services/merge.py): the merged records back from the recycle bin,
every link moved back, the kept record's values and contact points as they were, the rows the
merge removed put back, the duplicate pairs' decisions restored. Refused, with nothing changed,
when the merge was undone already or the kept record has changed since."""

from __future__ import annotations

from typing import Any

from django.core import serializers
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sambandh.accounts import policy
from sambandh.contacts.models import Merge
from sambandh.contacts.services.merge import MODELS, record_name, reindex
from sambandh.contacts.services.merge_links import links_put_back
from sambandh.core import formats, registry
from sambandh.core.audit import audit_record
from sambandh.core.errors import Conflict, Forbidden, NotFound
from sambandh.core.records import bump_version
from sambandh.dedupe.services import pairs_put_back
from sambandh.recyclebin.services import bin_restore


class AlreadyUndone(Conflict):
    code = "already_undone"


class ChangedSince(Conflict):
    code = "changed_since"


#: Fields of the kept record an undo does not put back: it is a new write.
_NOT_RESTORED = ("version", "updated_at")


@transaction.atomic
def merge_undo(*, actor: Any, merge: Merge | int) -> Merge:
    policy.ensure_can_write(actor)
    merge_id: int = merge.pk if isinstance(merge, Merge) else merge
    done = Merge.objects.select_for_update().filter(pk=merge_id).first()
    if done is None:
        raise NotFound(_("No such merge."))
    model = MODELS[done.record_type]
    kept = model.objects.select_for_update().filter(pk=done.kept_id).first()
    if kept is None or not policy.can_see(actor, done.record_type, kept):
        raise NotFound(_("No such merge."))
    if not policy.can_edit(actor, done.record_type, kept):
        raise Forbidden(_("You may undo a merge only on a record you can change."))
    if done.undone_at is not None:
        raise AlreadyUndone(
            _("This merge was already undone on %(date)s.") % {"date": formats.date(done.undone_at)}
        )
    if kept.version != done.kept_version:
        raise ChangedSince(
            _(
                "“%(name)s” has been changed since the merge: it cannot be undone without "
                "losing those changes."
            )
            % {"name": record_name(kept)}
        )
    if model.objects.filter(pk__in=done.merged_ids).exists():
        raise ChangedSince(
            _(
                "A merged record was restored from the recycle bin since: the merge cannot be "
                "undone."
            )
        )
    for entry_id in done.bin_entries.values():
        try:
            bin_restore(actor=actor, entry_id=entry_id)
        except NotFound:
            raise Forbidden(
                _(
                    "Only the person who merged, the merged records' owners or an administrator "
                    "can undo this merge."
                )
            ) from None
    links_put_back(done.moved, done.changed, done.removed)
    before = next(serializers.deserialize("python", [done.kept_before])).object
    kept = model.objects.get(pk=done.kept_id)
    for field in model._meta.concrete_fields:
        if not field.primary_key and field.name not in _NOT_RESTORED:
            setattr(kept, field.attname, getattr(before, field.attname))
    bump_version(kept)
    kept.save()
    pairs_put_back(before=done.pairs)
    done.undone_at, done.undone_by = timezone.now(), actor
    done.save(update_fields=["undone_at", "undone_by"])
    audit_record(
        actor=actor,
        action="unmerge",
        record_type=done.record_type,
        record_id=kept.pk,
        changes={"merged": [done.merged_ids, None]},
        summary=record_name(kept),
        event_data={"merge_id": done.pk},
    )
    restored = list(model.objects.filter(pk__in=done.merged_ids).order_by("pk"))
    for record in restored:
        audit_record(
            actor=actor,
            action="unmerge",
            record_type=done.record_type,
            record_id=record.pk,
            changes={"merged_into": [done.kept_id, None]},
            summary=record_name(record),
            event_data={"merge_id": done.pk},
        )
    for record in [kept, *restored]:
        reindex(done.record_type, record)
        registry.reindex_all(registry.records_linking_to(done.record_type, record.pk))
    return done
