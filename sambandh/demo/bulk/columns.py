"""The columns the large demo writes, table by table, in the order of its rows; the load is
refused when a model has gained or lost one."""

from __future__ import annotations

from django.db import models

from sambandh.activities.models import Activity
from sambandh.contacts.models import (
    Affiliation,
    EmailAddress,
    Organization,
    Person,
    PhoneNumber,
    PostalAddress,
)
from sambandh.core.models import AuditEvent
from sambandh.sales.models import Deal, Lead, StageChange
from sambandh.search.models import SearchDocument


def _columns(model: type[models.Model]) -> list[str]:
    return [str(f.column) for f in model._meta.concrete_fields]


ORG_COLUMNS = (
    "id",
    "created_at",
    "updated_at",
    "owner_id",
    "version",
    "custom",
    "name",
    "domain",
    "website",
    "industry",
    "size",
    "description",
    "parent_id",
    "country",
    "currency",
    "time_zone",
    "residency",
)
PERSON_COLUMNS = (
    "id",
    "created_at",
    "updated_at",
    "owner_id",
    "version",
    "custom",
    "honorific",
    "given_name",
    "family_name",
    "full_name",
    "job_title",
    "birth_date",
    "email",
    "phone",
    "organization_id",
    "preferred_language",
    "time_zone",
    "currency",
    "country",
    "source",
    "residency",
    "description",
    "contact_card",
    "tag_names",
)
EMAIL_COLUMNS = (
    "id",
    "created_at",
    "updated_at",
    "label",
    "is_primary",
    "person_id",
    "organization_id",
    "email",
)
PHONE_COLUMNS = (
    "id",
    "created_at",
    "updated_at",
    "label",
    "is_primary",
    "person_id",
    "organization_id",
    "e164",
    "raw",
)
ADDRESS_COLUMNS = (
    "id",
    "created_at",
    "updated_at",
    "label",
    "is_primary",
    "person_id",
    "organization_id",
    "street",
    "city",
    "region",
    "postal_code",
    "country",
)
AFFILIATION_COLUMNS = (
    "id",
    "person_id",
    "organization_id",
    "title",
    "role",
    "is_primary",
    "started_on",
    "ended_on",
    "created_at",
)
SEARCH_COLUMNS = (
    "id",
    "record_type",
    "record_id",
    "owner_id",
    "title",
    "subtitle",
    "title_key",
    "terms",
    "parts",
    "updated_at",
)
AUDIT_COLUMNS = (
    "id",
    "at",
    "actor_id",
    "action",
    "record_type",
    "record_id",
    "changes",
    "changes_format",
    "summary",
    "source",
    "ip",
)
DEAL_COLUMNS = (
    "id",
    "created_at",
    "updated_at",
    "owner_id",
    "version",
    "custom",
    "name",
    "pipeline_id",
    "stage_id",
    "status",
    "amount",
    "currency",
    "amount_reporting",
    "probability",
    "expected_close_date",
    "organization_id",
    "source",
    "description",
    "won_reason",
    "lost_reason",
    "closed_at",
    "stage_entered_at",
    "position",
)
DEAL_PEOPLE_COLUMNS = ("id", "deal_id", "person_id")
STAGE_CHANGE_COLUMNS = (
    "id",
    "deal_id",
    "from_stage_id",
    "to_stage_id",
    "changed_by_id",
    "changed_at",
    "amount",
    "currency",
    "probability",
    "seconds_in_previous",
)
LEAD_COLUMNS = (
    "id",
    "created_at",
    "updated_at",
    "owner_id",
    "version",
    "custom",
    "full_name",
    "company",
    "job_title",
    "email",
    "phone",
    "status",
    "source",
    "country",
    "preferred_language",
    "description",
    "converted_at",
    "converted_person_id",
    "converted_organization_id",
    "converted_deal_id",
)
ACTIVITY_COLUMNS = tuple(_columns(Activity))
COLUMNS: dict[type[models.Model], tuple[str, ...]] = {
    Organization: ORG_COLUMNS,
    Person: PERSON_COLUMNS,
    EmailAddress: EMAIL_COLUMNS,
    PhoneNumber: PHONE_COLUMNS,
    PostalAddress: ADDRESS_COLUMNS,
    Affiliation: AFFILIATION_COLUMNS,
    SearchDocument: SEARCH_COLUMNS,
    AuditEvent: AUDIT_COLUMNS,
    Deal: DEAL_COLUMNS,
    Deal.people.through: DEAL_PEOPLE_COLUMNS,
    StageChange: STAGE_CHANGE_COLUMNS,
    Lead: LEAD_COLUMNS,
    Activity: ACTIVITY_COLUMNS,
}


def check_columns() -> None:
    """Refuse to load when a model gained or lost a column this loader does not write."""
    for model, columns in COLUMNS.items():
        actual = _columns(model)
        if sorted(actual) != sorted(columns):
            raise RuntimeError(
                f"{model._meta.db_table} has columns {actual}; the large demo loader writes "
                f"{list(columns)}: update sambandh/demo/bulk/ (columns.py and its step)"
            )
