"""Reads of an export: the records (the list's own policy-filtered selection, through the
registry), the columns the viewer may see, and the rows, read a batch at a time from a
server-side cursor so that a million rows never sit in memory.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext as _

from sambandh.accounts import policy
from sambandh.core import registry
from sambandh.core.errors import NotFound, ValidationFailed
from sambandh.core.ids import id_or_none
from sambandh.core.listing import ListQuery
from sambandh.exports.columns import Batch, Column, Layout, custom_columns, layout_for, owner_names

#: Rows read from the database cursor at a time (and per batch of link and owner reads).
CHUNK = 2000
#: The most ids a selection of ticked rows may name.
MAX_IDS = 10_000
#: The filter that exports a search result: the records the search finds (search/selectors.py).
SEARCH = "search"


@dataclass(frozen=True)
class ExportPlan:
    """An export decided, before any row is read: what, for whom, with which columns."""

    record_type: registry.RecordType
    layout: Layout
    viewer: Any
    columns: tuple[Column, ...]
    headers: tuple[str, ...]  # translated in the viewer's language when the plan was made
    queryset: Any
    filters: dict[str, Any]
    sort: str
    ids: tuple[int, ...] = ()
    #: Records the filters matched that the residency rule kept out (export_record says so).
    withheld: int = 0


def exportable(rt: registry.RecordType | None) -> bool:
    return rt is not None and rt.list_matching is not None and layout_for(rt) is not None


def record_type_for(list_key: str) -> registry.RecordType:
    rt = registry.by_list_key(list_key)
    if rt is None or not exportable(rt):
        raise NotFound(_("This list cannot be exported."))
    return rt


def _found(viewer: Any, rt: registry.RecordType, search: str) -> list[int]:
    """The records of the search result an export holds (``?search=``: the results page's hits
    of this type)."""
    from sambandh.search.selectors import matching_ids

    if not rt.searchable:
        raise ValidationFailed(fields={SEARCH: _("This list cannot be searched.")})
    return matching_ids(viewer=viewer, q=search, record_type=rt.key)


def _has_residency(model: Any) -> bool:
    return any(f.name == "residency" for f in model._meta.concrete_fields)


def residency_filter(*, viewer: Any, record_type: str, queryset: Any) -> tuple[Any, int]:
    """The one place where what may leave the system by residency narrows an export: the
    records whose residency tag the privacy app's export rules refuse to ``viewer``
    (``sambandh.privacy.selectors.export_allowed``) are left out. Answers the narrowed
    queryset and how many records it left out (one count query, only when a tag is refused).
    A record type without a residency tag is not narrowed."""
    from sambandh.privacy.selectors import export_refused_residencies

    if not _has_residency(queryset.model):
        return queryset, 0
    refused = export_refused_residencies(viewer, record_type)
    if not refused:
        return queryset, 0
    withheld = queryset.filter(residency__in=refused).count()
    return queryset.exclude(residency__in=refused), withheld


def _order(rt: registry.RecordType, sort: str) -> list[str]:
    """The list's order for ``sort`` when it is a sort of a stored column (name, created,
    updated, amount...), else the type's default order (a custom field's sort). Ties broken by
    id. A sort the list does not know is refused (422), as the list refuses it."""
    key = sort.lstrip("-")
    sign = "-" if sort.startswith("-") else ""
    column = {"created": "created_at", "updated": "updated_at"}.get(key, "")
    if not column and sort:
        spec = rt.field_for_sort(sort)
        if spec is None:
            raise ValidationFailed(
                _("Unknown sort “%(sort)s”.") % {"sort": sort[:40]},
                fields={"sort": _("Not a sort key.")},
            )
        column = "" if key.startswith(registry.CUSTOM_PREFIX) else spec.name
    if column:
        try:
            rt.model._meta.get_field(column)
        except FieldDoesNotExist:
            column = ""
    if not column:
        return list(rt.default_order)
    return [f"{sign}{column}", f"{sign}id"]


def default_sort(rt: registry.RecordType) -> str:
    schema = rt.list_filters() if rt.list_filters is not None else None
    found = schema.model_fields.get("sort") if schema is not None else None
    return str(found.default) if found is not None and found.default else ""


def export_plan(
    *,
    viewer: Any,
    record_type: str,
    filters: dict[str, Any] | None = None,
    sort: str = "",
    ids: list[int] | None = None,
) -> ExportPlan:
    """The export of the records the list shows for ``filters`` (every page), or of the ticked
    rows ``ids`` among them, as ``viewer`` may see them: only their records, only their fields
    (a hidden field's column is absent). A filter or sort on a hidden field is refused (422),
    as the list refuses it."""
    rt = registry.get(record_type)
    layout = layout_for(rt)
    if layout is None or rt.list_matching is None:
        raise NotFound(_("This list cannot be exported."))
    filters = {k: v for k, v in (filters or {}).items() if v not in (None, "")}
    sort = sort or default_sort(rt)
    policy.check_list(viewer, rt.key, {}, sort)
    search = str(filters.pop(SEARCH, "") or "")[:200]
    qs = rt.list_matching(viewer=viewer, query=ListQuery(filters=filters))
    if search:
        qs = qs.filter(pk__in=_found(viewer, rt, search))
        filters[SEARCH] = search
    chosen: tuple[int, ...] = ()
    if ids is not None:
        if len(ids) > MAX_IDS:
            raise ValidationFailed(
                fields={"ids": _("Select at most %(count)s rows.") % {"count": f"{MAX_IDS:,}"}}
            )
        chosen = tuple(sorted(set(ids)))
        qs = qs.filter(pk__in=chosen)
    qs, withheld = residency_filter(viewer=viewer, record_type=rt.key, queryset=qs)
    if layout.select_related:
        qs = qs.select_related(*layout.select_related)
    qs = qs.order_by(*_order(rt, sort))
    access = policy.field_access(viewer, rt.key)
    columns = tuple(
        c
        for c in (*layout.columns, *custom_columns(rt.key))
        if not c.field or access.shows(c.field)
    )
    return ExportPlan(
        record_type=rt,
        layout=layout,
        viewer=viewer,
        columns=columns,
        headers=tuple(str(c.label) for c in columns),
        queryset=qs,
        filters=filters,
        sort=sort,
        ids=chosen,
        withheld=withheld,
    )


def batches(plan: ExportPlan) -> Iterator[list[Any]]:
    records = plan.queryset.iterator(chunk_size=CHUNK)
    while batch := list(islice(records, CHUNK)):
        yield batch


def export_rows(plan: ExportPlan) -> Iterator[list[Any]]:
    """Each record's values, in the plan's columns, a batch at a time (a few queries per
    batch: the owners' names, which linked records the viewer may see)."""
    from sambandh.customfields.selectors import unseen_links

    owners: dict[int, str] = {}
    custom_keys = any(c.key.startswith(registry.CUSTOM_PREFIX) for c in plan.columns)
    for batch in batches(plan):
        owner_names((r.owner_id for r in batch), owners)
        if plan.layout.prepare is not None:
            plan.layout.prepare(plan.viewer, batch)
        context = Batch(viewer=plan.viewer, owners=owners)
        if custom_keys:
            hidden = unseen_links(plan.viewer, plan.record_type.key, [r.custom for r in batch])
            context.unseen_custom = {r.pk: keys for r, keys in zip(batch, hidden, strict=True)}
        for record in batch:
            yield [c.value(record, context) for c in plan.columns]
        if len(owners) > 10 * CHUNK:  # many owners: keep only what the next batches may reuse
            owners.clear()


def parse_ids(raw: list[str]) -> list[int] | None:
    """Ticked rows' ids from a form, or None when one of them is not an id."""
    ids = [id_or_none(v) for v in raw]
    if any(pk is None for pk in ids):
        return None
    return [pk for pk in ids if pk is not None]
