"""Merging people (or organizations) into one, and undoing it. docs/merge.md.

``person_merge`` / ``organization_merge``, in one transaction: the kept record takes its field
values by the rule of merge_fields.py; every link of the merged records moves to it
(merge_links.py: foreign keys found from the models, declared ``(record_type, record_id)``
tables), contact points and tags united without repeats; the merged records go to the recycle
bin (their emails then match nothing); the duplicate pairs between them are marked merged; a
"merge" audit row and event on each record; a ``Merge`` row keeps what ``merge_undo`` needs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from sambandh.accounts import policy
from sambandh.contacts.models import Merge, Organization, Person
from sambandh.contacts.services import merge_fields, merge_links
from sambandh.contacts.services.organizations import organization_reindex
from sambandh.contacts.services.people import person_reindex
from sambandh.core import registry
from sambandh.core.audit import audit_record
from sambandh.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from sambandh.core.records import bump_version
from sambandh.dedupe.services import pairs_mark_merged
from sambandh.recyclebin.services import bin_record
from sambandh.search.services import search_document_delete

#: A merge takes the kept record and at most this many records in all.
MAX_RECORDS = 10
MODELS: dict[str, Any] = {"person": Person, "organization": Organization}


def record_name(record: Any) -> str:
    return str(record)


def reindex(record_type: str, record: Any) -> None:
    (person_reindex if record_type == "person" else organization_reindex)(record)


def serialise(record: Any) -> dict[str, Any]:
    """The record's row as the recycle bin keeps rows (JSON, times to the microsecond)."""
    return merge_links.serialise_rows([record])[0]


def check_ids(record_type: str, keep_id: Any, merge_ids: Sequence[Any]) -> list[int]:
    """The merged ids, checked: whole numbers, none twice, not the kept one, 1 to 9 of them."""
    ids = list(merge_ids or [])
    if not ids:
        raise ValidationFailed(fields={"merge_ids": _("Name at least one record to merge.")})
    if any(not isinstance(i, int) or isinstance(i, bool) or i < 1 for i in ids):
        raise ValidationFailed(fields={"merge_ids": _("Record ids are whole numbers.")})
    if keep_id in ids:
        raise ValidationFailed(
            fields={"merge_ids": _("The record you keep cannot also be merged into itself.")}
        )
    if len(set(ids)) != len(ids):
        raise ValidationFailed(fields={"merge_ids": _("A record is named twice.")})
    if len(ids) + 1 > MAX_RECORDS:
        raise ValidationFailed(
            fields={
                "merge_ids": _("A merge takes at most %(n)s records in all.") % {"n": MAX_RECORDS}
            }
        )
    return ids


def _locked(actor: Any, record_type: str, ids: list[int]) -> dict[int, Any]:
    """The records, locked, once the actor may see every one (else 404) and change every one
    (else 403)."""
    model = MODELS[record_type]
    rows = {r.pk: r for r in model.objects.select_for_update().filter(pk__in=ids).order_by("pk")}
    rt = registry.get(record_type)
    seen = policy.visible_among(actor, record_type, rows.values())
    missing = [i for i in ids if i not in seen]
    if missing:
        raise NotFound(
            _("No such %(type)s: %(ids)s.")
            % {"type": rt.label, "ids": ", ".join(str(i) for i in missing)}
        )
    editable = policy.editable_among(actor, record_type, rows.values())
    if any(i not in editable for i in ids):
        raise Forbidden(
            _("You may merge only records you can change; the merged ones are deleted.")
        )
    return rows


def _check_versions(rows: Mapping[int, Any], versions: Mapping[int, int] | None) -> None:
    for pk, version in (versions or {}).items():
        record = rows.get(int(pk))
        if record is not None and version is not None and record.version != version:
            raise Conflict()


