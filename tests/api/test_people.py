"""/api/v1/people: create, read, update, delete, list; who may see and change what."""

from __future__ import annotations

import pytest

from sambandh.contacts import services as contacts
from sambandh.contacts.models import Person
from sambandh.contacts.schemas import PersonIn
from tests.api.helpers import (
    MISSING_ID,
    assert_error,
    call,
    etag,
    ids_of,
    snapshot,
    walk,
    warm,
)
from tests.factories import make_organization, make_person

pytestmark = pytest.mark.django_db

URL = "/api/v1/people"
DETAIL_KEYS = {
    "id",
    "version",
    "full_name",
    "honorific",
    "given_name",
    "family_name",
    "job_title",
    "birth_date",
    "email",
    "phone",
    "organization",
    "emails",
    "phones",
    "addresses",
    "preferred_language",
    "time_zone",
    "currency",
    "country",
    "source",
    "residency",
    "description",
    "tags",
    "owner",
    "custom",
    "created_at",
    "updated_at",
}
LIST_KEYS = {
    "id",
    "version",
    "full_name",
    "job_title",
    "email",
    "phone",
    "country",
    "organization",
    "tags",
    "owner",
    "updated_at",
}
# Every route that names one person, with a body that would change it.
ROUTES = [
    ("get", "/{id}", None),
    ("patch", "/{id}", {"full_name": "Changed", "version": 1}),
    ("delete", "/{id}?version=1", None),
]


@pytest.fixture
def person(owner):
    return make_person(
        owner,
        full_name="Priya Raman",
        email="priya@example.in",
        phone="+91 98765 43210",
        country="IN",
    )


def test_create_answers_201_with_the_full_record_and_an_etag(api, owner):
    # given an organization the owner can see
    org = make_organization(owner, name="Infosys")
    # when the owner creates a person with contact points and tags
    resp = api(owner).post(
        URL,
        {
            "given_name": "Ravi",
            "family_name": "Kumar",
            "organization_id": org.pk,
            "emails": [{"email": "Ravi@Example.in", "label": "work"}],
            "phones": [{"number": "098765 43210", "label": "mobile"}],
            "country": "IN",
            "tags": ["vip", "Vip"],
        },
    )
    # then the record is whole, normalized, and version 1
    assert resp.status_code == 201, resp.content
    assert resp["ETag"] == etag(1)
    body = resp.json()
    assert set(body) == DETAIL_KEYS
    assert body["full_name"] == "Ravi Kumar"
    assert body["organization"] == {"id": org.pk, "name": "Infosys"}
    assert body["emails"] == [{"email": "ravi@example.in", "label": "work", "is_primary": True}]
    assert body["phones"] == [{"number": "+919876543210", "label": "mobile", "is_primary": True}]
    assert body["tags"] == ["vip"]
    assert body["owner"] == {"id": owner.pk, "name": "Olivia Owner"}
    assert body["version"] == 1
    assert body["created_at"].endswith("Z")
    assert Person.objects.get(pk=body["id"]).email == "ravi@example.in"


def test_create_refuses_bad_input_and_writes_nothing(api, owner):
    # when a person is sent without a name and with a bad email
    resp = api(owner).post(URL, {"job_title": "CTO", "emails": [{"email": "not-an-email"}]})
    # then every problem is named and no person exists
    assert_error(resp, 422, "validation_failed")
    assert set(resp.json()["error"]["fields"]) == {"full_name", "emails.0.email"}
    assert Person.objects.count() == 0


def test_read_answers_the_record_with_its_etag(api, owner, person):
    resp = api(owner).get(f"{URL}/{person.pk}")
    assert resp.status_code == 200
    assert resp["ETag"] == etag(1)
    body = resp.json()
    assert set(body) == DETAIL_KEYS
    assert (body["id"], body["full_name"], body["phone"]) == (
        person.pk,
        "Priya Raman",
        "+919876543210",
    )


