"""people_create_many: each person as person_create makes one (record, contact points, tags,
affiliation, audit row, events, search document), a refused item is its own answer."""

from __future__ import annotations

import pytest

from sambandh.contacts.models import Affiliation, Person
from sambandh.contacts.schemas import PersonIn
from sambandh.contacts.services import person_create
from sambandh.contacts.services.people_batch import people_create_many
from sambandh.core.errors import ValidationFailed
from sambandh.core.models import AuditEvent
from sambandh.events.models import Event
from sambandh.search.models import SearchDocument
from tests.factories import make_organization

pytestmark = pytest.mark.django_db


def _input(name: str, email: str, org_id: int, owner_id: int) -> PersonIn:
    return PersonIn.build(
        {
            "full_name": name,
            "job_title": "Engineer",
            "organization_id": org_id,
            "emails": [{"email": email}],
            "phones": [{"number": "+91 98450 12345"}],
            "addresses": [{"street": "1 MG Road", "city": "Bengaluru", "country": "IN"}],
            "tags": ["vip", "South"],
            "owner_id": owner_id,
        }
    )


def _shape(person: Person) -> dict:
    doc = SearchDocument.objects.get(record_type="person", record_id=person.pk)
    audit = AuditEvent.objects.get(record_type="person", record_id=person.pk, action="create")
    events = sorted(
        Event.objects.filter(record_type="person", record_id=person.pk).values_list(
            "type", flat=True
        )
    )
    changes = {k: v for k, v in audit.changes.items() if k not in ("full_name", "email")}
    return {
        "card": {k: v for k, v in person.contact_card.items() if k != "emails"},
        "tags": person.tag_names,
        "emails": person.emails.count(),
        "affiliations": list(
            Affiliation.objects.filter(person=person).values_list(
                "organization_id", "title", "is_primary"
            )
        ),
        "doc_owner": doc.owner_id,
        "doc_subtitle": doc.subtitle.rsplit(" · ", 1)[0],
        "audit": (changes, audit.source),
        "events": events,
    }


def test_each_person_is_made_as_person_create_makes_one(owner, teammate):
    org = make_organization(owner, name="Acme")
    one = person_create(actor=owner, data=_input("One", "one@example.com", org.pk, teammate.pk))
    many = people_create_many(
        actor=owner,
        items=[
            _input("Two", "two@example.com", org.pk, teammate.pk),
            PersonIn.build({"full_name": "Bad", "emails": [{"email": "nope"}]}),
            _input("Three", "three@example.com", org.pk, teammate.pk),
        ],
    )
    two, bad, three = many
    assert isinstance(bad, ValidationFailed) and "emails.0.email" in bad.fields
    assert isinstance(two, Person) and isinstance(three, Person)
    assert _shape(two) == _shape(one) == _shape(three)
    assert Person.objects.count() == 3
