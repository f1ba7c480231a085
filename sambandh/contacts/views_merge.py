"""The merge page (/people/merge/?ids=A,B and /organizations/merge/?ids=A,B) and a merge's undo.
Thin: parse, ask the selectors and the policy, call contacts/services/merge.py. docs/merge.md."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from sambandh.accounts import policy
from sambandh.contacts import selectors
from sambandh.contacts.selectors_merge import MODELS, merge_get, merge_preview
from sambandh.contacts.services.merge import MAX_RECORDS, record_merge
from sambandh.contacts.services.merge_fields import MERGEABLE, merged_values
from sambandh.contacts.services.merge_undo import merge_undo
from sambandh.contacts.templatetags.contacts import country_name, language_name
from sambandh.core import formats, registry
from sambandh.core.errors import NotFound, ServiceError
from sambandh.core.ids import id_or_none
from sambandh.core.listing import ListQuery
from sambandh.core.registry import CUSTOM_PREFIX
from sambandh.core.sensitive import note_shown
from sambandh.web.http import AuthedRequest, page


@dataclass
class Row:
    name: str
    label: str
    values: list[tuple[int, str]]  # (record id, the value as shown)
    chosen: int
    can_change: bool


@dataclass
class Column:
    record: Any
    links: list[tuple[str, int]] = field(default_factory=list)


def _ids(raw: str) -> list[int]:
    ids: list[int] = []
    for part in raw.split(",")[: MAX_RECORDS + 1]:
        value = id_or_none(part.strip())
        if value is not None and value not in ids:
            ids.append(value)
    return ids


def _shown(viewer: Any, record_type: str, record: Any, name: str) -> str:
    """A field's value as the record page shows it."""
    if name.startswith(CUSTOM_PREFIX):
        value = (record.custom or {}).get(name[len(CUSTOM_PREFIX) :])
        if isinstance(value, list):
            return ", ".join(str(v) for v in value)
        return "" if value in (None, "") else str(value)
    if name == "full_name":
        return " ".join(x for x in (record.honorific, record.full_name) if x)
    if name in ("organization", "parent"):
        linked = getattr(record, name)
        shown = policy.link_or_none(viewer, "organization", linked)
        return shown.name if shown is not None else ""
    if name == "owner":
        return str(record.owner)
    value = getattr(record, name)
    if name == "birth_date":
        return formats.date(value) if value else ""
    if name == "country":
        return country_name(value) if value else ""
    if name == "preferred_language":
        return language_name(value) if value else ""
    if name == "size":
        return record.get_size_display()
    return "" if value is None else str(value)


def _label(record_type: str, name: str) -> str:
    spec = registry.get(record_type).field(name)
    if spec is not None:
        return str(spec.label)
    return str(MODELS[record_type]._meta.get_field(name).verbose_name).capitalize()


def _rows(viewer: Any, record_type: str, records: list[Any]) -> list[Row]:
    """One row per field whose value differs between the records, the field hidden from the
    viewer left out; the choice checked is the one the merge would make by default."""
    access = policy.field_access(viewer, record_type)
    kept, others = records[0], records[1:]
    _values, _custom, source = merged_values(
        actor=viewer, record_type=record_type, kept=kept, others=others, chosen={}
    )
    keys = sorted({k for r in records for k in (r.custom or {})})
    names = [*MERGEABLE[record_type], *(CUSTOM_PREFIX + k for k in keys)]
    rows = []
    for name in names:
        if not access.shows(name):
            continue
        values = [(r.pk, _shown(viewer, record_type, r, name)) for r in records]
        if len({v for _pk, v in values}) < 2:
            continue
        spec = registry.get(record_type).field(name)
        label = str(spec.label) if spec else _label(record_type, name)
        rows.append(Row(name, label, values, source.get(name, kept.pk), access.can_change(name)))
    # Side by side, the values of every record: one read for the page when any is sensitive.
    shown = [row.name for row in rows]
    note_shown(viewer, record_type, [r.pk for r in records], shown, via="merge")
    return rows


def _records(request: AuthedRequest, record_type: str, ids: list[int]) -> list[Any]:
    if record_type == "person":
        return [selectors.person_get(viewer=request.user, person_id=pk) for pk in ids]
    return [selectors.organization_get(viewer=request.user, organization_id=pk) for pk in ids]