@transaction.atomic
def record_merge(
    *,
    actor: Any,
    record_type: str,
    keep: Any,
    merge: Sequence[Any],
    fields: Mapping[str, Any] | None = None,
    versions: Mapping[int, int] | None = None,
) -> Merge:
    """Merge the records ``merge`` into ``keep`` (see the module). ``fields``: {field name:
    record id} for the fields that take another record's value; ``versions``: {record id:
    version read}, a record changed since is refused (409)."""
    policy.ensure_can_write(actor)
    keep_id = getattr(keep, "pk", keep)
    ids = check_ids(record_type, keep_id, [getattr(m, "pk", m) for m in merge])
    for record in merge:
        if isinstance(record, Person | Organization) and record.record_type != record_type:
            raise ValidationFailed(_("Only records of one type can be merged."))
    chosen = merge_fields.clean_choices(
        actor=actor, record_type=record_type, fields=fields or {}, ids=[keep_id, *ids]
    )
    rows = _locked(actor, record_type, [keep_id, *ids])
    _check_versions(rows, versions)
    kept, others = rows[keep_id], [rows[i] for i in ids]
    before = serialise(kept)
    values, custom, source = merge_fields.merged_values(
        actor=actor, record_type=record_type, kept=kept, others=others, chosen=chosen
    )
    linking = [found for pk in ids for found in registry.records_linking_to(record_type, pk)]
    log = merge_links.LinkLog()
    model = MODELS[record_type]
    merge_links.move_foreign_keys(log, model, keep_id, ids)
    merge_links.move_references(log, record_type, keep_id, ids)
    kept = model.objects.get(pk=keep_id)  # links moved: re-read (a parent cleared)
    changes = _apply(kept, values, custom)
    _refresh_cards(record_type, kept)
    bump_version(kept)
    kept.save()
    entries = {}
    for other in others:
        name, pk = record_name(other), other.pk
        entry = bin_record(
            actor=actor, record_type=record_type, record=other, summary=f"{name} → #{keep_id}"
        )
        other.delete()
        entries[str(pk)] = entry.pk
        search_document_delete(record_type=record_type, record_id=pk)
        audit_record(
            actor=actor,
            action="merge",
            record_type=record_type,
            record_id=pk,
            changes={"merged_into": [None, keep_id]},
            summary=name,
            event_data={"merged_into": keep_id},
        )
    pairs = pairs_mark_merged(actor=actor, record_type=record_type, ids=[keep_id, *ids])
    done = Merge.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        record_type=record_type,
        kept_id=keep_id,
        merged_ids=ids,
        fields={k: v for k, v in source.items()},
        kept_before=before,
        kept_version=kept.version,
        moved=log.moved,
        changed=log.changed,
        removed=log.removed,
        left=log.left,
        bin_entries=entries,
        pairs=pairs,
    )
    audit_record(
        actor=actor,
        action="merge",
        record_type=record_type,
        record_id=keep_id,
        changes={
            **changes,
            "merged": [None, ids],
            "fields": [None, {k: v for k, v in chosen.items()}],
        },
        summary=record_name(kept),
        event_data={"merge_id": done.pk, "merged_ids": ids},
    )
    reindex(record_type, kept)
    registry.reindex_all(linking)
    return done


def _apply(kept: Any, values: Mapping[str, Any], custom: dict[str, Any]) -> dict[str, Any]:
    """Set the chosen values on the kept record; answers {attribute: [before, after]} of what
    changed."""
    changes: dict[str, Any] = {}
    for attr, value in {**values, "custom": custom}.items():
        old = getattr(kept, attr)
        if old != value:
            changes[attr.removesuffix("_id")] = [old, value]
            setattr(kept, attr, value)
    return changes


def _refresh_cards(record_type: str, kept: Any) -> None:
    """A person's copies of their contact points and tag names, from the rows now theirs."""
    if record_type != "person":
        return
    from sambandh.contacts.cards import card_with, tag_names_of

    emails = list(kept.emails.all())
    phones = list(kept.phones.all())
    kept.contact_card = card_with(
        None, emails=emails, phones=phones, addresses=list(kept.addresses.all())
    )
    kept.tag_names = tag_names_of(kept.tags.all())
    kept.email = next((e.email for e in emails if e.is_primary), "")
    kept.phone = next((p.e164 for p in phones if p.is_primary), "")


def person_merge(
    *,
    actor: Any,
    keep: Person | int,
    merge: Sequence[Person | int],
    fields: Mapping[str, Any] | None = None,
    versions: Mapping[int, int] | None = None,
) -> Merge:
    return record_merge(
        actor=actor, record_type="person", keep=keep, merge=merge, fields=fields, versions=versions
    )


def organization_merge(
    *,
    actor: Any,
    keep: Organization | int,
    merge: Sequence[Organization | int],
    fields: Mapping[str, Any] | None = None,
    versions: Mapping[int, int] | None = None,
) -> Merge:
    return record_merge(
        actor=actor,
        record_type="organization",
        keep=keep,
        merge=merge,
        fields=fields,
        versions=versions,
    )
