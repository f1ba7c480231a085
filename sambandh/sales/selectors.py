"""Reads for pipelines, deals and leads, always through the viewer's visibility."""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from django.db.models import (
    CharField,
    Count,
    DecimalField,
    ExpressionWrapper,
    Prefetch,
    Q,
    QuerySet,
    StringAgg,
    Sum,
    Value,
)
from django.db.models.functions import Cast, Coalesce
from django.utils.translation import gettext as _

from sambandh.accounts import policy
from sambandh.accounts.models import Role, User
from sambandh.accounts.visibility import editable_q, visible_branches, visible_q
from sambandh.contacts.models import Organization, Person
from sambandh.core.errors import Forbidden, NotFound, ValidationFailed
from sambandh.core.expressions import InlineValue
from sambandh.core.ids import parse_id
from sambandh.core.listing import ListQuery, sort_order
from sambandh.core.pagination import Page, paginate
from sambandh.core.sensitive import note_shown, sensitive_fields
from sambandh.customfields.selectors import custom_list_query, show_custom_links
from sambandh.imports.selectors import records_from_import
from sambandh.sales.models import AMOUNT_UNKNOWN, Deal, Lead, Pipeline, Stage, StageChange
from sambandh.sales.totals import MoneyTotal, company_to_viewer, deals_converted, money_total

__all__ = ["MoneyTotal", "deals_converted", "money_total"]

DEAL_SORTS = {
    "-updated": ["-updated_at", "-id"],
    "updated": ["updated_at", "id"],
    "name": ["name", "id"],
    "-name": ["-name", "-id"],
    # Converted amounts (the company currency's stored amount_reporting; unknown lowest).
    "-amount": ["-amount_sort", "-id"],
    "amount": ["amount_sort", "id"],
    "-created": ["-created_at", "-id"],
    "created": ["created_at", "id"],
}
LEAD_SORTS = {
    "-created": ["-created_at", "-id"],
    "created": ["created_at", "id"],
    "name": ["full_name", "id"],
    "-name": ["-full_name", "-id"],
    "-updated": ["-updated_at", "-id"],
}
BOARD_CARDS_PER_STAGE = 25
#: The type of the amount sort's key, which the cursor is read back into: wider than the column,
#: as SQLite answers the COALESCE as a float (118395.17 comes back as 118395.170000000).
AMOUNT_SORT_FIELD = DecimalField(max_digits=40, decimal_places=20)
#: The amount sort's key, written as deal_amount_rep_idx is built so the index orders the page
#: (the wrapper only types it: it adds nothing to the SQL).
AMOUNT_SORT = ExpressionWrapper(
    Coalesce("amount_reporting", InlineValue(AMOUNT_UNKNOWN, output_field=DecimalField())),
    output_field=AMOUNT_SORT_FIELD,
)


# --- pipelines --------------------------------------------------------------------
def pipeline_list(*, include_archived: bool = False) -> list[Pipeline]:
    """Pipelines are shared configuration: every signed-in user may read them."""
    qs = Pipeline.objects.all()
    if not include_archived:
        qs = qs.filter(is_archived=False)
    stages = Stage.objects.filter(is_archived=False).order_by("position", "id")
    return list(qs.prefetch_related(Prefetch("stages", queryset=stages, to_attr="active_stages")))


def pipeline_get(*, pipeline_id: int) -> Pipeline:
    stages = Stage.objects.filter(is_archived=False).order_by("position", "id")
    pipeline = (
        Pipeline.objects.prefetch_related(
            Prefetch("stages", queryset=stages, to_attr="active_stages")
        )
        .filter(pk=pipeline_id)
        .first()
    )
    if pipeline is None:
        raise NotFound(_("No such pipeline."))
    return pipeline


def pipeline_deal_counts(*, viewer: User) -> dict[int, int]:
    """How many deals the viewer sees in each pipeline (all of them for an administrator)."""
    rows = deals_visible(viewer).order_by().values_list("pipeline_id").annotate(n=Count("id"))
    return dict(rows)


# --- deals ---------------------------------------------------------------------------
def deals_visible(viewer: User) -> QuerySet[Deal]:
    return Deal.objects.filter(visible_q(viewer, "deal"))


def _deal_filters(qs: QuerySet[Deal], filters: dict[str, Any]) -> QuerySet[Deal]:
    for name in ("pipeline_id", "stage_id", "owner_id", "organization_id"):
        if value := filters.get(name):
            qs = qs.filter(**{name: parse_id(value, name)})
    if person := filters.get("person_id"):
        qs = qs.filter(people__id=parse_id(person, "person_id"))
    if status := filters.get("status"):
        if status not in Deal.Status.values:
            raise ValidationFailed(fields={"status": _("Choose open, won or lost.")})
        qs = qs.filter(status=status)
    if tag := filters.get("tag"):
        qs = qs.filter(tags__name__iexact=str(tag))
    if currency := filters.get("currency"):
        qs = qs.filter(currency=str(currency).upper())
    if text := (filters.get("name") or "").strip():
        qs = qs.filter(name__icontains=text)
    return qs


