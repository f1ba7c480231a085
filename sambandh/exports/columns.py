"""The columns of an export, per record type: what each holds, which field of the registry
governs it (a column of a field hidden from the viewer is left out, not left blank), and how
its value is read from a record, typed for machines (str, int, Decimal, ISO text, None).

A batch of records is read at a time; ``Batch`` holds what its rows link to that takes a
query (owner names, which linked records the viewer may see, tags), read once per batch, so
an export costs a few queries per thousand rows whatever its size.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, prefetch_related_objects
from django.utils.translation import gettext_lazy as _

from sambandh.accounts import policy
from sambandh.core import registry

JOIN = "; "  # between the items of a list in one cell (emails, tags)


@dataclass
class Batch:
    """What a batch of rows links to, read once for the batch."""

    viewer: Any
    owners: dict[int, str] = field(default_factory=dict)
    #: For each record (by id), the custom keys whose lookup value the viewer may not see.
    unseen_custom: dict[int, set[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class Column:
    key: str  # stable, for tests and the vCard writer
    label: Any  # the header, translated when the export starts
    field: str  # the registry field that governs it ("" for the id: always shown)
    value: Callable[[Any, Batch], Any]


@dataclass(frozen=True)
class Layout:
    """How one record type is exported: its columns, and what its queryset and batches need."""

    columns: tuple[Column, ...]
    select_related: tuple[str, ...] = ()
    #: ``(viewer, records) -> None``: per-batch reads (links the viewer may see, prefetches).
    prepare: Callable[[Any, list[Any]], None] | None = None


def iso(value: Any) -> str | None:
    """A date or a time as ISO 8601 (times in UTC, with Z)."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        text = value.astimezone(dt.UTC).isoformat()
        return text.replace("+00:00", "Z")
    return str(value.isoformat())


def _attr(name: str) -> Callable[[Any, Batch], Any]:
    return lambda r, b: getattr(r, name)


def _owner(r: Any, b: Batch) -> str:
    return b.owners.get(r.owner_id, "")


def _shown_name(name: str) -> Callable[[Any, Batch], Any]:
    def read(r: Any, b: Batch) -> Any:
        linked = getattr(r, f"shown_{name}", None)
        return str(linked) if linked is not None else None

    return read


def _shown_id(name: str) -> Callable[[Any, Batch], Any]:
    def read(r: Any, b: Batch) -> Any:
        linked = getattr(r, f"shown_{name}", None)
        return linked.pk if linked is not None else None

    return read


def _tags(r: Any, b: Batch) -> str:
    names = getattr(r, "tag_names", None)
    if not isinstance(names, list):
        names = sorted(t.name for t in r.tags.all())
    return JOIN.join(names)


def _card(kind: str, key: str) -> Callable[[Any, Batch], Any]:
    def read(r: Any, b: Batch) -> str:
        return JOIN.join(str(e.get(key) or "") for e in (r.contact_card or {}).get(kind, []))

    return read


def _primary_address(part: str) -> Callable[[Any, Batch], Any]:
    def read(r: Any, b: Batch) -> Any:
        entries = (r.contact_card or {}).get("addresses") or []
        return entries[0].get(part) or None if entries else None

    return read


def _related(kind: str, key: str) -> Callable[[Any, Batch], Any]:
    """A list of an organization's contact points (prefetched), primary first."""

    def read(r: Any, b: Batch) -> str:
        points = sorted(getattr(r, kind).all(), key=lambda p: (not p.is_primary, p.pk))
        return JOIN.join(str(getattr(p, key) or "") for p in points)

    return read


def _related_address(part: str) -> Callable[[Any, Batch], Any]:
    def read(r: Any, b: Batch) -> Any:
        points = sorted(r.addresses.all(), key=lambda p: (not p.is_primary, p.pk))
        return (getattr(points[0], part) or None) if points else None

    return read