def test_update_with_the_version_field(api, owner, person):
    # when the owner changes the title with the version they read
    resp = api(owner).patch(f"{URL}/{person.pk}", {"job_title": "CFO", "version": 1})
    # then the change is saved and the version moves on
    assert resp.status_code == 200, resp.content
    assert resp["ETag"] == etag(2)
    assert (resp.json()["job_title"], resp.json()["version"]) == ("CFO", 2)
    person.refresh_from_db()
    assert (person.job_title, person.version, person.full_name) == ("CFO", 2, "Priya Raman")


def test_update_with_if_match(api, owner, person):
    resp = api(owner).patch(f"{URL}/{person.pk}", {"job_title": "CFO"}, **{"If-Match": etag(1)})
    assert resp.status_code == 200, resp.content
    assert Person.objects.get(pk=person.pk).version == 2


@pytest.mark.parametrize(
    "headers,body",
    [
        ({}, {"job_title": "Late", "version": 1}),
        ({"If-Match": etag(1)}, {"job_title": "Late"}),
    ],
)
def test_stale_update_answers_409_and_changes_nothing(api, owner, person, headers, body):
    # given someone else saved version 2
    contacts.person_update(
        actor=owner, person=person, data=PersonIn.build({"job_title": "CEO"}), version=1
    )
    client = api(owner)
    before = snapshot(person)
    # when a writer still holding version 1 saves
    resp = client.patch(f"{URL}/{person.pk}", body, **headers)
    # then they are told, and the record is as the first writer left it
    assert_error(resp, 409, "version_conflict")
    assert snapshot(person) == before
    assert Person.objects.get(pk=person.pk).job_title == "CEO"


def test_update_without_a_version_answers_428(api, owner, person):
    client = api(owner)
    before = snapshot(person)
    resp = client.patch(f"{URL}/{person.pk}", {"job_title": "CFO"})
    assert_error(resp, 428, "version_required", {"version": "This field is required."})
    assert snapshot(person) == before


def test_update_refuses_unknown_fields(api, owner, person):
    client = api(owner)
    before = snapshot(person)
    resp = client.patch(f"{URL}/{person.pk}", {"version": 1, "salary": 10})
    assert_error(resp, 422, "validation_failed", {"salary": "Unknown field."})
    assert snapshot(person) == before


def test_delete_needs_the_current_version(api, owner, person):
    client = api(owner)
    before = snapshot(person)
    # a delete without a version, then with a stale one, changes nothing
    assert_error(client.delete(f"{URL}/{person.pk}"), 428, "version_required")
    assert_error(client.delete(f"{URL}/{person.pk}?version=7"), 409, "version_conflict")
    assert snapshot(person) == before
    # with the current version the person is gone
    resp = client.delete(f"{URL}/{person.pk}", **{"If-Match": etag(1)})
    assert resp.status_code == 204
    assert not Person.objects.filter(pk=person.pk).exists()


@pytest.mark.parametrize("who", ["outsider", "teammate"])
@pytest.mark.parametrize("method,path,body", ROUTES)
def test_a_hidden_person_answers_404_like_a_missing_one(
    request, api, person, who, method, path, body
):
    # given a person owned by someone the caller may not see
    client = api(request.getfixturevalue(who))
    before = snapshot(person)
    # when the caller names it, and names an id that does not exist
    hidden = call(client, method, URL + path.format(id=person.pk), body)
    missing = call(client, method, URL + path.format(id=MISSING_ID), body)
    # then both answers are the same 404, and the person is untouched
    assert_error(hidden, 404, "not_found")
    assert (hidden.status_code, hidden.json()) == (missing.status_code, missing.json())
    assert snapshot(person) == before


@pytest.mark.parametrize("who", ["outsider", "teammate"])
def test_a_hidden_person_is_not_listed_nor_found_by_filters(request, api, owner, person, who):
    client = api(request.getfixturevalue(who))
    assert walk(client, URL) == []
    assert ids_of(client.get(URL, {"owner_id": owner.pk})) == []
    assert ids_of(client.get(URL, {"email": "priya@example.in"})) == []