def _deals_filtered(viewer: User, query: ListQuery) -> tuple[QuerySet[Deal], Any]:
    policy.check_list(viewer, "deal", query.filters, query.sort)
    qs = _deal_filters(Deal.objects.all(), query.filters)
    if job := query.filters.get("import"):
        qs = records_from_import(qs, viewer=viewer, job_id=job, record_type="deal")
    return custom_list_query(qs, record_type="deal", query=query)


def deals_matching(*, viewer: User, query: ListQuery) -> QuerySet[Deal]:
    """Every deal the list shows for ``query.filters``, on every page, as the viewer may see
    them (a bulk action's selection)."""
    qs, _order = _deals_filtered(viewer, replace(query, sort=""))
    return qs.filter(visible_q(viewer, "deal"))


def deal_list(*, viewer: User, query: ListQuery) -> Page[Deal]:
    qs, custom_order = _deals_filtered(viewer, query)
    # Written as deal_amount_rep_idx is built, so the index orders the page.
    qs = qs.annotate(amount_sort=AMOUNT_SORT)
    # Only the nullable link is joined: an inner join to a small table (stage, pipeline, owner)
    # makes SQLite's planner start from it and sort every deal; those come a query each.
    qs = qs.select_related("organization").prefetch_related("stage", "pipeline", "owner", "tags")
    page = paginate(
        qs,
        order=custom_order or sort_order(query.sort, DEAL_SORTS, "-updated"),
        limit=query.limit,
        cursor=query.cursor,
        branches=visible_branches(viewer, "deal"),
    )
    policy.show_links(viewer, page.items, record_type="deal", field="organization")
    show_custom_links(viewer, "deal", page.items)
    return page


def deal_get(*, viewer: User, deal_id: int, written: bool = False) -> Deal:
    """A deal the viewer may see (``written``: one they have just written, which they may have
    handed to someone else), with ``shown_organization`` and only the people they may see."""
    deal = (
        (Deal.objects.all() if written else deals_visible(viewer))
        .select_related("stage", "pipeline", "organization", "owner")
        .prefetch_related(
            # Only the people the viewer may see: a deal never reveals a hidden person's name.
            Prefetch("people", queryset=Person.objects.filter(visible_q(viewer, "person"))),
            "tags",
        )
        .filter(pk=deal_id)
        .first()
    )
    if deal is None:
        raise NotFound(_("No such deal."))
    policy.show_links(viewer, [deal], record_type="deal", field="organization")
    show_custom_links(viewer, "deal", [deal])
    return deal


def deal_get_for_update(*, viewer: User, deal_id: int) -> Deal:
    deal = deal_get(viewer=viewer, deal_id=deal_id)
    if not Deal.objects.filter(editable_q(viewer, "deal"), pk=deal.pk).exists():
        raise Forbidden()
    return deal


def deal_stage_history(*, deal: Deal) -> list[StageChange]:
    return list(deal.stage_changes.select_related("from_stage", "to_stage", "changed_by"))


@dataclass
class BoardColumn:
    stage: Stage
    deals: list[Deal]
    count: int
    total: MoneyTotal | None  # None: the viewer may not see amounts


def _attach(records: list[Any], field: str, queryset: QuerySet[Any]) -> None:
    """Read the records ``field`` links ``records`` to in one query and set them (what
    prefetch_related does for a foreign key, without its composite-key lookup, which took
    8 ms to compile for a board's 150 ids)."""
    ids = {getattr(r, f"{field}_id") for r in records} - {None}
    found = queryset.in_bulk(sorted(ids)) if ids else {}
    for record in records:
        linked = getattr(record, f"{field}_id")
        if linked is not None and linked in found:
            setattr(record, field, found[linked])


#: What a board card reads of its deal (sales/board_cards.py): a card is built from these
#: alone, so the rest of the row (descriptions, reasons) is not read for a hundred cards.
BOARD_CARD_FIELDS = (
    "id",
    "name",
    "amount",
    "currency",
    "expected_close_date",
    "version",
    "owner_id",
    "organization_id",
    "stage_id",
    "pipeline_id",
    "position",
)


