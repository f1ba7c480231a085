"""/api/v1/organizations: create, read, update, delete, list; who may see and change what."""

from __future__ import annotations

import pytest

from sambandh.contacts import services as contacts
from sambandh.contacts.models import Organization
from sambandh.contacts.schemas import OrganizationIn
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
from tests.factories import make_organization

pytestmark = pytest.mark.django_db

URL = "/api/v1/organizations"
DETAIL_KEYS = {
    "id",
    "version",
    "name",
    "domain",
    "website",
    "industry",
    "size",
    "description",
    "parent",
    "country",
    "currency",
    "time_zone",
    "residency",
    "emails",
    "phones",
    "addresses",
    "tags",
    "owner",
    "custom",
    "created_at",
    "updated_at",
}
LIST_KEYS = {
    "id",
    "version",
    "name",
    "domain",
    "industry",
    "country",
    "parent",
    "tags",
    "owner",
    "updated_at",
}
ROUTES = [
    ("get", "/{id}", None),
    ("patch", "/{id}", {"industry": "Changed", "version": 1}),
    ("delete", "/{id}?version=1", None),
]


@pytest.fixture
def org(owner):
    return make_organization(
        owner, name="Tata Consultancy", domain="tcs.com", country="IN", industry="IT services"
    )


def test_create_answers_201_with_the_full_record_and_an_etag(api, owner):
    # given a parent organization
    parent = make_organization(owner, name="Tata Group")
    # when the owner creates a subsidiary with a website, phone, address and tags
    resp = api(owner).post(
        URL,
        {
            "name": "  Tata   Motors ",
            "website": "www.tatamotors.com/en",
            "parent_id": parent.pk,
            "country": "in",
            "currency": "inr",
            "size": "5001+",
            "phones": [{"number": "022 6665 8282"}],
            "addresses": [
                {
                    "street": "Bombay House",
                    "city": "Mumbai",
                    "region": "Maharashtra",
                    "postal_code": "400001",
                    "country": "IN",
                }
            ],
            "tags": ["automotive"],
        },
    )
    # then the record is whole and cleaned
    assert resp.status_code == 201, resp.content
    assert resp["ETag"] == etag(1)
    body = resp.json()
    assert set(body) == DETAIL_KEYS
    assert (body["name"], body["domain"], body["website"]) == (
        "Tata Motors",
        "tatamotors.com",
        "https://www.tatamotors.com/en",
    )
    assert (body["country"], body["currency"], body["size"]) == ("IN", "INR", "5001+")
    assert body["parent"] == {"id": parent.pk, "name": "Tata Group"}
    assert body["phones"] == [{"number": "+912266658282", "label": "", "is_primary": True}]
    assert body["addresses"] == [
        {
            "street": "Bombay House",
            "city": "Mumbai",
            "region": "Maharashtra",
            "postal_code": "400001",
            "country": "IN",
            "label": "",
            "is_primary": True,
        }
    ]
    assert body["tags"] == ["automotive"]
    assert body["owner"] == {"id": owner.pk, "name": "Olivia Owner"}


def test_create_refuses_bad_input_and_writes_nothing(api, owner):
    resp = api(owner).post(URL, {"name": "", "size": "huge", "currency": "XXQ"})
    assert_error(resp, 422, "validation_failed")
    assert set(resp.json()["error"]["fields"]) == {"name", "size", "currency"}
    assert Organization.objects.count() == 0


def test_read_answers_the_record_with_its_etag(api, owner, org):
    resp = api(owner).get(f"{URL}/{org.pk}")
    assert resp.status_code == 200
    assert resp["ETag"] == etag(1)
    assert set(resp.json()) == DETAIL_KEYS
    assert (resp.json()["name"], resp.json()["domain"]) == ("Tata Consultancy", "tcs.com")


def test_update_with_the_version_field_and_with_if_match(api, owner, org):
    client = api(owner)
    resp = client.patch(f"{URL}/{org.pk}", {"industry": "Consulting", "version": 1})
    assert resp.status_code == 200, resp.content
    assert (resp["ETag"], resp.json()["industry"]) == (etag(2), "Consulting")
    resp = client.patch(f"{URL}/{org.pk}", {"tags": ["key account"]}, **{"If-Match": etag(2)})
    assert resp.status_code == 200, resp.content
    org.refresh_from_db()
    assert (org.industry, org.version) == ("Consulting", 3)
    assert [t.name for t in org.tags.all()] == ["key account"]


def test_an_organization_cannot_become_its_own_ancestor(api, owner, org):
    # given a child of org
    child = make_organization(owner, name="TCS Europe", parent_id=org.pk)
    client = api(owner)
    before = snapshot(org)
    # when org is made the child's child
    resp = client.patch(f"{URL}/{org.pk}", {"parent_id": child.pk, "version": 1})
    # then it is refused
    assert_error(
        resp,
        422,
        "validation_failed",
        {"parent_id": "An organization cannot be its own parent or ancestor."},
    )
    assert snapshot(org) == before


def test_stale_or_missing_versions_change_nothing(api, owner, org):
    contacts.organization_update(
        actor=owner, organization=org, data=OrganizationIn.build({"industry": "X"}), version=1
    )
    client = api(owner)
    before = snapshot(org)
    assert_error(
        client.patch(f"{URL}/{org.pk}", {"industry": "Late", "version": 1}), 409, "version_conflict"
    )
    assert_error(
        client.patch(f"{URL}/{org.pk}", {"industry": "Late"}, **{"If-Match": etag(1)}),
        409,
        "version_conflict",
    )
    assert_error(client.patch(f"{URL}/{org.pk}", {"industry": "Late"}), 428, "version_required")
    assert_error(client.delete(f"{URL}/{org.pk}?version=1"), 409, "version_conflict")
    assert_error(client.delete(f"{URL}/{org.pk}"), 428, "version_required")
    assert_error(
        client.patch(f"{URL}/{org.pk}", {"version": 2, "revenue": 1}),
        422,
        "validation_failed",
        {"revenue": "Unknown field."},
    )
    assert snapshot(org) == before


