"""A lead's duplicate candidates (dedupe/candidates.py): the leads the viewer may see that
probably are the one being typed, and the people too, as a Salesforce or HubSpot user expects
to hear that "this lead is already a contact".

A lead is compared as a person (the engine's people model): its name, its email, its phone and
its company (against a person's organization). Each type is read through its own access: a
lead's email or phone hidden from the viewer is not looked up among leads, a person's among
people, and a record the viewer may not see is never read.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sambandh.accounts import policy
from sambandh.dedupe.candidates import (
    PER_LOOKUP,
    Found,
    _text,
    name_hits,
    people_found,
    typed_contact_points,
)
from sambandh.dedupe.engine.records import MatchRecord, person_record
from sambandh.sales.selectors import leads_visible


def lead_matches(viewer: Any, values: Mapping[str, Any]) -> tuple[MatchRecord, list[Found]]:
    """The typed lead as the engine reads it, and the leads and people found for it."""
    access = policy.field_access(viewer, "lead")
    emails, phones = typed_contact_points(
        viewer,
        values,
        emails_shown=access.shows("email"),
        phones_shown=access.shows("phone"),
    )
    name = _text(values, "full_name")
    company = _text(values, "company") if access.shows("company") else ""
    typed = person_record(id=0, full_name=name, emails=emails, phones=phones, organization=company)
    found = _leads(viewer, access, name=name, emails=emails, phones=phones)
    found += people_found(viewer, name=name, emails=emails, phones=phones)
    return typed, found


def _leads(
    viewer: Any,
    access: policy.FieldAccess,
    *,
    name: str,
    emails: list[str],
    phones: list[str],
) -> list[Found]:
    # A lead's email is indexed; its phone is too (sales migration 0004), so each lookup reads
    # a few rows whatever the number of leads.
    visible = leads_visible(viewer).order_by()
    ids: list[int] = []
    if emails:
        ids += visible.filter(email__in=emails).values_list("id", flat=True)[:PER_LOOKUP]
    if phones:
        ids += visible.filter(phone__in=phones).values_list("id", flat=True)[:PER_LOOKUP]
    ids += name_hits(viewer, "lead", name)
    if not ids:
        return []
    shows_email, shows_phone = access.shows("email"), access.shows("phone")
    shows_company = access.shows("company")
    rows = (
        leads_visible(viewer)
        .filter(pk__in=set(ids))
        .order_by()
        .values_list("id", "full_name", "email", "phone", "company")
    )
    out: list[Found] = []
    for pk, full, email, phone, company in rows:
        record = person_record(
            id=pk,
            full_name=full,
            emails=[email] if email and shows_email else [],
            phones=[phone] if phone and shows_phone else [],
            organization=company if shows_company else "",
        )
        out.append(("lead", record, full, email if shows_email else ""))
    return out