def deal_board(
    *,
    viewer: User,
    pipeline: Pipeline,
    filters: dict[str, Any] | None = None,
    cards_per_stage: int = BOARD_CARDS_PER_STAGE,
) -> list[BoardColumn]:
    """The kanban: each active stage with its first cards and its count and totals per currency.
    ``cards_per_stage=0`` gives the counts and totals alone (for summaries)."""
    stages = getattr(pipeline, "active_stages", None)  # prefetched by pipeline_list/_get
    if stages is None:
        stages = list(pipeline.stages.filter(is_archived=False).order_by("position", "id"))
    base = _deal_filters(deals_visible(viewer).filter(pipeline=pipeline), filters or {})
    counts: dict[int, int] = {}
    sums: dict[int, tuple[Decimal, int]] = {}
    # A hidden amount is not summed either: the totals are left out.
    shows_amount = policy.field_access(viewer, "deal").shows("amount")
    sums_of = _sums_of(viewer) if shows_amount else _SUMS
    summed: set[int] = set()
    rows: Any = base.order_by().values("stage_id").annotate(**sums_of)
    for row in rows:
        counts[row["stage_id"]] = row["n"]
        sums[row["stage_id"]] = (row["total"] or Decimal(0), row["unconverted"])
        summed.update(_summed_ids(row))
    to_viewer = company_to_viewer(viewer) if shows_amount else None
    if to_viewer is not None:
        note_shown(viewer, "deal", summed, ["amount"], via="total")
    columns = []
    for stage in stages:
        cards: list[Deal] = []
        if cards_per_stage and counts.get(stage.pk):
            # The column's cards along deal_board_order_idx; their organizations, owners and
            # rights are read below for the whole board at once (joined, PostgreSQL hashes
            # every organization to join a page of fifty cards).
            cards = list(
                base.filter(stage=stage)
                .only(*BOARD_CARD_FIELDS)
                .order_by("-position", "-id")[:cards_per_stage]
            )
        columns.append(
            BoardColumn(
                stage=stage,
                deals=cards,
                count=counts.get(stage.pk, 0),
                total=money_total(*sums.get(stage.pk, (Decimal(0), 0)), to_viewer)
                if to_viewer is not None
                else None,
            )
        )
    board = [card for column in columns for card in column.deals]
    if board:
        _attach(board, "organization", Organization.objects.only("id", "name", "owner_id"))
        _attach(board, "owner", User.objects.only("id", "full_name", "email"))
        policy.show_links(viewer, board, record_type="deal", field="organization")
        editable = policy.editable_among(viewer, "deal", board)
        for card in board:
            card.can_edit = card.pk in editable  # type: ignore[attr-defined]
    return columns


# --- leads -----------------------------------------------------------------------------
def leads_visible(viewer: User) -> QuerySet[Lead]:
    return Lead.objects.filter(visible_q(viewer, "lead"))


def _leads_filtered(viewer: User, query: ListQuery) -> tuple[QuerySet[Lead], Any]:
    policy.check_list(viewer, "lead", query.filters, query.sort)
    qs = Lead.objects.all()
    f = query.filters
    if status := f.get("status"):
        if status not in Lead.Status.values:
            raise ValidationFailed(fields={"status": _("Not a lead status.")})
        qs = qs.filter(status=status)
    if owner := f.get("owner_id"):
        qs = qs.filter(owner_id=parse_id(owner, "owner_id"))
    if source := f.get("source"):
        qs = qs.filter(source__iexact=str(source))
    if tag := f.get("tag"):
        qs = qs.filter(tags__name__iexact=str(tag))
    if text := (f.get("name") or "").strip():
        qs = qs.filter(full_name__icontains=text)
    if job := f.get("import"):
        qs = records_from_import(qs, viewer=viewer, job_id=job, record_type="lead")
    return custom_list_query(qs, record_type="lead", query=query)


def leads_matching(*, viewer: User, query: ListQuery) -> QuerySet[Lead]:
    """Every lead the list shows for ``query.filters``, on every page (as ``deals_matching``)."""
    qs, _order = _leads_filtered(viewer, replace(query, sort=""))
    return qs.filter(visible_q(viewer, "lead"))


def lead_list(*, viewer: User, query: ListQuery) -> Page[Lead]:
    qs, custom_order = _leads_filtered(viewer, query)
    qs = qs.select_related("owner").prefetch_related("tags")
    page = paginate(
        qs,
        order=custom_order or sort_order(query.sort, LEAD_SORTS, "-created"),
        limit=query.limit,
        cursor=query.cursor,
        branches=visible_branches(viewer, "lead"),
    )
    show_custom_links(viewer, "lead", page.items)
    return page


