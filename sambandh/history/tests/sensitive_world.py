"""A world for the sensitive-reads sweep (test_sensitive_everywhere.py): every field of every
record type an administrator can mark is marked, and each record holds a value found nowhere
else in any page (a marker), so that a page showing it can be caught in its HTML or JSON."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.utils import timezone

from sambandh.accounts import services_access
from sambandh.core import registry
from sambandh.customfields.services import custom_field_create
from sambandh.history.sensitive import sensitive_field_set
from tests.factories import (
    make_activity,
    make_deal,
    make_lead,
    make_organization,
    make_person,
)


@dataclass
class World:
    ids: dict[str, int] = field(default_factory=dict)
    #: marker alternatives -> (record type, record id, field)
    markers: dict[tuple[str, ...], tuple[str, int, str]] = field(default_factory=dict)


def mark_everything(admin: Any) -> None:
    """Mark every field the settings page lists as sensitive, of every record type."""
    for rt in registry.record_types():
        for item in services_access.field_permission_list(record_type=rt.key):
            sensitive_field_set(
                actor=admin, record_type=rt.key, field=item["field"], sensitive=True
            )


def build(owner: Any, admin: Any, pipeline: Any) -> World:
    custom_field_create(
        actor=admin,
        data={"record_type": "person", "key": "passport", "label": "Passport", "type": "text"},
    )
    world = World()
    org = make_organization(
        owner,
        name="Kestrel Looms",
        domain="zqorgdomain.example",
        website="https://zqorgsite.example/",
        industry="Zqindustry",
        description="Zqorgabout",
        emails=[{"email": "zqorgmail@example.com"}],
    )
    person = make_person(
        owner,
        full_name="Asha Rao",
        email="zqmail@example.com",
        phone="+91 98450 77731",
        job_title="Zqjobtitle",
        source="Zqpersonsource",
        description="Zqpersonabout",
        organization_id=org.pk,
        addresses=[{"street": "Zqstreet 5", "city": "Pune", "country": "IN"}],
        custom={"passport": "ZQPASSPORT"},
    )
    twin = make_person(owner, full_name="Asha Rao", email="zqtwin@example.com")
    deal = make_deal(
        owner,
        pipeline,
        name="Looms for Diwali",
        amount="73519.28",
        source="Zqdealsource",
        description="Zqdealabout",
        organization_id=org.pk,
        person_ids=[person.pk],
    )
    lead = make_lead(
        owner,
        full_name="Lena Fischer",
        company="Zqcompany",
        job_title="Zqleadjob",
        email="zqlead@example.com",
        source="Zqleadsource",
        description="Zqleadnotes",
    )
    note = make_activity(owner, "note", body="Zqnotebody", person_id=person.pk, deal_id=deal.pk)
    call = make_activity(
        owner,
        "call",
        subject="Call Asha",
        body="Zqcallbody",
        outcome="Zqoutcome",
        direction="out",
        person_id=person.pk,
    )
    task = make_activity(
        owner,
        "task",
        subject="Send the quote",
        body="Zqtaskbody",
        due_at=timezone.now() + timedelta(hours=2),
        assignee=owner,
        person_id=person.pk,
    )
    world.ids = {
        "person": person.pk,
        "twin": twin.pk,
        "organization": org.pk,
        "deal": deal.pk,
        "lead": lead.pk,
        "note": note.pk,
        "call": call.pk,
        "task": task.pk,
    }
    p, o, d, ld = person.pk, org.pk, deal.pk, lead.pk
    world.markers = {
        ("zqorgdomain.example",): ("organization", o, "domain"),
        ("zqorgsite.example",): ("organization", o, "website"),
        ("Zqindustry",): ("organization", o, "industry"),
        ("Zqorgabout",): ("organization", o, "description"),
        ("zqorgmail@example.com",): ("organization", o, "emails"),
        ("zqmail@example.com",): ("person", p, "emails"),
        ("zqtwin@example.com",): ("person", twin.pk, "emails"),
        ("9845077731", "98450 77731", "98450-77731"): ("person", p, "phones"),
        ("Zqjobtitle",): ("person", p, "job_title"),
        ("Zqpersonsource",): ("person", p, "source"),
        ("Zqpersonabout",): ("person", p, "description"),
        ("Zqstreet",): ("person", p, "addresses"),
        ("ZQPASSPORT",): ("person", p, "custom.passport"),
        ("73,519", "73519", "73.519"): ("deal", d, "amount"),
        ("Zqdealsource",): ("deal", d, "source"),
        ("Zqdealabout",): ("deal", d, "description"),
        ("Zqcompany",): ("lead", ld, "company"),
        ("Zqleadjob",): ("lead", ld, "job_title"),
        ("zqlead@example.com",): ("lead", ld, "email"),
        ("Zqleadsource",): ("lead", ld, "source"),
        ("Zqleadnotes",): ("lead", ld, "description"),
        ("Zqnotebody",): ("activity", note.pk, "body"),
        ("Zqcallbody",): ("activity", call.pk, "body"),
        ("Zqoutcome",): ("activity", call.pk, "outcome"),
        ("Zqtaskbody",): ("activity", task.pk, "body"),
    }
    mark_everything(admin)
    return world


def covered(rows: list[Any], record_type: str, record_id: int, name: str) -> bool:
    """Whether one of the "read" rows ``rows`` records ``name`` of that record as shown."""
    for row in rows:
        if row.record_type != record_type or name not in row.changes["fields"][1]:
            continue
        if row.record_id == record_id:
            return True
        if row.record_id is None and record_id in row.changes.get("ids", [None, []])[1]:
            return True
    return False


def unrecorded(world: World, text: str, rows: list[Any]) -> list[str]:
    """The markers ``text`` shows that no row in ``rows`` records."""
    missing = []
    for alternatives, (record_type, record_id, name) in world.markers.items():
        if any(m in text for m in alternatives) and not covered(rows, record_type, record_id, name):
            missing.append(f"{record_type}.{name}")
    return missing