def _candidates(request: AuthedRequest, record_type: str, first: Any, q: str) -> list[Any]:
    """Records to merge ``first`` with, found by name, for the page's picker."""
    if not q:
        return []
    lister = selectors.person_list if record_type == "person" else selectors.organization_list
    page_ = lister(viewer=request.user, query=ListQuery(filters={"name": q[:200]}, limit=10))
    return [r for r in page_.items if r.pk != first.pk]


def _detail(record_type: str, pk: int) -> str:
    return registry.get(record_type).url(pk)


def merge_page(request: AuthedRequest, record_type: str) -> HttpResponse:
    # From the bulk bar, its ticked boxes (ids=1&ids=2); from this page and links, "1,2".
    ids = _ids(",".join(request.POST.getlist("ids") or request.GET.getlist("ids")))
    records = _records(request, record_type, ids)
    error, status = "", 200
    if request.method == "POST" and "keep" in request.POST:
        keep = id_or_none(request.POST.get("keep", ""))
        chosen = {
            key[len("field:") :]: id_or_none(value)
            for key, value in request.POST.items()
            if key.startswith("field:")
        }
        try:
            merge = record_merge(
                actor=request.user,
                record_type=record_type,
                keep=keep if keep is not None else ids[0],
                merge=[pk for pk in ids if pk != keep],
                fields=_changed_choices(request.user, record_type, records, keep, chosen),
            )
        except ServiceError as exc:
            error, status = exc.message, exc.status
        else:
            messages.success(
                request,
                _("%(count)s records were merged into this one.") % {"count": len(ids)},
            )
            return redirect(f"{_detail(record_type, merge.kept_id)}?merged={merge.pk}")
    rt = registry.get(record_type)
    ctx = {
        "record_type": record_type,
        "rt": rt,
        "records": records,
        "columns": [Column(r, merge_preview(record_type=record_type, ids=[r.pk])) for r in records],
        "first": records[0] if records else None,
        "rows": _rows(request.user, record_type, records) if len(records) > 1 else [],
        "ids": ",".join(str(pk) for pk in ids),
        "q": request.GET.get("q", "")[:200],
        "list_url": reverse(rt.list_url),
        "candidates": (
            _candidates(request, record_type, records[0], request.GET.get("q", "").strip())
            if len(records) == 1
            else []
        ),
        "too_many": len(records) > MAX_RECORDS,
        "max_records": MAX_RECORDS,
        "error": error,
        "merge_url": reverse(
            f"contacts:{'person' if record_type == 'person' else 'organization'}_merge"
        ),
    }
    return render(request, "contacts/merge.html", ctx, status=status)


def _changed_choices(
    viewer: Any, record_type: str, records: list[Any], keep: int | None, chosen: dict[str, Any]
) -> dict[str, Any]:
    """The page's radios as the service takes them: a choice is sent only where it differs
    from what the merge would take anyway (the rule), so a field the viewer may not change
    and left as it is never counts as a choice."""
    by_id = {r.pk: r for r in records}
    kept = by_id.get(keep) if keep is not None else records[0]
    if kept is None:
        return {k: v for k, v in chosen.items()}
    others = [r for r in records if r.pk != kept.pk]
    _values, _custom, source = merged_values(
        actor=viewer, record_type=record_type, kept=kept, others=others, chosen={}
    )
    return {k: v for k, v in chosen.items() if v != source.get(k, kept.pk)}


@page
@require_http_methods(["GET", "POST"])
def person_merge(request: AuthedRequest) -> HttpResponse:
    return merge_page(request, "person")


@page
@require_http_methods(["GET", "POST"])
def organization_merge(request: AuthedRequest) -> HttpResponse:
    return merge_page(request, "organization")


@page
@require_POST
def merge_undo_view(request: AuthedRequest, merge_id: int) -> HttpResponse:
    merge = merge_get(viewer=request.user, merge_id=merge_id)
    if merge is None:
        raise NotFound()
    try:
        merge_undo(actor=request.user, merge=merge.pk)
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect(_detail(merge.record_type, merge.kept_id))
    messages.success(request, _("The merge was undone: every record is back as it was."))
    return redirect(_detail(merge.record_type, merge.kept_id))


def merge_banner(request: AuthedRequest, record_type: str, record_id: int) -> Any:
    """The merge named by ``?merged=`` on the kept record's page, while it can be undone."""
    merge_id = id_or_none(request.GET.get("merged", ""))
    if merge_id is None:
        return None
    merge = merge_get(viewer=request.user, merge_id=merge_id)
    if merge is None or merge.undone_at is not None:
        return None
    if merge.record_type != record_type or merge.kept_id != record_id:
        return None
    return merge
