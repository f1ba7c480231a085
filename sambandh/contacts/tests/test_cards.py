"""A person's contact card and tag names (contacts/cards.py) always say what the rows say:
after every service that writes them, and after the migration that filled them."""

from __future__ import annotations

import importlib
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import connection

from sambandh.contacts import services
from sambandh.contacts.models import Person, empty_contact_card
from sambandh.contacts.schemas import PersonIn
from sambandh.contacts.services_tags import tag_delete, tag_update
from sambandh.contacts.tests.rows import lists_from_rows
from sambandh.core.errors import ValidationFailed
from sambandh.events.worker import run_worker
from tests.factories import make_person

pytestmark = pytest.mark.django_db


def card_from_rows(person_id: int) -> tuple[dict[str, Any], list[str]]:
    lists = lists_from_rows(Person.objects.get(pk=person_id))
    return {k: lists[k] for k in ("emails", "phones", "addresses")}, lists["tags"]


def stored(person_id: int) -> tuple[dict[str, Any], list[str]]:
    p = Person.objects.get(pk=person_id)
    return p.contact_card, p.tag_names


@pytest.fixture
def person(owner):
    return services.person_create(
        actor=owner,
        data=PersonIn.build(
            {
                "full_name": "Omar Al Mansoori",
                "country": "AE",
                "emails": [
                    services.EmailIn("omar@gulf.ae", "work"),
                    services.EmailIn("o@mail.ae", "", True),
                ],
                "phones": [services.PhoneIn("+971 50 123 4567", "mobile")],
                "addresses": [services.AddressIn("Sheikh Zayed Rd", "Dubai", "", "", "AE", "work")],
                "tags": ["Gulf", "Distributor"],
            }
        ),
    )


def test_create_writes_the_card_primary_first(person):
    card, names = stored(person.pk)
    assert (card, names) == card_from_rows(person.pk)
    assert [e["email"] for e in card["emails"]] == ["o@mail.ae", "omar@gulf.ae"]
    assert names == ["Distributor", "Gulf"]


@pytest.mark.parametrize(
    "change",
    [
        {"emails": [services.EmailIn("new@gulf.ae")]},
        {"phones": []},
        {"addresses": [services.AddressIn(city="Sharjah", country="AE", is_primary=True)]},
        {"tags": ["Gulf"]},
        {"job_title": "CEO"},
    ],
)
def test_each_update_keeps_the_card_in_step(owner, person, change):
    services.person_update(actor=owner, person=person, data=PersonIn.build(change), version=1)
    assert stored(person.pk) == card_from_rows(person.pk)


def test_a_refused_update_leaves_the_card_as_it_was(owner, person):
    before = stored(person.pk)
    with pytest.raises(ValidationFailed):
        services.person_update(
            actor=owner,
            person=person,
            data=PersonIn.build(
                {"emails": [services.EmailIn("fine@gulf.ae")], "phones": [services.PhoneIn("12")]}
            ),
            version=1,
        )
    assert stored(person.pk) == before


def test_renaming_and_deleting_a_tag_rewrites_every_card(owner, manager, person):
    # given a second person with the same tag, and one without it
    other = services.person_create(
        actor=owner, data=PersonIn.build({"full_name": "Ada", "tags": ["Gulf"]})
    )
    untouched = make_person(owner, full_name="Zed")
    gulf = person.tags.get(name="Gulf")
    # when a manager renames it, the request leaves the cards to the worker
    tag_update(actor=manager, tag=gulf, version=gulf.version, name="GCC")
    assert stored(other.pk)[1] == ["Gulf"]
    run_worker(until_idle=True)
    assert stored(person.pk)[1] == ["Distributor", "GCC"]
    assert stored(other.pk)[1] == ["GCC"]
    # and then deletes it
    gulf.refresh_from_db()
    tag_delete(actor=manager, tag=gulf, version=gulf.version)
    # then every card follows the rows
    for p in (person, other, untouched):
        assert stored(p.pk) == card_from_rows(p.pk)
    assert stored(other.pk)[1] == []


def test_the_migration_fills_cards_from_the_rows(owner, person):
    # given people whose copies are blank, as before the migration
    second = make_person(
        owner, full_name="Kenji", email="kenji@example.jp", phone="+81 90 1234 5678"
    )
    Person.objects.update(contact_card=empty_contact_card(), tag_names=[])
    migration = importlib.import_module("sambandh.contacts.migrations.0002_person_contact_card")
    # when its fill runs

    def execute(sql: str) -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql)

    migration.fill_from_rows(None, SimpleNamespace(connection=connection, execute=execute))
    # then every card says what the rows say
    for p in (person, second):
        assert stored(p.pk) == card_from_rows(p.pk)
    assert stored(person.pk)[1] == ["Distributor", "Gulf"]
