"""Taking a record apart before its deletion, and putting it back.

``take`` asks Django's own deletion ``Collector`` what deleting the record would remove (the
rows that cascade, including the fast-deleted querysets and the many-to-many link rows) and
which links elsewhere it would set to NULL, and serialises all of it with
``django.core.serializers``: the bin then holds exactly what the delete removes.

``put_back`` re-inserts those rows with their original ids, parents first, and re-applies the
cleared links. A row whose link points at something that no longer exists (deleted meanwhile)
loses that link when the link may be empty, or is left out when it may not; each such loss is
reported. A conflict with rows that exist now raises ``IntegrityError`` for the caller (the
service) to turn into a clear error with nothing restored.
"""

from __future__ import annotations

import datetime
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.core import serializers
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections, models, router
from django.db.models.deletion import Collector


@dataclass
class Dropped:
    """A link that could not be restored: its target no longer exists."""

    model: str  # label of the row's model
    row_id: Any
    field: str
    target_model: str
    target_id: Any
    #: True when the whole row was left out (its link may not be empty).
    row_skipped: bool = False


@dataclass
class PutBack:
    restored: dict[str, list[Any]] = field(default_factory=dict)  # model label -> pks
    relinked: dict[str, list[Any]] = field(default_factory=dict)  # model label -> pks
    dropped: list[Dropped] = field(default_factory=list)


class _Encoder(DjangoJSONEncoder):
    """Django's JSON encoder, but with times to the microsecond (it cuts them to the
    millisecond): a restored row holds exactly what it held."""

    def default(self, o: Any) -> Any:
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


def _label(model: type[models.Model]) -> str:
    return model._meta.label_lower


def _concrete_names(model: type[models.Model]) -> list[str]:
    return [f.name for f in model._meta.concrete_fields if not f.primary_key]


def _serialise(instances: list[models.Model]) -> list[dict[str, Any]]:
    if not instances:
        return []
    model = type(instances[0])
    rows = serializers.serialize("python", instances, fields=_concrete_names(model))
    # Through JSON and back: dates, decimals and UUIDs become what a JSONField stores.
    return list(json.loads(json.dumps(rows, cls=_Encoder)))


def take(record: models.Model) -> tuple[dict[str, Any], dict[str, int]]:
    """The snapshot of ``record`` and of what its deletion would take, and the counts of the
    rows that go with it by model label (plus ``links``: links elsewhere that get cleared)."""
    using = router.db_for_write(type(record), instance=record)
    collector = Collector(using=using, origin=record)
    collector.collect([record])
    by_model: dict[type[models.Model], dict[Any, models.Model]] = defaultdict(dict)
    for model, instances in collector.data.items():
        for obj in instances:
            by_model[model][obj.pk] = obj
    for qs in collector.fast_deletes:
        for obj in qs:
            by_model[type(obj)][obj.pk] = obj
    nulled = []
    links = 0
    for (fk, value), batches in collector.field_updates.items():
        pairs: list[list[Any]] = []
        for batch in batches:
            # A queryset (evaluated here, before the delete) or a list of instances.
            objs: Iterable[Any] = batch  # type: ignore[assignment]
            for obj in objs:
                pairs.append([obj.pk, getattr(obj, fk.attname)])
        if pairs:
            nulled.append(
                {"model": _label(fk.model), "field": fk.name, "value": value, "rows": pairs}
            )
            links += len(pairs)
    order = _parents_first(list(by_model))
    rows: list[dict[str, Any]] = []
    counts: dict[str, int] = {}
    main = type(record)
    for model in order:
        instances = sorted(by_model[model].values(), key=lambda o: o.pk)
        rows.extend(_serialise(instances))
        count = len(instances) - (1 if model is main else 0)
        if count:
            counts[_label(model)] = count
    if links:
        counts["links"] = links
    snapshot = json.loads(json.dumps({"rows": rows, "nulled": nulled}, cls=_Encoder))
    return snapshot, counts


def _parents_first(model_list: list[type[models.Model]]) -> list[type[models.Model]]:
    """The models in an order where each comes after those its foreign keys point at (among
    these); a cycle keeps the rest in their given order."""
    remaining = list(model_list)
    placed: list[type[models.Model]] = []
    while remaining:
        for model in remaining:
            targets = {
                f.related_model
                for f in model._meta.concrete_fields
                if f.is_relation and f.related_model is not model
            }
            if not any(t in remaining for t in targets):
                break
        else:
            model = remaining[0]
        remaining.remove(model)
        placed.append(model)
    return placed


def main_object(snapshot: dict[str, Any], record_type_model: str) -> models.Model | None:
    """The deleted record itself, as an unsaved instance (for showing what it was)."""
    label = record_type_model.lower()
    for row in snapshot.get("rows", []):
        if row["model"] == label:
            obj = next(serializers.deserialize("python", [row], ignorenonexistent=True)).object
            return obj
    return None