def _common_end() -> tuple[Column, ...]:
    return (
        Column("tags", _("Tags"), "tags", _tags),
        Column("owner", _("Owner"), "owner", _owner),
        Column("created_at", _("Created"), "", lambda r, b: iso(r.created_at)),
        Column("updated_at", _("Updated"), "", lambda r, b: iso(r.updated_at)),
    )


def _address_columns(read: Callable[[str], Callable[[Any, Batch], Any]]) -> tuple[Column, ...]:
    return (
        Column("street", _("Street"), "addresses", read("street")),
        Column("city", _("City"), "addresses", read("city")),
        Column("region", _("State / region"), "addresses", read("region")),
        Column("postal_code", _("Postal code"), "addresses", read("postal_code")),
        Column("address_country", _("Address country"), "addresses", read("country")),
    )


def _prepare_people(viewer: Any, records: list[Any]) -> None:
    policy.show_links(viewer, records, record_type="person", field="organization")


def _prepare_organizations(viewer: Any, records: list[Any]) -> None:
    prefetch_related_objects(records, "emails", "phones", "addresses", "tags")
    policy.show_links(viewer, records, record_type="organization", field="parent")


def _prepare_deals(viewer: Any, records: list[Any]) -> None:
    from sambandh.contacts.selectors import people_visible

    # Only the people the viewer may see: a link to anyone else shows neither name nor id.
    seen = people_visible(viewer).only("id", "full_name").order_by("full_name", "id")
    prefetch_related_objects(records, "tags", Prefetch("people", queryset=seen))
    policy.show_links(viewer, records, record_type="deal", field="organization")


def _prepare_leads(viewer: Any, records: list[Any]) -> None:
    prefetch_related_objects(records, "tags")


PERSON = Layout(
    select_related=("organization",),
    prepare=_prepare_people,
    columns=(
        Column("id", _("ID"), "", _attr("pk")),
        Column("full_name", _("Name"), "full_name", _attr("full_name")),
        Column("honorific", _("Honorific"), "full_name", _attr("honorific")),
        Column("given_name", _("Given name"), "full_name", _attr("given_name")),
        Column("family_name", _("Family name"), "full_name", _attr("family_name")),
        Column("job_title", _("Job title"), "job_title", _attr("job_title")),
        Column("organization", _("Organization"), "organization", _shown_name("organization")),
        Column("organization_id", _("Organization ID"), "organization", _shown_id("organization")),
        Column("email", _("Email"), "emails", _attr("email")),
        Column("emails", _("Email addresses"), "emails", _card("emails", "email")),
        Column("phone", _("Phone"), "phones", _attr("phone")),
        Column("phones", _("Phone numbers"), "phones", _card("phones", "number")),
        *_address_columns(_primary_address),
        Column(
            "preferred_language",
            _("Preferred language"),
            "preferred_language",
            _attr("preferred_language"),
        ),
        Column("time_zone", _("Time zone"), "time_zone", _attr("time_zone")),
        Column("birth_date", _("Date of birth"), "birth_date", lambda r, b: iso(r.birth_date)),
        Column("currency", _("Currency"), "currency", _attr("currency")),
        Column("country", _("Country"), "country", _attr("country")),
        Column("source", _("Source"), "source", _attr("source")),
        Column("description", _("About"), "description", _attr("description")),
        *_common_end(),
    ),
)

ORGANIZATION = Layout(
    select_related=("parent",),
    prepare=_prepare_organizations,
    columns=(
        Column("id", _("ID"), "", _attr("pk")),
        Column("name", _("Name"), "name", _attr("name")),
        Column("domain", _("Domain"), "domain", _attr("domain")),
        Column("website", _("Website"), "website", _attr("website")),
        Column("industry", _("Industry"), "industry", _attr("industry")),
        Column("size", _("Size"), "size", _attr("size")),
        Column("parent", _("Parent organization"), "parent", _shown_name("parent")),
        Column("parent_id", _("Parent organization ID"), "parent", _shown_id("parent")),
        Column("emails", _("Email addresses"), "emails", _related("emails", "email")),
        Column("phones", _("Phone numbers"), "phones", _related("phones", "e164")),
        *_address_columns(_related_address),
        Column("country", _("Country"), "country", _attr("country")),
        Column("currency", _("Currency"), "currency", _attr("currency")),
        Column("time_zone", _("Time zone"), "time_zone", _attr("time_zone")),
        Column("description", _("Description"), "description", _attr("description")),
        *_common_end(),
    ),
)