def lead_get(*, viewer: User, lead_id: int, written: bool = False) -> Lead:
    """A lead the viewer may see (``written``: one they have just written), with what it was
    converted into where the viewer may see it (``shown_converted_person`` ...)."""
    lead = (
        (Lead.objects.all() if written else leads_visible(viewer))
        .select_related("owner", "converted_person", "converted_organization", "converted_deal")
        .prefetch_related("tags")
        .filter(pk=lead_id)
        .first()
    )
    if lead is None:
        raise NotFound(_("No such lead."))
    for field, link_type in (
        ("converted_person", "person"),
        ("converted_organization", "organization"),
        ("converted_deal", "deal"),
    ):
        policy.show_links(viewer, [lead], record_type="lead", field=field, link_type=link_type)
    show_custom_links(viewer, "lead", [lead])
    return lead


def lead_get_for_update(*, viewer: User, lead_id: int) -> Lead:
    lead = lead_get(viewer=viewer, lead_id=lead_id)
    if not Lead.objects.filter(editable_q(viewer, "lead"), pk=lead.pk).exists():
        raise Forbidden()
    return lead


PIPELINE_SORTS = {
    "position": ["position", "id"],
    "name": ["name", "id"],
    "-created": ["-created_at", "-id"],
}


def pipeline_page(*, query: ListQuery) -> Page[Pipeline]:
    """A page of pipelines with their active stages (shared configuration, readable by all)."""
    qs = Pipeline.objects.all()
    if not query.filters.get("include_archived"):
        qs = qs.filter(is_archived=False)
    stages = Stage.objects.filter(is_archived=False).order_by("position", "id")
    qs = qs.prefetch_related(Prefetch("stages", queryset=stages, to_attr="active_stages"))
    return paginate(
        qs,
        order=sort_order(query.sort, PIPELINE_SORTS, "position"),
        limit=query.limit,
        cursor=query.cursor,
    )


def pipeline_get_for_update(*, viewer: User, pipeline_id: int) -> Pipeline:
    pipeline = pipeline_get(pipeline_id=pipeline_id)
    if viewer.role not in (Role.ADMIN, Role.MANAGER):
        raise Forbidden(_("Only administrators and managers can change pipelines."))
    return pipeline


@dataclass(frozen=True)
class OpenDeals:
    count: int
    total: MoneyTotal  # their amounts, in the viewer's reporting currency


#: What a deal's line in a card shows (the home page's "My open deals", a record's deals card),
#: by attribute: the fields read when marked sensitive (core.sensitive.note_values). An amount is
#: written with its currency.
DEAL_CARD_VALUES: dict[str, Any] = {
    "amount": ("amount", "currency"),
    "expected_close_date": "expected_close_date",
}


def my_open_deal_list(*, viewer: User, limit: int) -> list[Deal]:
    """The viewer's own open deals in every pipeline, last changed first (one query)."""
    return list(
        Deal.objects.filter(owner=viewer, status=Deal.Status.OPEN)
        .select_related("stage", "pipeline")
        .order_by("-updated_at", "-id")[:limit]
    )


def my_open_deals(*, viewer: User) -> OpenDeals:
    """How many open deals the viewer owns, in every pipeline, and the sum of their amounts in
    the viewer's reporting currency (one query, and the rate's when that is not the
    company's)."""
    row = Deal.objects.filter(owner=viewer, status=Deal.Status.OPEN).aggregate(**_sums_of(viewer))
    total = money_total(row["total"] or Decimal(0), row["unconverted"], company_to_viewer(viewer))
    note_shown(viewer, "deal", _summed_ids(row), ["amount"], via="total")
    return OpenDeals(count=row["n"], total=total)


#: A column's or a summary's count, sum in the company currency, and how many amounts had no
#: rate to convert them (an unknown amount is neither summed nor counted as unconverted).
_SUMS = {
    "n": Count("id"),
    "total": Sum("amount_reporting"),
    "unconverted": Count("id", filter=Q(amount__isnull=False, amount_reporting__isnull=True)),
}


def _sums_of(viewer: User) -> dict[str, Any]:
    """``_SUMS``, and when the amount is marked sensitive the ids of the deals summed in the
    same statement: a total shows what its deals' amounts add up to (one deal's amount, in a
    column of one), so it is a read of them (core/sensitive.py), without a query more. The
    marks are the request's, read once for the cards and lines shown beside the total."""
    if "amount" not in sensitive_fields("deal", viewer):
        return _SUMS
    ids = StringAgg(
        Cast("id", output_field=CharField()),
        delimiter=Value(","),
        filter=Q(amount_reporting__isnull=False),
    )
    return {**_SUMS, "summed": ids}


def _summed_ids(row: dict[str, Any]) -> list[int]:
    return [int(pk) for pk in (row.get("summed") or "").split(",") if pk]
