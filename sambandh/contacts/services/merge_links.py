"""Moving every link of merged records to the kept one, and back (contacts/services/merge.py).

The links are found, not listed: every foreign key that points at the record's model (Django's
``_meta``, hidden ones included, so many-to-many link rows such as a person's tags and a deal's
people move too), and every table an app declared as naming records by ``(record_type,
record_id)`` (core/references.py). A new app's foreign key moves with no change here.

A row that would repeat one the kept record has (the same tag, a share with the same user, an
email it already has) is not moved: a row held by a foreign key stays on the merged record and
goes to the recycle bin with it, a declared reference row is removed and kept, serialised, in the
merge. Everything done is written down so that ``links_put_back`` can undo it exactly.
"""

from __future__ import annotations

import datetime
import json
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.apps import apps
from django.core import serializers
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from sambandh.core.references import references, same_for


def _label(model: type[models.Model]) -> str:
    return model._meta.label_lower


def foreign_keys_to(model: type[models.Model]) -> list[Any]:
    """Every foreign key (or one-to-one) of any model that points at ``model``."""
    found: list[Any] = []
    for rel in model._meta.get_fields(include_hidden=True):
        if rel.auto_created and not rel.concrete and (rel.one_to_many or rel.one_to_one):
            found.append(getattr(rel, "field"))  # noqa: B009 - a relation's field
    return sorted(found, key=lambda f: (_label(f.model), f.name))


def _unique_others(model: Any, field: Any) -> tuple[str, ...]:
    """The other columns of the first unique rule of ``model`` that includes ``field`` (or the
    columns an app declared for it): with the record, they make two rows one."""
    sets: list[Iterable[str]] = [*model._meta.unique_together]
    sets += [c.fields for c in model._meta.constraints if isinstance(c, models.UniqueConstraint)]
    for names in sets:
        names = tuple(names)
        if field.name in names:
            return tuple(model._meta.get_field(n).attname for n in names if n != field.name)
    return same_for(model._meta.label, field.name)


class _Encoder(DjangoJSONEncoder):
    """Times to the microsecond (Django's encoder cuts them to the millisecond): an undo puts
    back exactly what was there."""

    def default(self, o: Any) -> Any:
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


def serialise_rows(rows: list[models.Model]) -> list[dict[str, Any]]:
    """Rows as JSON keeps them (every column but the id, which the serialiser keeps apart)."""
    if not rows:
        return []
    names = [f.name for f in type(rows[0])._meta.concrete_fields if not f.primary_key]
    out = serializers.serialize("python", rows, fields=names)
    return list(json.loads(json.dumps(out, cls=_Encoder)))


class LinkLog:
    """What a merge did to links, in the shapes ``contacts.Merge`` keeps."""

    def __init__(self) -> None:
        self.moved: list[list[Any]] = []  # [label, field, old, new, [pks]]
        self.changed: list[list[Any]] = []  # [label, field, old, new, [pks]]
        self.removed: list[dict[str, Any]] = []  # serialised rows
        self.left: list[list[Any]] = []  # [label, pk]


def _move(
    log: LinkLog, model: Any, field: str, attname: str, by_old: dict[Any, list[Any]], new: Any
) -> None:
    for old, pks in sorted(by_old.items(), key=lambda kv: str(kv[0])):
        if not pks:
            continue
        model._base_manager.filter(pk__in=pks).update(**{attname: new})
        log.moved.append([_label(model), field, old, new, sorted(pks)])


def move_foreign_keys(
    log: LinkLog, record_model: type[models.Model], kept_id: int, merged_ids: list[int]
) -> None:
    for fk in foreign_keys_to(record_model):
        model = fk.model
        same = _unique_others(model, fk)
        rows = list(
            model._base_manager.select_for_update()
            .filter(**{f"{fk.attname}__in": merged_ids})
            .order_by("pk")
            .values("pk", fk.attname, *same)
        )
        if not rows:
            continue
        taken = (
            {
                tuple(r)
                for r in model._base_manager.filter(**{fk.attname: kept_id}).values_list(*same)
            }
            if same
            else set()
        )
        by_old: dict[Any, list[Any]] = defaultdict(list)
        self_links: dict[Any, list[Any]] = defaultdict(list)
        for row in rows:
            if model is record_model and row["pk"] == kept_id:
                # The kept record pointed at a merged one (its parent): it cannot point at itself.
                self_links[row[fk.attname]].append(row["pk"])
                continue
            if same:
                key = tuple(row[name] for name in same)
                if key in taken:
                    log.left.append([_label(model), row["pk"]])
                    continue
                taken.add(key)
            by_old[row[fk.attname]].append(row["pk"])
        _move(log, model, fk.name, fk.attname, by_old, kept_id)
        _move(log, model, fk.name, fk.attname, self_links, None)
        if by_old and any(f.name == "is_primary" for f in model._meta.concrete_fields):
            _demote_second_primaries(log, model, fk, kept_id, by_old)