def _people_names(r: Any, b: Batch) -> str:
    return JOIN.join(p.full_name for p in r.people.all())


def _people_ids(r: Any, b: Batch) -> str:
    return JOIN.join(str(p.pk) for p in r.people.all())


def _amount(r: Any, b: Batch) -> Decimal | None:
    from sambandh.currencies.selectors import round_money

    return round_money(r.amount, r.currency) if r.amount is not None else None


DEAL = Layout(
    select_related=("pipeline", "stage", "organization"),
    prepare=_prepare_deals,
    columns=(
        Column("id", _("ID"), "", _attr("pk")),
        Column("name", _("Name"), "name", _attr("name")),
        Column("pipeline", _("Pipeline"), "pipeline", lambda r, b: r.pipeline.name),
        Column("stage", _("Stage"), "stage", lambda r, b: r.stage.name),
        Column("status", _("Status"), "stage", _attr("status")),
        Column("amount", _("Amount"), "amount", _amount),
        Column("currency", _("Currency"), "currency", _attr("currency")),
        Column("probability", _("Probability"), "probability", _attr("probability")),
        Column(
            "expected_close_date",
            _("Expected close date"),
            "expected_close_date",
            lambda r, b: iso(r.expected_close_date),
        ),
        Column("organization", _("Organization"), "organization", _shown_name("organization")),
        Column("organization_id", _("Organization ID"), "organization", _shown_id("organization")),
        Column("people", _("People"), "people", _people_names),
        Column("person_ids", _("People IDs"), "people", _people_ids),
        Column("source", _("Source"), "source", _attr("source")),
        Column("description", _("Description"), "description", _attr("description")),
        Column("won_reason", _("Won reason"), "won_reason", _attr("won_reason")),
        Column("lost_reason", _("Lost reason"), "lost_reason", _attr("lost_reason")),
        Column("closed_at", _("Closed"), "stage", lambda r, b: iso(r.closed_at)),
        *_common_end(),
    ),
)

LEAD = Layout(
    prepare=_prepare_leads,
    columns=(
        Column("id", _("ID"), "", _attr("pk")),
        Column("full_name", _("Name"), "full_name", _attr("full_name")),
        Column("company", _("Company"), "company", _attr("company")),
        Column("job_title", _("Job title"), "job_title", _attr("job_title")),
        Column("email", _("Email"), "email", _attr("email")),
        Column("phone", _("Phone"), "phone", _attr("phone")),
        Column("status", _("Status"), "status", _attr("status")),
        Column("source", _("Source"), "source", _attr("source")),
        Column("country", _("Country"), "country", _attr("country")),
        Column(
            "preferred_language",
            _("Preferred language"),
            "preferred_language",
            _attr("preferred_language"),
        ),
        Column("description", _("Notes"), "description", _attr("description")),
        *_common_end(),
    ),
)

#: What an activity links to, and the record type each link is.
ACTIVITY_LINKS = (
    ("person", _("Person"), _("Person ID")),
    ("organization", _("Organization"), _("Organization ID")),
    ("deal", _("Deal"), _("Deal ID")),
    ("lead", _("Lead"), _("Lead ID")),
)


def _prepare_activities(viewer: Any, records: list[Any]) -> None:
    # A link to a record the viewer may not see shows neither its name nor its id.
    for link, _label, _id_label in ACTIVITY_LINKS:
        policy.show_links(viewer, records, record_type="activity", field=link, link_type=link)


def _assignee(r: Any, b: Batch) -> str:
    user = r.assignee
    return (user.full_name or user.email) if user is not None else ""


def _link_columns() -> tuple[Column, ...]:
    return tuple(
        column
        for link, label, id_label in ACTIVITY_LINKS
        for column in (
            Column(link, label, "", _shown_name(link)),
            Column(f"{link}_id", id_label, "", _shown_id(link)),
        )
    )