@pytest.mark.parametrize("who", ["outsider", "teammate"])
def test_a_hidden_organization_cannot_be_linked(request, api, owner, who):
    # given an organization the caller may not see
    org = make_organization(owner, name="Hidden Ltd")
    client = api(request.getfixturevalue(who))
    # when they create a person at it, and at an organization that does not exist
    hidden = client.post(URL, {"full_name": "A", "organization_id": org.pk})
    missing = client.post(URL, {"full_name": "A", "organization_id": MISSING_ID})
    # then both answers are the same, and nobody was created
    assert_error(hidden, 422, "validation_failed", {"organization_id": "No such organization."})
    assert hidden.json() == missing.json()
    assert Person.objects.count() == 0


def test_the_manager_sees_and_changes_the_teams_people(api, manager, person):
    client = api(manager)
    assert client.get(f"{URL}/{person.pk}").status_code == 200
    assert walk(client, URL) == [person.pk]
    resp = client.patch(f"{URL}/{person.pk}", {"source": "referral", "version": 1})
    assert resp.status_code == 200, resp.content
    assert Person.objects.get(pk=person.pk).source == "referral"


def test_read_only_users_read_but_cannot_write(api, readonly, person):
    client = api(readonly)
    before = snapshot(person)
    assert client.get(f"{URL}/{person.pk}").status_code == 200
    assert walk(client, URL) == [person.pk]
    assert_error(client.post(URL, {"full_name": "New"}), 403, "forbidden")
    assert_error(
        client.patch(f"{URL}/{person.pk}", {"job_title": "X", "version": 1}), 403, "forbidden"
    )
    assert_error(client.delete(f"{URL}/{person.pk}?version=1"), 403, "forbidden")
    assert snapshot(person) == before
    assert Person.objects.count() == 1


def test_pages_walk_every_visible_person_exactly_once(api, owner, outsider):
    # given seven people of the owner (two with the same name) and some of an outsider
    names = ["Zoe", "Amal", "Chen Wei", "Amal", "Björn", "Esra", "Dana"]
    mine = [make_person(owner, full_name=n) for n in names]
    for n in range(3):
        make_person(outsider, full_name=f"Other {n}")
    # when the owner walks pages of three, by name
    seen = walk(api(owner), URL, {"limit": 3})
    # then each of their people comes once, in name order (ties by id)
    expected = sorted(mine, key=lambda p: (p.full_name, p.pk))
    assert seen == [p.pk for p in expected]
    # and the newest-first order walks them too
    assert walk(api(owner), URL, {"limit": 2, "sort": "-created"}) == [
        p.pk for p in sorted(mine, key=lambda p: p.pk, reverse=True)
    ]


def test_filters(api, owner, manager):
    # given people with different names, emails, organizations, tags and countries
    acme = make_organization(owner, name="Acme")
    a = contacts.person_create(
        actor=owner,
        data=PersonIn.build(
            {
                "full_name": "Anil Shah",
                "country": "IN",
                "organization_id": acme.pk,
                "emails": [contacts.EmailIn("anil@acme.in")],
                "tags": ["vip"],
            }
        ),
    )
    b = make_person(owner, full_name="Berta Lopez", country="ES")
    c = make_person(manager, full_name="Chandra Shah", country="IN")
    client = api(manager)
    # then each filter answers exactly the matching people
    assert ids_of(client.get(URL, {"name": "shah"})) == [a.pk, c.pk]
    assert ids_of(client.get(URL, {"email": "ANIL@acme.in"})) == [a.pk]
    assert ids_of(client.get(URL, {"organization_id": acme.pk})) == [a.pk]
    assert ids_of(client.get(URL, {"owner_id": owner.pk})) == [a.pk, b.pk]
    assert ids_of(client.get(URL, {"tag": "VIP"})) == [a.pk]
    assert ids_of(client.get(URL, {"country": "in"})) == [a.pk, c.pk]
    assert ids_of(client.get(URL, {"country": "in", "name": "chandra"})) == [c.pk]


