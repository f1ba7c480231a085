"""What a list page needs for bulk actions: ``{% bulk_selection "people" as bulk %}`` at the
top of its content (None when the viewer may not act in bulk on that list), then
``bulk/_bar.html`` above the table and ``bulk/_row_cell.html`` in each row; the table head
(``home/_list_table_head.html``) adds the page's box when ``bulk`` is set."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import template
from django.urls import reverse

from sambandh.accounts.models import Team
from sambandh.bulk.fields import BulkField, bulk_fields
from sambandh.bulk.services import supports_bulk
from sambandh.core import registry

register = template.Library()


@dataclass(frozen=True)
class BulkSelection:
    record_type: registry.RecordType
    start_url: str
    count_url: str
    filters: dict[str, str]
    more_pages: bool
    has_tags: bool
    users: list[Any]
    next: str
    #: "Edit a field": the fields the viewer may set in bulk, and where their inputs come from.
    fields: list[BulkField]
    field_input_url: str
    #: "Share with": offered on a shareable type (the job skips what the user may not share).
    shareable: bool
    teams: list[Any]


@register.simple_tag(takes_context=True)
def bulk_selection(context: Any, list_key: str) -> BulkSelection | None:
    request = context.get("request")
    user = getattr(request, "user", None)
    rt = registry.by_list_key(list_key)
    if user is None or rt is None or not supports_bulk(rt) or not getattr(user, "can_write", False):
        return None
    state = context.get("state")
    filters = dict(state.filters) if state is not None else {}
    users = context.get("users")
    if users is None:
        from sambandh.accounts.selectors import user_list

        users = list(user_list(viewer=user))
    query = state.filter_query if state else ""
    return BulkSelection(
        record_type=rt,
        start_url=reverse("bulk:start", args=[list_key]),
        count_url=reverse("bulk:count", args=[list_key]) + query,
        filters=filters,
        more_pages=bool(context.get("next_cursor") or (state is not None and state.cursor)),
        has_tags=rt.tag_names is not None,
        users=[u for u in users if u.is_active],
        next=request.get_full_path(),
        fields=bulk_fields(user, rt),
        field_input_url=reverse("bulk:field_input", args=[list_key]),
        shareable=rt.shareable,
        teams=list(Team.objects.order_by("name", "id")) if rt.shareable else [],
    )
