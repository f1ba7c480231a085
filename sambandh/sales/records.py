"""The record types of the sales app, declared once (see sambandh/core/registry.py)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from sambandh.contacts.records import COUNTRY, DESCRIPTION, OWNER, TAGS
from sambandh.core.registry import Field, RecordType


def _deals_visible(viewer: Any) -> Any:
    from sambandh.sales.selectors import deals_visible

    return deals_visible(viewer)


def _leads_visible(viewer: Any) -> Any:
    from sambandh.sales.selectors import leads_visible

    return leads_visible(viewer)


def _deal_reindex(deal: Any) -> None:
    from sambandh.sales.services import deal_reindex

    deal_reindex(deal)


def _deals_linking(record_type: str, record_id: int) -> Any:
    from sambandh.sales.models import Deal

    if record_type != "organization":
        return Deal.objects.none()
    return Deal.objects.filter(organization_id=record_id)


def _lead_reindex(lead: Any) -> None:
    from sambandh.sales.services import lead_reindex

    lead_reindex(lead)


def _deals_searched() -> Any:
    from sambandh.sales.models import Deal

    return Deal.objects.select_related("organization")  # its name is in the document


def _leads_searched() -> Any:
    # A converted lead lives on as its person, organization and deal: it is not searched.
    from sambandh.sales.models import Lead

    return Lead.objects.exclude(status=Lead.Status.CONVERTED)


def _deal_reassign(*, actor: Any, record: Any, owner: Any, version: int | None = None) -> Any:
    from sambandh.sales.schemas import DealFields
    from sambandh.sales.services import deal_update

    return deal_update(
        actor=actor, deal=record, data=DealFields(owner_id=owner.pk), version=version
    )


def _lead_reassign(*, actor: Any, record: Any, owner: Any, version: int | None = None) -> Any:
    from sambandh.sales.services import lead_reassign

    return lead_reassign(actor=actor, lead=record, owner=owner, version=version)


# --- bulk actions (sambandh/bulk): the typed inputs and services, nothing of their own -------
def _deals_matching(*, viewer: Any, query: Any) -> Any:
    from sambandh.sales.selectors import deals_matching

    return deals_matching(viewer=viewer, query=query)


def _leads_matching(*, viewer: Any, query: Any) -> Any:
    from sambandh.sales.selectors import leads_matching

    return leads_matching(viewer=viewer, query=query)


def _deal_filters() -> Any:
    from sambandh.sales.api_deals import DealFilters

    return DealFilters


def _lead_filters() -> Any:
    from sambandh.sales.api_leads import LeadFilters

    return LeadFilters


def _deal_check(values: dict[str, Any]) -> Any:
    from sambandh.sales.schemas import DealFields

    return DealFields.build(values)


def _lead_check(values: dict[str, Any]) -> Any:
    from sambandh.sales.schemas import LeadIn

    return LeadIn.build(values)


def _deal_delete(*, actor: Any, record: Any, version: Any) -> None:
    from sambandh.sales.services import deal_delete

    deal_delete(actor=actor, deal=record, version=version)


def _deal_update(*, actor: Any, record: Any, values: dict[str, Any], version: Any) -> Any:
    from sambandh.sales.services import deal_update

    return deal_update(actor=actor, deal=record, data=_deal_check(values), version=version)


def _lead_delete(*, actor: Any, record: Any, version: Any) -> None:
    from sambandh.sales.services import lead_delete

    lead_delete(actor=actor, lead=record, version=version)


def _lead_update(*, actor: Any, record: Any, values: dict[str, Any], version: Any) -> Any:
    from sambandh.sales.services import lead_update

    return lead_update(actor=actor, lead=record, data=_lead_check(values), version=version)


def _tag_names(record: Any) -> list[str]:
    from sambandh.contacts.records import tag_names

    return tag_names(record)


DEAL = RecordType(
    key="deal",
    default_order=("updated_at", "id"),
    model_label="sales.Deal",
    label=_("deal"),
    label_plural=_("Deals"),
    api_path="deals",
    detail_url="sales:deal_detail",
    edit_url="sales:deal_edit",
    list_url="sales:deal_list",
    icon="deal",
    activity_link="deal",
    visible=_deals_visible,
    reassign=_deal_reassign,
    reindex=_deal_reindex,
    linking=_deals_linking,
    search_records=_deals_searched,
    list_matching=_deals_matching,
    list_filters=_deal_filters,
    update=_deal_update,
    delete=_deal_delete,
    check_values=_deal_check,
    tag_names=_tag_names,
    fields=(
        Field("name", _("Name"), hideable=False, filters=("name",), sorts=("name",)),
        Field(
            "pipeline",
            _("Pipeline"),
            kind="link",
            hideable=False,
            inputs=("pipeline_id",),
            filters=("pipeline_id",),
        ),
        Field(
            "stage",
            _("Stage"),
            kind="link",
            hideable=False,
            outputs=("status",),
            inputs=("stage_id",),
            filters=("stage_id", "status"),
        ),
        Field("amount", _("Amount"), kind="money", sorts=("amount",)),
        Field("currency", _("Currency"), kind="currency", filters=("currency",)),
        Field("probability", _("Probability"), kind="number"),
        Field("expected_close_date", _("Expected close date"), kind="date"),
        Field(
            "organization",
            _("Organization"),
            kind="link",
            link="organization",
            inputs=("organization_id",),
            filters=("organization_id",),
        ),
        Field(
            "people",
            _("People"),
            kind="link",
            link="person",
            inputs=("person_ids",),
            filters=("person_id",),
        ),
        Field("source", _("Source")),
        DESCRIPTION,
        Field("won_reason", _("Won reason")),
        Field("lost_reason", _("Lost reason")),
        TAGS,
        OWNER,
    ),
)

LEAD = RecordType(
    key="lead",
    default_order=("created_at", "id"),
    model_label="sales.Lead",
    label=_("lead"),
    label_plural=_("Leads"),
    api_path="leads",
    detail_url="sales:lead_detail",
    edit_url="sales:lead_edit",
    list_url="sales:lead_list",
    icon="lead",
    activity_link="lead",
    visible=_leads_visible,
    reassign=_lead_reassign,
    reindex=_lead_reindex,
    search_records=_leads_searched,
    list_matching=_leads_matching,
    list_filters=_lead_filters,
    update=_lead_update,
    delete=_lead_delete,
    check_values=_lead_check,
    tag_names=_tag_names,
    fields=(
        Field("full_name", _("Name"), hideable=False, filters=("name",), sorts=("name",)),
        Field("company", _("Company")),
        Field("job_title", _("Job title")),
        Field("email", _("Email")),
        Field("phone", _("Phone")),
        Field("status", _("Status"), kind="choice", hideable=False, filters=("status",)),
        Field("source", _("Source"), filters=("source",)),
        COUNTRY,
        Field("preferred_language", _("Preferred language"), kind="language"),
        Field("description", _("Notes"), kind="long_text"),
        TAGS,
        OWNER,
    ),
)
