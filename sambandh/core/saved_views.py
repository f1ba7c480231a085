"""Saved list views: a name for a list's filters, sort and columns, kept per user (or shared).

Writes and reads live together here because a saved view has no rules beyond its own shape: the
records a view shows are always read through the list's selector, with the viewer's permissions.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from sambandh.core import registry
from sambandh.core.audit import audit_record
from sambandh.core.cleaning import clean_text
from sambandh.core.errors import Forbidden, NotFound, ValidationFailed
from sambandh.core.models import SavedView
from sambandh.core.records import FieldErrors

MAX_VIEWS_PER_LIST = 50
MAX_FILTERS = 20
MAX_COLUMNS = 30


def _clean_filters(filters: Any, errors: FieldErrors) -> dict[str, str]:
    if not isinstance(filters, dict) or len(filters) > MAX_FILTERS:
        errors.add(
            "filters", _("Filters must be at most %(n)s name/value pairs.") % {"n": MAX_FILTERS}
        )
        return {}
    out: dict[str, str] = {}
    for key, value in filters.items():
        if not isinstance(key, str) or not key or len(key) > 80:
            errors.add("filters", _("A filter name is 1 to 80 characters."))
            continue
        text = "" if value is None else str(value).strip()
        if len(text) > 200:
            errors.add("filters", _("A filter value is at most 200 characters."))
            continue
        if text:
            out[key] = text
    return out


def _clean_columns(columns: Any, errors: FieldErrors) -> list[str]:
    if not isinstance(columns, list | tuple) or len(columns) > MAX_COLUMNS:
        errors.add("columns", _("At most %(n)s columns.") % {"n": MAX_COLUMNS})
        return []
    out = []
    for column in columns:
        if not isinstance(column, str) or not column or len(column) > 80:
            errors.add("columns", _("A column name is 1 to 80 characters."))
            continue
        if column not in out:
            out.append(column)
    return out


def saved_views_for(user: Any, list_key: str) -> list[SavedView]:
    """The views ``user`` may pick for a list: their own and the shared ones, by name."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(
        SavedView.objects.filter(Q(owner_id=user.pk) | Q(is_shared=True), list_key=list_key)
        .select_related("owner")
        .order_by("name", "id")
    )


def saved_view_get(*, viewer: Any, list_key: str, saved_view_id: Any) -> SavedView:
    try:
        pk = int(saved_view_id)
    except (TypeError, ValueError):
        raise NotFound(_("No such saved view.")) from None
    view = (
        SavedView.objects.filter(Q(owner_id=viewer.pk) | Q(is_shared=True), list_key=list_key)
        .filter(pk=pk)
        .first()
    )
    if view is None:
        raise NotFound(_("No such saved view."))
    return view


@transaction.atomic
def saved_view_create(
    *,
    actor: Any,
    list_key: str,
    name: str,
    filters: dict[str, Any],
    sort: str = "",
    columns: list[str] | tuple[str, ...] = (),
    is_shared: bool = False,
) -> SavedView:
    if registry.by_list_key(list_key) is None:
        raise ValidationFailed(fields={"list_key": _("Not a list.")})
    errors = FieldErrors()
    clean_name = errors.run(clean_text, name, field="name", max_length=80, required=True)
    clean_sort = errors.run(clean_text, sort, field="sort", max_length=80) or ""
    clean_filters = _clean_filters(filters, errors)
    clean_columns = _clean_columns(list(columns), errors)
    if is_shared and not getattr(actor, "can_write", False):
        # Publishing a view for everyone is a change to what others see.
        raise Forbidden(_("Your role can read records but not publish views for everyone."))
    mine = SavedView.objects.filter(owner_id=actor.pk, list_key=list_key)
    if clean_name and mine.filter(name__iexact=clean_name).exists():
        errors.add("name", _("You already have a view with this name."))
    elif mine.count() >= MAX_VIEWS_PER_LIST:
        errors.add("name", _("At most %(n)s saved views per list.") % {"n": MAX_VIEWS_PER_LIST})
    errors.raise_if_any()
    view = SavedView.objects.create(
        owner=actor,
        list_key=list_key,
        name=clean_name,
        filters=clean_filters,
        sort=clean_sort,
        columns=clean_columns,
        is_shared=bool(is_shared),
    )
    audit_record(
        actor=actor,
        action="create",
        record_type="saved_view",
        record_id=view.pk,
        changes={"list_key": list_key, "name": clean_name, "is_shared": view.is_shared},
        summary=clean_name,
    )
    return view


@transaction.atomic
def saved_view_delete(*, actor: Any, list_key: str, saved_view_id: Any) -> None:
    """Delete a view. Its owner may; an administrator may remove a shared one too."""
    view = saved_view_get(viewer=actor, list_key=list_key, saved_view_id=saved_view_id)
    if view.owner_id != actor.pk and not getattr(actor, "is_admin", False):
        raise Forbidden(_("Only the person who saved this view can delete it."))
    pk, name = view.pk, view.name
    view.delete()
    audit_record(actor=actor, action="delete", record_type="saved_view", record_id=pk, summary=name)
