"""A world for the sensitive-reads sweep (test_sensitive_everywhere.py): every field of every
record type an administrator can mark is marked, and each record holds a value found nowhere
else in any page (a marker), so that a page showing it can be caught in its HTML or JSON."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

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

#: Custom fields of a person, one of each type whose value can be told apart in a page
#: (a yes/no, a lookup's linked name would be found elsewhere too).
CUSTOM_FIELDS: list[tuple[str, str, dict[str, Any]]] = [
    ("passport", "text", {}),
    ("badge", "number", {}),
    ("allowance", "money", {}),
    ("renewal", "date", {}),
    ("tier", "picklist", {"options": ["Zqpickone", "Zqpicktwo"]}),
    ("skills", "multi_picklist", {"options": ["Zqmultione", "Zqmultitwo"]}),
    ("site", "url", {}),
    ("backup_email", "email", {}),
    ("desk_phone", "phone", {}),
    ("checked_at", "datetime", {}),
]
CUSTOM_VALUES = {
    "passport": "ZQPASSPORT",
    "badge": 9182736,
    # Six digits and a decimal part: a four-digit marker turned up by chance in a CSRF token
    # or a timestamp's microseconds.
    "allowance": {"amount": "741852.93", "currency": "EUR"},
    "renewal": "2032-03-29",
    "tier": "Zqpickone",
    "skills": ["Zqmultione"],
    "site": "https://zqcustomsite.example/",
    "backup_email": "zqcustom@example.com",
    "desk_phone": "+91 99022 57813",
    "checked_at": "2033-05-11T09:37:00+00:00",
}

#: A marker: text found as is, or a pattern (a short code, found only as that key's JSON value).
Marker = str | re.Pattern[str]


def _json(key: str, value: str) -> re.Pattern[str]:
    """A key's value in JSON, however spaced (PostgreSQL's own JSON writes ``"key" : "v"``)."""
    return re.compile(rf'"{key}"\s*:\s*"{value}"')


def _code(code: str) -> re.Pattern[str]:
    """A currency code as a word (a CSRF token may hold the same three letters)."""
    return re.compile(rf"(?<![A-Za-z0-9]){code}(?![A-Za-z])")


def _date_markers(iso: str, *target: Any) -> dict[tuple[Marker, ...], Any]:
    """A date as a page or the API may write it (ISO, or in words in the English locale)."""
    day = date.fromisoformat(iso)
    words = (
        day.strftime("%b %d, %Y").replace(" 0", " "),
        day.strftime("%B %d, %Y").replace(" 0", " "),
        day.strftime("%d %b %Y").lstrip("0"),
        day.strftime("%d %B %Y").lstrip("0"),
        day.strftime("%b. %d, %Y").replace(" 0", " "),
        day.strftime("%d/%m/%Y"),
        day.strftime("%m/%d/%Y"),
    )
    return {(iso, *words): target}


#: An option of a select that is not chosen (a form lists every country, currency, option...),
#: and an input's suggestions (the tag names in use, of no one record): not a record's value.
_UNCHOSEN = re.compile(r"<option(?![^>]*\bselected\b)[^>]*>[^<]*</option>", re.S)
_SUGGESTIONS = re.compile(r"<datalist\b.*?</datalist>", re.S)


def visible_values(text: str) -> str:
    """``text`` without the choices a select offers but does not hold, nor suggestions."""
    return _UNCHOSEN.sub("", _SUGGESTIONS.sub("", text))


@dataclass
class World:
    ids: dict[str, int] = field(default_factory=dict)
    #: marker alternatives -> (record type, record id, field)
    markers: dict[tuple[Marker, ...], tuple[str, int, str]] = field(default_factory=dict)


def mark_everything(admin: Any) -> None:
    """Mark every field the settings page lists as sensitive, of every record type."""
    for rt in registry.record_types():
        for item in services_access.field_permission_list(record_type=rt.key):
            sensitive_field_set(
                actor=admin, record_type=rt.key, field=item["field"], sensitive=True
            )


def build(owner: Any, admin: Any, pipeline: Any) -> World:
    for key, kind, extra in CUSTOM_FIELDS:
        custom_field_create(
            actor=admin,
            data={"record_type": "person", "key": key, "label": key.title(), "type": kind, **extra},
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
        size="1001-5000",
        country="TV",
        currency="XCD",
        time_zone="Pacific/Chatham",
        residency="qz-zq7",
        tags=["zqorgtag"],
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
        custom=CUSTOM_VALUES,
        country="KI",
        currency="BTN",
        time_zone="Asia/Kathmandu",
        preferred_language="haw",
        residency="zq-qz8",
        tags=["zqpersontag"],
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
        currency="MNT",
        expected_close_date="2031-07-19",
        tags=["zqdealtag"],
    )
    lead = make_lead(
        owner,
        full_name="Lena Fischer",
        company="Zqcompany",
        job_title="Zqleadjob",
        email="zqlead@example.com",
        source="Zqleadsource",
        description="Zqleadnotes",
        phone="+91 99021 46813",
        status="unqualified",
        country="FJ",
        preferred_language="yo",
        tags=["zqleadtag"],
    )
    note = make_activity(
        owner,
        "note",
        body="Zqnotebody",
        person_id=person.pk,
        deal_id=deal.pk,
        occurred_at="2024-02-13T10:15:00+00:00",
    )
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
        due_at="2031-08-22T10:00:00+00:00",
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
        ("9182736", "9,182,736", "9.182.736"): ("person", p, "custom.badge"),
        ("741852.93", "741,852.93", "741.852,93"): ("person", p, "custom.allowance"),
        **_date_markers("2032-03-29", "person", p, "custom.renewal"),
        ("Zqpickone",): ("person", p, "custom.tier"),
        ("Zqmultione",): ("person", p, "custom.skills"),
        ("zqcustomsite.example",): ("person", p, "custom.site"),
        ("zqcustom@example.com",): ("person", p, "custom.backup_email"),
        ("9902257813", "99022 57813"): ("person", p, "custom.desk_phone"),
        **_date_markers("2033-05-11", "person", p, "custom.checked_at"),
        **_date_markers("2024-02-13", "activity", note.pk, "occurred_at"),
        **_date_markers("2031-08-22", "activity", task.pk, "due_at"),
        ("Kiribati", _json("country", "KI")): ("person", p, "country"),
        (_code("BTN"), "Bhutanese"): ("person", p, "currency"),
        ("Asia/Kathmandu", "Kathmandu"): ("person", p, "time_zone"),
        ("Hawaiian", _json("preferred_language", "haw")): ("person", p, "preferred_language"),
        ("zq-qz8",): ("person", p, "residency"),
        ("zqpersontag",): ("person", p, "tags"),
        ("1,001–5,000", "1001-5000"): ("organization", o, "size"),
        ("Tuvalu", _json("country", "TV")): ("organization", o, "country"),
        (_code("XCD"), "East Caribbean"): ("organization", o, "currency"),
        ("Pacific/Chatham", "Chatham"): ("organization", o, "time_zone"),
        ("qz-zq7",): ("organization", o, "residency"),
        ("zqorgtag",): ("organization", o, "tags"),
        (_code("MNT"), "Mongolian"): ("deal", d, "currency"),
        **_date_markers("2031-07-19", "deal", d, "expected_close_date"),
        ("zqdealtag",): ("deal", d, "tags"),
        ("9902146813", "99021 46813"): ("lead", ld, "phone"),
        ("Fiji", _json("country", "FJ")): ("lead", ld, "country"),
        ("Yoruba", _json("preferred_language", "yo")): ("lead", ld, "preferred_language"),
        ("zqleadtag",): ("lead", ld, "tags"),
        (">Unqualified<", _json("status", "unqualified")): ("lead", ld, "status"),
        (">Outbound<", _json("direction", "out")): ("activity", call.pk, "direction"),
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
    text = visible_values(text)
    for alternatives, (record_type, record_id, name) in world.markers.items():
        if found(text, alternatives) and not covered(rows, record_type, record_id, name):
            missing.append(f"{record_type}.{name}")
    return missing


def shown(world: World, text: str) -> set[tuple[str, str]]:
    """The (record type, field) of every marker ``text`` shows."""
    text = visible_values(text)
    return {(t, name) for alts, (t, _, name) in world.markers.items() if found(text, alts)}


def found(text: str, alternatives: tuple[Marker, ...]) -> bool:
    return any(m.search(text) if isinstance(m, re.Pattern) else m in text for m in alternatives)