ACTIVITY = Layout(
    select_related=("assignee", "person", "organization", "deal", "lead"),
    prepare=_prepare_activities,
    columns=(
        Column("id", _("ID"), "", _attr("pk")),
        Column("kind", _("Kind"), "kind", _attr("kind")),
        Column("subject", _("Subject"), "subject", _attr("subject")),
        Column("body", _("Details"), "body", _attr("body")),
        Column("occurred_at", _("When"), "occurred_at", lambda r, b: iso(r.occurred_at)),
        Column("ends_at", _("Ends"), "occurred_at", lambda r, b: iso(r.ends_at)),
        Column(
            "duration_seconds",
            _("Duration (seconds)"),
            "duration_seconds",
            _attr("duration_seconds"),
        ),
        Column("direction", _("Direction"), "direction", _attr("direction")),
        Column("outcome", _("Outcome"), "outcome", _attr("outcome")),
        Column("due_at", _("Due"), "due_at", lambda r, b: iso(r.due_at)),
        Column("done_at", _("Done"), "due_at", lambda r, b: iso(r.done_at)),
        Column("assignee", _("Assigned to"), "assignee", _assignee),
        *_link_columns(),
        Column("owner", _("Author"), "owner", _owner),
        Column("created_at", _("Created"), "", lambda r, b: iso(r.created_at)),
        Column("updated_at", _("Updated"), "", lambda r, b: iso(r.updated_at)),
    ),
)

LAYOUTS: dict[str, Layout] = {
    "person": PERSON,
    "organization": ORGANIZATION,
    "deal": DEAL,
    "lead": LEAD,
    "activity": ACTIVITY,
}


def layout_for(rt: registry.RecordType) -> Layout | None:
    return LAYOUTS.get(rt.key)


# --- custom fields ---------------------------------------------------------------------------
def _custom_value(cf: Any) -> Callable[[Any, Batch], Any]:
    key, kind = cf.key, cf.type

    def read(r: Any, b: Batch) -> Any:
        value = (r.custom or {}).get(key)
        if value is None or key in b.unseen_custom.get(r.pk, ()):
            return None
        if kind == "money" and isinstance(value, dict):
            return _decimal(value.get("amount"))
        if kind == "number" and not isinstance(value, bool):
            return _decimal(value)
        if kind == "multi_picklist" and isinstance(value, list):
            return JOIN.join(str(v) for v in value)
        if kind == "boolean":
            return "true" if value else "false"
        if isinstance(value, dict | list):
            return str(value)
        return value

    return read


def _custom_currency(key: str) -> Callable[[Any, Batch], Any]:
    def read(r: Any, b: Batch) -> Any:
        value = (r.custom or {}).get(key)
        return value.get("currency") if isinstance(value, dict) else None

    return read


def _decimal(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value))
    except ArithmeticError:
        return None


def custom_columns(record_type: str) -> tuple[Column, ...]:
    """The active custom fields of ``record_type``, in their order: one column each, and a
    currency column after a money field's amount."""
    from django.utils.translation import get_language

    from sambandh.customfields.selectors import definitions

    columns: list[Column] = []
    for cf in definitions(record_type):
        label = cf.label_in(get_language() or "en")
        columns.append(Column(cf.name, label, cf.name, _custom_value(cf)))
        if cf.type == "money":
            currency = _("%(field)s (currency)") % {"field": label}
            columns.append(
                Column(f"{cf.name}.currency", currency, cf.name, _custom_currency(cf.key))
            )
    return tuple(columns)


def owner_names(ids: Iterable[int], known: dict[int, str]) -> None:
    """Add to ``known`` the names of the owners ``ids`` it lacks (one query)."""
    wanted = sorted({i for i in ids if i not in known})
    if not wanted:
        return
    rows = get_user_model().objects.filter(pk__in=wanted).values_list("pk", "full_name", "email")
    for pk, full_name, email in rows:
        known[pk] = full_name or email