def _existing(model: type[models.Model], pks: set[Any], using: str) -> set[Any]:
    if not pks:
        return set()
    found: set[Any] = set()
    ordered = sorted(pks, key=str)
    for start in range(0, len(ordered), 500):
        chunk = ordered[start : start + 500]
        found.update(
            model._base_manager.using(using).filter(pk__in=chunk).values_list("pk", flat=True)
        )
    return found


def put_back(snapshot: dict[str, Any], *, using: str = "default") -> PutBack:
    """Re-insert the snapshot's rows (parents first, original ids) and re-apply the cleared
    links, in the caller's transaction. Raises IntegrityError on a conflict with what exists."""
    result = PutBack()
    grouped: dict[str, list[models.Model]] = defaultdict(list)
    order: list[str] = []
    for item in serializers.deserialize(
        "python", snapshot.get("rows", []), ignorenonexistent=True, using=using
    ):
        obj = item.object
        label = _label(type(obj))
        if label not in grouped:
            order.append(label)
        grouped[label].append(obj)
    # What will exist once restored, by model: a row whose parent is left out is left out too.
    coming: dict[type[models.Model], set[Any]] = {
        apps.get_model(label): {o.pk for o in objs} for label, objs in grouped.items()
    }
    for label in order:
        model = apps.get_model(label)
        objs = grouped[label]
        present = _present_targets(objs, coming, using)
        kept = []
        for obj in objs:
            if _drop_missing_links(obj, coming, present, result):
                kept.append(obj)
            else:
                coming[model].discard(obj.pk)
        if kept:
            model._base_manager.using(using).bulk_create(kept, batch_size=500)
            result.restored[label] = [o.pk for o in kept]
    _relink(snapshot.get("nulled", []), using, result)
    connections[using].check_constraints(
        table_names=[apps.get_model(label)._meta.db_table for label in order]
    )
    return result


def _links(obj: models.Model) -> list[Any]:
    return [f for f in obj._meta.concrete_fields if f.is_relation and f.related_model is not None]


def _present_targets(
    objs: list[models.Model], coming: dict[type[models.Model], set[Any]], using: str
) -> dict[type[models.Model], set[Any]]:
    """Which of the targets these rows link to exist now (one query per target model)."""
    wanted: dict[type[models.Model], set[Any]] = defaultdict(set)
    for obj in objs:
        for fk in _links(obj):
            target_id = getattr(obj, fk.attname)
            if target_id is not None and target_id not in coming.get(fk.related_model, set()):
                wanted[fk.related_model].add(target_id)
    return {model: _existing(model, ids, using) for model, ids in wanted.items()}


def _drop_missing_links(
    obj: models.Model,
    coming: dict[type[models.Model], set[Any]],
    present: dict[type[models.Model], set[Any]],
    result: PutBack,
) -> bool:
    """Clear (or, when it may not be empty, refuse: answer False) each link of ``obj`` whose
    target neither exists nor is being restored."""
    for fk in _links(obj):
        target_id = getattr(obj, fk.attname)
        target = fk.related_model
        if target_id is None or target_id in coming.get(target, set()):
            continue
        if target_id in present.get(target, set()):
            continue
        result.dropped.append(
            Dropped(
                model=_label(type(obj)),
                row_id=obj.pk,
                field=fk.name,
                target_model=_label(target),
                target_id=target_id,
                row_skipped=not fk.null,
            )
        )
        if not fk.null:
            return False
        setattr(obj, fk.attname, None)
    return True


def _exists(model: type[models.Model], pk: Any, using: str) -> bool:
    return model._base_manager.using(using).filter(pk=pk).exists()


def _relink(nulled: list[dict[str, Any]], using: str, result: PutBack) -> None:
    """Put back the links the deletion cleared, on rows that still exist and still have that
    link empty (a link someone set since is theirs); the others are reported."""
    for update in nulled:
        model = apps.get_model(update["model"])
        fk = model._meta.get_field(update["field"])
        by_target: dict[Any, list[Any]] = defaultdict(list)
        for pk, old in update["rows"]:
            if old is not None:
                by_target[old].append(pk)
        for old, pks in by_target.items():
            if not _exists(fk.related_model, old, using):
                result.dropped.extend(
                    Dropped(_label(model), pk, fk.name, _label(fk.related_model), old) for pk in pks
                )
                continue
            qs = model._base_manager.using(using).filter(
                pk__in=pks, **{f"{fk.attname}__isnull": True}
            )
            relinked = list(qs.values_list("pk", flat=True))
            qs.filter(pk__in=relinked).update(**{fk.attname: old})
            result.relinked.setdefault(_label(model), []).extend(relinked)
            gone = set(pks) - set(relinked)
            result.dropped.extend(
                Dropped(_label(model), pk, fk.name, _label(fk.related_model), old)
                for pk in sorted(gone, key=str)
            )