def _demote_second_primaries(
    log: LinkLog, model: Any, fk: models.ForeignKey, kept_id: int, by_old: dict[Any, list[Any]]
) -> None:
    """A moved row that was its record's primary (email, phone, affiliation) is no longer one
    when the kept record has a primary of its own; of several, the first merged record's
    stays."""
    moved = [pk for pks in by_old.values() for pk in pks]
    primaries = model._base_manager.filter(**{fk.attname: kept_id}, is_primary=True)
    if not primaries.exclude(pk__in=moved).exists():
        first = primaries.filter(pk__in=moved).order_by("pk").first()
        primaries = primaries.exclude(pk=first.pk) if first is not None else primaries
    demote = sorted(primaries.filter(pk__in=moved).values_list("pk", flat=True))
    if demote:
        model._base_manager.filter(pk__in=demote).update(is_primary=False)
        log.changed.append([_label(model), "is_primary", True, False, demote])


def move_references(log: LinkLog, record_type: str, kept_id: int, merged_ids: list[int]) -> None:
    for ref in references():
        model = ref.model
        where = {ref.type_field: record_type, f"{ref.id_field}__in": merged_ids}
        rows = list(model._base_manager.select_for_update().filter(**where).order_by("pk"))
        if not rows:
            continue
        taken: set[tuple[Any, ...]] = set()
        if ref.same:
            taken = {
                tuple(r)
                for r in model._base_manager.filter(
                    **{ref.type_field: record_type, ref.id_field: kept_id}
                ).values_list(*ref.same)
            }
        by_old: dict[Any, list[Any]] = defaultdict(list)
        clashes = []
        for row in rows:
            if ref.same:
                key = tuple(getattr(row, name) for name in ref.same)
                if key in taken:
                    clashes.append(row)
                    continue
                taken.add(key)
            by_old[getattr(row, ref.id_field)].append(row.pk)
        if clashes:
            log.removed.extend(serialise_rows(clashes))
            model._base_manager.filter(pk__in=[r.pk for r in clashes]).delete()
        _move(log, model, ref.id_field, ref.id_field, by_old, kept_id)


def moved_counts(
    record_model: type[models.Model], record_type: str, ids: list[int]
) -> list[tuple[str, int]]:
    """How many rows of each kind point at the records ``ids`` (what a merge of them into
    another would move), by the plural name of what they are: for link rows of a
    many-to-many relation, the name of what they link to (tags, deals)."""
    counts: dict[str, int] = defaultdict(int)
    for fk in foreign_keys_to(record_model):
        model = fk.model
        n = model._base_manager.filter(**{f"{fk.attname}__in": ids}).count()
        if not n:
            continue
        shown = model
        if model._meta.auto_created:
            other = next(
                (f for f in model._meta.concrete_fields if f.is_relation and f is not fk), None
            )
            shown = other.related_model if other is not None else model
        counts[str(shown._meta.verbose_name_plural)] += n
    for ref in references():
        n = ref.model._base_manager.filter(
            **{ref.type_field: record_type, f"{ref.id_field}__in": ids}
        ).count()
        if n:
            counts[str(ref.model._meta.verbose_name_plural)] += n
    return sorted(counts.items())


def links_put_back(
    moved: list[list[Any]], changed: list[list[Any]], removed: list[dict[str, Any]]
) -> int:
    """Undo what a merge did to links: the changed values back, each moved link back to the
    record it came from (when it still points where the merge put it: a link someone moved
    since is theirs), and the removed rows re-inserted. Answers how many links did not go
    back."""
    missed = 0
    for label, field, old, new, pks in reversed(changed):
        model = apps.get_model(label)
        model._base_manager.filter(pk__in=pks, **{field: new}).update(**{field: old})
    for label, field, old, new, pks in reversed(moved):
        model = apps.get_model(label)
        attname = model._meta.get_field(field).attname
        back = model._base_manager.filter(pk__in=pks, **{attname: new}).update(**{attname: old})
        missed += len(pks) - back
    for item in serializers.deserialize("python", removed, ignorenonexistent=True):
        item.save()
    return missed
