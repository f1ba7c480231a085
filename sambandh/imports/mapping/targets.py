"""The fields an import column can go to, per record type: the engine turns these keys into
the owning service's payload."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

RECORD_TYPES = ("people", "organizations", "leads", "deals")
KINDS = ("text", "email", "phone", "date", "number", "money", "choice", "list", "link")
#: Targets that several columns may feed: the engine joins their values.
REPEATABLE = frozenset({"tags", "description"})
CUSTOM_PREFIX = "custom."


@dataclass(frozen=True)
class Target:
    key: str
    label: str
    kind: str


#: Every target key: (label, kind). Labels are lazy so each request sees its own language.
_FIELDS: dict[str, tuple[Promise, str]] = {
    "full_name": (_("Full name"), "text"),
    "honorific": (_("Honorific"), "text"),
    "given_name": (_("Given name"), "text"),
    "middle_name": (_("Middle name"), "text"),
    "family_name": (_("Family name"), "text"),
    "job_title": (_("Job title"), "text"),
    "organization": (_("Organization"), "link"),
    "birth_date": (_("Date of birth"), "date"),
    "birth_year": (_("Year of birth"), "number"),
    "birth_month": (_("Month of birth"), "number"),
    "birth_day": (_("Day of birth"), "number"),
    "email": (_("Email"), "email"),
    "email_2": (_("Second email"), "email"),
    "email_3": (_("Third email"), "email"),
    "email_label": (_("Email's label"), "text"),
    "email_2_label": (_("Second email's label"), "text"),
    "email_3_label": (_("Third email's label"), "text"),
    "phone_label": (_("Phone's label"), "text"),
    "other_phone_label": (_("Other phone's label"), "text"),
    "address_label": (_("Address's label"), "text"),
    "phone": (_("Phone"), "phone"),
    "work_phone": (_("Work phone"), "phone"),
    "mobile_phone": (_("Mobile phone"), "phone"),
    "home_phone": (_("Home phone"), "phone"),
    "other_phone": (_("Other phone"), "phone"),
    "fax": (_("Fax"), "phone"),
    "street": (_("Street"), "text"),
    "street_2": (_("Street, line 2"), "text"),
    "street_3": (_("Street, line 3"), "text"),
    "city": (_("City"), "text"),
    "region": (_("State or region"), "text"),
    "postal_code": (_("Postal code"), "text"),
    "country": (_("Country"), "choice"),
    "home_street": (_("Home street"), "text"),
    "home_street_2": (_("Home street, line 2"), "text"),
    "home_city": (_("Home city"), "text"),
    "home_region": (_("Home state or region"), "text"),
    "home_postal_code": (_("Home postal code"), "text"),
    "home_country": (_("Home country"), "choice"),
    "website": (_("Website"), "text"),
    "preferred_language": (_("Preferred language"), "choice"),
    "time_zone": (_("Time zone"), "choice"),
    "currency": (_("Currency"), "choice"),
    "source": (_("Source"), "text"),
    "description": (_("Description"), "text"),
    "tags": (_("Tags"), "list"),
    "owner": (_("Owner"), "link"),
    "external_id": (_("External ID"), "text"),
    "name": (_("Name"), "text"),
    "domain": (_("Domain"), "text"),
    "industry": (_("Industry"), "text"),
    "size": (_("Size"), "choice"),
    "employees": (_("Employees"), "number"),
    "parent": (_("Parent organization"), "link"),
    "company": (_("Company"), "text"),
    "status": (_("Status"), "choice"),
    "amount": (_("Amount"), "money"),
    "pipeline": (_("Pipeline"), "link"),
    "stage": (_("Stage"), "link"),
    "person": (_("Person"), "link"),
    "expected_close_date": (_("Expected close date"), "date"),
    "closed_on": (_("Closed on"), "date"),
    "probability": (_("Probability"), "number"),
}

#: The keys of each record type, in the order a mapping form shows them.
KEYS: dict[str, tuple[str, ...]] = {
    "people": (
        "full_name", "honorific", "given_name", "middle_name", "family_name", "job_title",
        "organization", "birth_date", "birth_year", "birth_month", "birth_day", "email",
        "email_2", "email_3", "email_label", "email_2_label", "email_3_label", "phone",
        "phone_label", "work_phone", "mobile_phone", "home_phone", "other_phone",
        "other_phone_label", "fax", "street", "street_2", "street_3", "city", "region",
        "postal_code", "address_label",
        "country", "home_street", "home_street_2", "home_city", "home_region",
        "home_postal_code", "home_country", "website", "preferred_language", "time_zone",
        "currency", "source", "description", "tags", "owner", "external_id",
    ),
    "organizations": (
        "name", "domain", "website", "industry", "size", "employees", "description", "parent",
        "country", "currency", "time_zone", "email", "phone", "fax", "street", "street_2",
        "city", "region", "postal_code", "tags", "owner", "external_id",
    ),
    "leads": (
        "full_name", "given_name", "family_name", "company", "job_title", "email", "phone",
        "status", "source", "country", "preferred_language", "description", "tags", "owner",
        "external_id",
    ),
    "deals": (
        "name", "amount", "currency", "pipeline", "stage", "organization", "person",
        "expected_close_date", "closed_on", "probability", "source", "description", "tags",
        "owner", "external_id",
    ),
}  # fmt: skip


def check_record_type(record_type: str) -> None:
    if record_type not in KEYS:
        raise ValueError(f"unknown record type {record_type!r}")


def targets(
    record_type: str, *, custom_fields: Iterable[tuple[str, str, str]] = ()
) -> list[Target]:
    """The targets of ``record_type`` in form order, then its custom fields
    (``custom_fields`` = (key, label, kind), as the custom-field registry gives them)."""
    check_record_type(record_type)
    found = [
        Target(key=key, label=str(_FIELDS[key][0]), kind=_FIELDS[key][1])
        for key in KEYS[record_type]
    ]
    for key, label, kind in custom_fields:
        found.append(
            Target(key=CUSTOM_PREFIX + key, label=label, kind=kind if kind in KINDS else "text")
        )
    return found


def target_keys(record_type: str, custom_fields: Iterable[tuple[str, str, str]] = ()) -> set[str]:
    return {target.key for target in targets(record_type, custom_fields=custom_fields)}
