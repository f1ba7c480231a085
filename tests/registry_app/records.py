"""The gadget record type's whole declaration, its selector and its service."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from sambandh.accounts import policy
from sambandh.core.audit import audit_record
from sambandh.core.listing import ListQuery, sort_order
from sambandh.core.pagination import Page, paginate
from sambandh.core.registry import Field, RecordType
from sambandh.search.services import search_document_upsert
from sambandh.web.lists import Column, ListSpec

GADGET_SORTS = {"name": ["name", "id"], "-name": ["-name", "-id"]}


def gadgets_visible(viewer: Any) -> Any:
    from tests.registry_app.models import Gadget

    return Gadget.objects.filter(policy.visible_q(viewer, "gadget"))


def gadget_list(*, viewer: Any, query: ListQuery) -> Page[Any]:
    from tests.registry_app.models import Gadget

    policy.check_list(viewer, "gadget", query.filters, query.sort)
    qs = Gadget.objects.all()
    if name := (query.filters.get("name") or "").strip():
        qs = qs.filter(name__icontains=name)
    return paginate(
        qs.prefetch_related("owner"),
        order=sort_order(query.sort, GADGET_SORTS, "name"),
        limit=query.limit,
        cursor=query.cursor,
        branches=policy.visible_branches(viewer, "gadget"),
    )


def gadget_reindex(gadget: Any) -> None:
    search_document_upsert(
        record_type="gadget",
        record_id=gadget.pk,
        owner_id=gadget.owner_id,
        title=gadget.name,
        subtitle=gadget.color,
        words=[gadget.name, gadget.color],
    )


@transaction.atomic
def gadget_create(*, actor: Any, name: str, color: str = "") -> Any:
    from tests.registry_app.models import Gadget

    policy.ensure_can_write(actor)
    gadget = Gadget.objects.create(owner=actor, name=name, color=color)
    audit_record(actor=actor, action="create", record_type="gadget", record_id=gadget.pk)
    gadget_reindex(gadget)
    return gadget


GADGET = RecordType(
    key="gadget",
    model_label="registry_app.Gadget",
    label=_("gadget"),
    label_plural=_("Gadgets"),
    api_path="gadgets",
    detail_url="gadget_detail",
    visible=gadgets_visible,
    reindex=gadget_reindex,
    list_select=gadget_list,
    list_spec=ListSpec(
        key="gadgets",
        columns=(
            Column("name", _("Name"), sort="name", fixed=True),
            Column("color", _("Color"), field="color"),
            Column("owner", _("Owner")),
        ),
        filters=("name",),
        sorts=GADGET_SORTS,
        default_sort="name",
    ),
    fields=(
        Field("name", _("Name"), hideable=False, filters=("name",), sorts=("name",)),
        Field("color", _("Color")),
        Field("owner", _("Owner"), kind="user", hideable=False, filters=("owner_id",)),
    ),
)
