"""insert_rows (core/copy_insert.py) writes the rows insert_many writes of the same objects:
the given values, every other field's default, JSON and nulls alike (COPY on PostgreSQL, the
objects' bulk_create elsewhere); and insert_many leaves a database default to the database."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from sambandh.contacts.models import EmailAddress, Person
from sambandh.core.copy_insert import _row_plan, insert_many, insert_rows
from sambandh.core.models import AuditEvent
from sambandh.events.models import Event
from tests.factories import make_person, make_user

pytestmark = pytest.mark.django_db

_MOVING = {"id", "at", "created_at", "updated_at"}


def _rows(model: Any, ids: list[int]) -> list[dict[str, Any]]:
    found = model.objects.filter(pk__in=ids).order_by("pk").values()
    return [{k: v for k, v in row.items() if k not in _MOVING} for row in found]


def _new_ids(model: Any, before: set[int]) -> list[int]:
    return sorted(set(model.objects.values_list("pk", flat=True)) - before)


def test_audit_rows_are_those_of_the_objects():
    actor = make_user()
    columns = ("actor_id", "action", "record_type", "record_id", "changes", "summary", "source")
    values = [
        (actor.pk, "create", "person", 7, {"full_name": [None, "Asha"]}, "Asha", "import"),
        (None, "create", "person", 8, {}, "", "system"),
        (actor.pk, "update", "person", None, {"tags": [["a"], ["a", "b"]]}, "x" * 300, "web"),
    ]
    before = set(AuditEvent.objects.values_list("pk", flat=True))
    insert_many(AuditEvent, [AuditEvent(**dict(zip(columns, v, strict=True))) for v in values])
    by_objects = _new_ids(AuditEvent, before)
    if connection.vendor == "postgresql":  # COPYed as values, not made into objects first
        assert _row_plan(AuditEvent, columns, False) is not None
    before = set(AuditEvent.objects.values_list("pk", flat=True))
    assert insert_rows(AuditEvent, columns, values) == []
    by_rows = _new_ids(AuditEvent, before)
    assert len(by_rows) == 3
    assert _rows(AuditEvent, by_rows) == _rows(AuditEvent, by_objects)
    assert _rows(AuditEvent, by_rows)[1]["ip"] is None
    assert _rows(AuditEvent, by_rows)[0]["changes_format"] == 2  # a default


def test_contact_points_and_events_with_their_ids():
    owner = make_user()
    person = make_person(owner, full_name="Asha Rao")
    columns = ("person_id", "email", "label", "is_primary")
    values = [(person.pk, "a@b.example", "work", True), (person.pk, "c@d.example", "", False)]
    before = set(EmailAddress.objects.values_list("pk", flat=True))
    insert_many(EmailAddress, [EmailAddress(**dict(zip(columns, v, strict=True))) for v in values])
    by_objects = _new_ids(EmailAddress, before)
    before = set(EmailAddress.objects.values_list("pk", flat=True))
    insert_rows(EmailAddress, columns, values)
    assert _rows(EmailAddress, _new_ids(EmailAddress, before)) == _rows(EmailAddress, by_objects)

    event_columns = ("type", "record_type", "record_id", "actor_id", "fields", "data")
    event_values = [("person.created", "person", person.pk, owner.pk, ["email"], {"n": 1})] * 2
    ids = insert_rows(Event, event_columns, event_values, ids=True)
    assert len(ids) == 2 and ids == sorted(ids)
    assert [r["fields"] for r in _rows(Event, ids)] == [["email"], ["email"]]
    assert Event.objects.get(pk=ids[0]).data == {"n": 1}


def test_a_column_that_is_not_a_field_is_refused_as_by_the_model():
    with pytest.raises(TypeError):
        insert_rows(EmailAddress, ("nonsense",), [("x",)])


def test_a_row_of_the_wrong_length_is_refused():
    with pytest.raises(ValueError):
        insert_rows(EmailAddress, ("email", "label"), [("a@b.example",)])


def test_a_database_default_is_the_databases_and_the_objects():
    owner = make_user()
    people = [Person(full_name="A", given_name="A", family_name="", owner=owner)]
    insert_many(Person, people, ids=True)
    assert people[0].pk is not None
    assert people[0].honorific == ""  # as bulk_create's RETURNING leaves it
    stored = Person.objects.get(pk=people[0].pk)
    assert (stored.honorific, stored.residency) == ("", "")