def test_delete(api, owner, org):
    resp = api(owner).delete(f"{URL}/{org.pk}?version=1")
    assert resp.status_code == 204
    assert not Organization.objects.filter(pk=org.pk).exists()


@pytest.mark.parametrize("who", ["outsider", "teammate"])
@pytest.mark.parametrize("method,path,body", ROUTES)
def test_a_hidden_organization_answers_404_like_a_missing_one(
    request, api, org, who, method, path, body
):
    client = api(request.getfixturevalue(who))
    before = snapshot(org)
    hidden = call(client, method, URL + path.format(id=org.pk), body)
    missing = call(client, method, URL + path.format(id=MISSING_ID), body)
    assert_error(hidden, 404, "not_found")
    assert (hidden.status_code, hidden.json()) == (missing.status_code, missing.json())
    assert snapshot(org) == before


@pytest.mark.parametrize("who", ["outsider", "teammate"])
def test_a_hidden_organization_is_not_listed_nor_linkable(request, api, owner, org, who):
    client = api(request.getfixturevalue(who))
    assert walk(client, URL) == []
    assert ids_of(client.get(URL, {"domain": "tcs.com"})) == []
    # a child of a hidden organization is refused as for a missing one
    hidden = client.post(URL, {"name": "Sub", "parent_id": org.pk})
    missing = client.post(URL, {"name": "Sub", "parent_id": MISSING_ID})
    assert_error(hidden, 422, "validation_failed", {"parent_id": "No such organization."})
    assert hidden.json() == missing.json()
    assert Organization.objects.count() == 1


def test_the_manager_sees_and_changes_the_teams_organizations(api, manager, org):
    client = api(manager)
    assert client.get(f"{URL}/{org.pk}").status_code == 200
    assert walk(client, URL) == [org.pk]
    assert client.patch(f"{URL}/{org.pk}", {"industry": "IT", "version": 1}).status_code == 200
    assert Organization.objects.get(pk=org.pk).industry == "IT"


def test_read_only_users_read_but_cannot_write(api, readonly, org):
    client = api(readonly)
    before = snapshot(org)
    assert client.get(f"{URL}/{org.pk}").status_code == 200
    assert_error(client.post(URL, {"name": "New"}), 403, "forbidden")
    assert_error(client.patch(f"{URL}/{org.pk}", {"industry": "X", "version": 1}), 403, "forbidden")
    assert_error(client.delete(f"{URL}/{org.pk}?version=1"), 403, "forbidden")
    assert snapshot(org) == before
    assert Organization.objects.count() == 1


def test_pages_walk_every_visible_organization_exactly_once(api, owner, outsider):
    mine = [
        make_organization(owner, name=n)
        for n in ["Reliance", "Infosys", "Embraer", "Infosys", "Aramco", "Sony", "Natura"]
    ]
    make_organization(outsider, name="Hidden")
    resp = api(owner).get(URL, {"limit": 3})
    assert set(resp.json()["items"][0]) == LIST_KEYS
    expected = [o.pk for o in sorted(mine, key=lambda o: (o.name, o.pk))]
    assert walk(api(owner), URL, {"limit": 3}) == expected
    assert walk(api(owner), URL, {"limit": 4, "sort": "-name"}) == expected[::-1]


def test_filters(api, owner, manager):
    parent = make_organization(owner, name="Grupo Bimbo", country="MX")
    a = contacts.organization_create(
        actor=owner,
        data=OrganizationIn.build(
            {
                "name": "Bimbo Brasil",
                "domain": "bimbo.com.br",
                "country": "BR",
                "industry": "Food",
                "parent_id": parent.pk,
                "tags": ["key"],
            }
        ),
    )
    b = make_organization(manager, name="Natura", country="BR", industry="Cosmetics")
    client = api(manager)
    assert ids_of(client.get(URL, {"name": "bimbo"})) == [a.pk, parent.pk]
    assert ids_of(client.get(URL, {"domain": "BIMBO.com.br"})) == [a.pk]
    assert ids_of(client.get(URL, {"industry": "food"})) == [a.pk]
    assert ids_of(client.get(URL, {"parent_id": parent.pk})) == [a.pk]
    assert ids_of(client.get(URL, {"owner_id": manager.pk})) == [b.pk]
    assert ids_of(client.get(URL, {"tag": "KEY"})) == [a.pk]
    assert ids_of(client.get(URL, {"country": "br"})) == [a.pk, b.pk]


@pytest.mark.parametrize("rows", [5, 20])
def test_list_query_count_does_not_grow_with_rows(api, owner, queries, rows):
    parent = make_organization(owner, name="Holding")
    for n in range(rows - 1):
        contacts.organization_create(
            actor=owner,
            data=OrganizationIn.build(
                {"name": f"O{n}", "parent_id": parent.pk, "tags": ["a", "b"]}
            ),
        )
    client = api(owner)
    warm(client, URL)
    with queries() as ctx:
        resp = client.get(URL)
    # token, the page's ids (owned and shared merged), the page (with parents), its owners, its
    # tags
    assert len(ids_of(resp)) == rows
    # (+1: the viewer's field rules, accounts/policy.py field_access)
    # (+1: the custom field definitions, read once per request: customfields/selectors.py)
    # (+1: the type's sensitive fields, so a read of one is audited: core/sensitive.py)
    assert len(ctx.captured_queries) == 8