def test_unknown_sort_answers_422(api, owner):
    assert_error(
        api(owner).get(URL, {"sort": "salary"}),
        422,
        "validation_failed",
        {"sort": "Not a sort key."},
    )


@pytest.mark.parametrize("rows", [5, 20])
def test_list_query_count_does_not_grow_with_rows(api, owner, queries, rows):
    # given people, each at an organization and with tags
    org = make_organization(owner, name="Wipro")
    for n in range(rows):
        contacts.person_create(
            actor=owner,
            data=PersonIn.build(
                {"full_name": f"P{n}", "organization_id": org.pk, "tags": ["a", "b"]}
            ),
        )
    client = api(owner)
    warm(client, URL)
    # when a page is read
    with queries() as ctx:
        resp = client.get(URL)
    # then: token, the page's ids (owned and shared merged), the page, its owners, its tags
    assert len(ids_of(resp)) == rows
    # (+1: the viewer's field rules, accounts/policy.py field_access)
    # (+1: the type's sensitive fields, so a read of one is audited: core/sensitive.py)
    assert len(ctx.captured_queries) == 7


def test_reading_a_person_is_one_statement(api, owner, person, queries):
    # given a rep's token, already used once (the read lane now knows its user, and its first
    # use recorded last_used_at)
    client = api(owner)
    client.get(f"{URL}/{person.pk}")
    # when the rep reads their person
    with queries() as ctx:
        resp = client.get(f"{URL}/{person.pk}")
    assert resp.status_code == 200
    # then one statement: the token re-checked, visibility (the rep's teams read inside it),
    # and the whole record built by the database
    assert len(ctx.captured_queries) == 1


def test_reading_a_person_through_the_api_stack_is_two_statements(api, owner, person, queries):
    # given a rep's token, already used once, by a client without the read lane
    client = api(owner, lane=False)
    client.get(f"{URL}/{person.pk}")
    # when the rep reads their person through Django and the API
    with queries() as ctx:
        resp = client.get(f"{URL}/{person.pk}")
    assert resp.status_code == 200
    # then the token with its user, and the whole record in one statement
    assert len(ctx.captured_queries) == 2


def test_a_reps_pages_merge_owned_and_shared_people_in_order(api, owner, teammate, team):
    # given a rep's own people and people shared with them (with them, with their team, or
    # both), one of their own also shared with their team, interleaved in name order, and a
    # person they may not see
    from sambandh.accounts.services import record_share

    names = ["Aarav", "Bela", "Chitra", "Dev", "Esha", "Farhan", "Gita", "Hari"]
    mine = {make_person(owner, full_name=n).pk for n in names[::2]}
    theirs = [make_person(teammate, full_name=n) for n in names[1::2]]
    for p in theirs[:2]:
        record_share(actor=teammate, record_type="person", record_id=p.pk, user=owner)
    record_share(actor=teammate, record_type="person", record_id=theirs[1].pk, team=team)
    record_share(actor=teammate, record_type="person", record_id=theirs[2].pk, team=team)
    record_share(actor=owner, record_type="person", record_id=min(mine), team=team)  # both ways
    hidden = theirs[3]
    # when the rep walks the list two at a time, by name and by name descending
    client = api(owner)
    ascending = walk(client, URL, {"limit": 2, "sort": "name"})
    descending = walk(client, URL, {"limit": 2, "sort": "-name"})
    # then every visible person comes exactly once, in order, and the hidden one never
    visible = sorted(mine | {p.pk for p in theirs[:3]})
    by_name = dict(Person.objects.filter(pk__in=visible).values_list("pk", "full_name"))
    assert ascending == sorted(visible, key=lambda pk: by_name[pk])
    assert descending == ascending[::-1]
    assert hidden.pk not in ascending
    # and a filter holds in both branches
    assert ids_of(client.get(URL, {"name": "a"})) == [
        pk for pk in ascending if "a" in by_name[pk].lower()
    ]
