"""The person record the database builds (contacts/record_json.py) is the person as the rows
hold it, in the PersonOut shape, on SQLite and on PostgreSQL."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from sambandh.accounts.services import record_share
from sambandh.contacts import services
from sambandh.contacts.models import Person
from sambandh.contacts.schemas import PersonIn, PersonOut
from sambandh.contacts.selectors import person_json
from sambandh.contacts.tests.rows import lists_from_rows
from sambandh.core.errors import ValidationFailed
from sambandh.customfields.services import custom_field_create
from tests.factories import make_organization, make_person, make_user

pytestmark = pytest.mark.django_db


def api_time(value: datetime) -> str:
    """A datetime as every API endpoint writes it (ninja renders with Django's JSON encoder)."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def from_rows(person_id: int) -> dict[str, Any]:
    """The API record computed the slow way: the ORM's rows, ordered as the API shows them."""
    p = Person.objects.select_related("organization", "owner").get(pk=person_id)
    lists = lists_from_rows(p)
    return {
        "id": p.pk,
        "version": p.version,
        "full_name": p.full_name,
        "honorific": p.honorific,
        "given_name": p.given_name,
        "family_name": p.family_name,
        "job_title": p.job_title,
        "birth_date": p.birth_date.isoformat() if p.birth_date else None,
        "email": p.email,
        "phone": p.phone,
        "organization": {"id": p.organization.pk, "name": p.organization.name}
        if p.organization
        else None,
        "emails": lists["emails"],
        "phones": lists["phones"],
        "addresses": lists["addresses"],
        "preferred_language": p.preferred_language,
        "time_zone": p.time_zone,
        "currency": p.currency,
        "country": p.country,
        "source": p.source,
        "residency": p.residency,
        "description": p.description,
        "tags": lists["tags"],
        "owner": {"id": p.owner.pk, "name": str(p.owner)},
        "custom": p.custom,
        "created_at": api_time(p.created_at),
        "updated_at": api_time(p.updated_at),
    }


def read(viewer: Any, person: Person) -> dict[str, Any]:
    found = person_json(viewer=viewer, person_id=person.pk)
    assert found is not None
    body, version = found
    assert version == Person.objects.get(pk=person.pk).version
    # the PersonOut schema accepts it as it is, and it says what the rows say
    PersonOut.model_validate_json(body)
    return json.loads(body)


def _define(admin, *fields):
    for key, kind, options in fields:
        custom_field_create(
            actor=admin,
            data={"record_type": "person", "key": key, "label": key, "type": kind}
            | ({"options": options} if options else {}),
        )


def test_a_full_person_reads_as_its_rows(owner, admin_user):
    # given a person with everything: an organization, several contact points, tags, custom
    _define(
        admin_user,
        ("segment", "text", None),
        ("score", "number", None),
        ("ok", "boolean", None),
        ("list", "multi_picklist", ["x", "ૐ"]),
        ("none", "text", None),
    )
    org = make_organization(owner, name='Narmada "Textiles" & Co')
    person = services.person_create(
        actor=owner,
        data=PersonIn.build(
            {
                "given_name": "Hetal",
                "family_name": "Patel",
                "job_title": "Head of Buying",
                "birth_date": "1984-02-29",
                "organization_id": org.pk,
                "preferred_language": "gu",
                "time_zone": "Asia/Kolkata",
                "currency": "INR",
                "country": "IN",
                "source": "Trade fair",
                "description": 'Line one\nline "two" \\ three',
                "custom": {
                    "segment": "Retail",
                    "score": 7,
                    "ok": True,
                    "list": ["x", "ૐ"],
                    "none": None,
                },
                "emails": [
                    services.EmailIn("hetal@narmada.in", "work"),
                    services.EmailIn("hetal.p@gmail.com", "personal", True),
                ],
                "phones": [
                    services.PhoneIn("+91 79 2658 1234", "work"),
                    services.PhoneIn("98250 12345"),
                ],
                "addresses": [
                    services.AddressIn("CG Road", "Ahmedabad", "Gujarat", "380009", "IN", "work"),
                    services.AddressIn("Law Garden", "Ahmedabad", "", "", "IN", "home", True),
                ],
                "tags": ["Key account", "VIP", "àccent"],
            }
        ),
    )
    # when it is read as JSON
    document = read(owner, person)
    # then it is exactly the rows, primary contact points first
    assert document == from_rows(person.pk)
    assert [e["email"] for e in document["emails"]] == ["hetal.p@gmail.com", "hetal@narmada.in"]
    assert document["addresses"][0]["street"] == "Law Garden"
    assert document["organization"] == {"id": org.pk, "name": 'Narmada "Textiles" & Co'}
    assert document["owner"] == {"id": owner.pk, "name": "Olivia Owner"}


def test_a_bare_person_reads_as_its_rows(owner):
    person = services.person_create(actor=owner, data=PersonIn.build({"full_name": "సుబ్బలక్ష్మి"}))
    document = read(owner, person)
    assert document == from_rows(person.pk)
    assert document["organization"] is None
    assert (document["emails"], document["phones"], document["addresses"]) == ([], [], [])
    assert document["tags"] == []
    assert document["custom"] == {}


@pytest.mark.parametrize(
    ("microsecond", "written"),
    [
        (0, "2026-03-01T09:30:00Z"),
        (5, "2026-03-01T09:30:00.000Z"),
        (240083, "2026-03-01T09:30:00.240Z"),
        (999999, "2026-03-01T09:30:00.999Z"),
    ],
)
def test_times_are_written_as_every_endpoint_writes_them(owner, api, microsecond, written):
    # given a person created and changed at these times
    person = make_person(owner, full_name="Ana")
    at = datetime(2026, 3, 1, 9, 30, 0, microsecond, tzinfo=UTC)
    Person.objects.filter(pk=person.pk).update(created_at=at, updated_at=at)
    # then the record writes them as the list endpoint (ninja, Django's encoder) does
    document = read(owner, person)
    assert document["created_at"] == document["updated_at"] == written
    listed = api(owner).get("/api/v1/people").json()["items"][0]
    assert listed["updated_at"] == written
    assert document == from_rows(person.pk)


def test_an_owner_without_a_name_is_shown_by_email(team):
    nameless = make_user("sales_rep", email="nameless@example.com", full_name="", team=team)
    person = make_person(nameless, full_name="Kenji")
    assert read(nameless, person)["owner"] == {"id": nameless.pk, "name": "nameless@example.com"}


def test_the_record_follows_updates(owner):
    # given a person with an email and a tag
    person = services.person_create(
        actor=owner,
        data=PersonIn.build(
            {
                "full_name": "Lucía",
                "emails": [services.EmailIn("lucia@example.es")],
                "tags": ["Lead"],
            }
        ),
    )
    # when only the phones change, then only the tags
    person = services.person_update(
        actor=owner,
        person=person,
        data=PersonIn.build({"phones": [services.PhoneIn("+34 612 34 56 78")]}),
        version=person.version,
    )
    assert read(owner, person) == from_rows(person.pk)
    person = services.person_update(
        actor=owner, person=person, data=PersonIn.build({"tags": []}), version=person.version
    )
    # then the record keeps the email, shows the phone and no tags
    document = read(owner, person)
    assert document == from_rows(person.pk)
    assert [e["email"] for e in document["emails"]] == ["lucia@example.es"]
    assert document["tags"] == []


def test_only_what_the_viewer_may_see(owner, teammate, outsider, manager, admin_user, other_team):
    person = make_person(owner, full_name="Priya")
    assert person_json(viewer=teammate, person_id=person.pk) is None
    assert person_json(viewer=outsider, person_id=person.pk) is None
    assert person_json(viewer=manager, person_id=person.pk) is not None
    assert person_json(viewer=admin_user, person_id=person.pk) is not None
    record_share(actor=owner, record_type="person", record_id=person.pk, team=other_team)
    assert person_json(viewer=outsider, person_id=person.pk) is not None
    assert person_json(viewer=owner, person_id=987_654_321) is None


_text = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=40)


@pytest.fixture
def typed_fields(admin_user):
    _define(admin_user, ("a", "text", None), ("b", "number", None), ("c", "boolean", None))


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    name=_text.filter(str.strip),
    title=_text,
    description=st.text(max_size=200).map(lambda t: t.replace("\x00", "")),
    custom=st.fixed_dictionaries(
        {},
        optional={
            "a": st.one_of(_text, st.none()),
            "b": st.one_of(
                st.integers(-(10**9), 10**9), st.floats(-1e12, 1e12, allow_nan=False), st.none()
            ),
            "c": st.one_of(st.booleans(), st.none()),
        },
    ),
    tags=st.lists(_text.filter(str.strip), max_size=3),
)
def test_any_text_reads_back_as_the_rows_hold_it(
    owner, typed_fields, name, title, description, custom, tags
):
    try:
        person = services.person_create(
            actor=owner,
            data=PersonIn.build(
                {
                    "full_name": name,
                    "job_title": title,
                    "description": description,
                    "custom": custom,
                    "tags": tags,
                }
            ),
        )
    except ValidationFailed:
        assume(False)
    assert read(owner, person) == from_rows(person.pk)
