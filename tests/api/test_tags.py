"""/api/v1/tags: shared configuration. Everyone reads; writers create; admins and managers rename
and delete."""

from __future__ import annotations

import pytest

from sambandh.contacts.models import Tag
from sambandh.contacts.services_tags import tag_create, tag_update
from sambandh.core.models import AuditEvent
from tests.api.helpers import MISSING_ID, assert_error, etag, snapshot, walk
from tests.factories import make_person

pytestmark = pytest.mark.django_db

URL = "/api/v1/tags"


@pytest.fixture
def tag(owner):
    return tag_create(actor=owner, name="VIP", color="red")


@pytest.mark.parametrize("who", ["owner", "outsider", "readonly", "manager"])
def test_everyone_reads_tags(request, api, tag, who):
    client = api(request.getfixturevalue(who))
    resp = client.get(f"{URL}/{tag.pk}")
    assert resp.status_code == 200
    assert resp["ETag"] == etag(1)
    assert resp.json() == {"id": tag.pk, "version": 1, "name": "VIP", "color": "red"}
    assert walk(client, URL) == [tag.pk]


def test_a_missing_tag_answers_404(api, owner):
    assert_error(api(owner).get(f"{URL}/{MISSING_ID}"), 404, "not_found")


def test_a_writer_creates_a_tag_with_an_audit_row(api, outsider):
    resp = api(outsider).post(URL, {"name": "  Hot   lead ", "color": "Orange"})
    assert resp.status_code == 201, resp.content
    assert resp["ETag"] == etag(1)
    tag = Tag.objects.get()
    assert resp.json() == {"id": tag.pk, "version": 1, "name": "Hot lead", "color": "orange"}
    event = AuditEvent.objects.get(record_type="tag")
    assert (event.action, event.record_id, event.actor_id) == ("create", tag.pk, outsider.pk)


def test_names_are_unique_whatever_the_case(api, owner, tag):
    client = api(owner)
    assert_error(
        client.post(URL, {"name": "vip"}),
        422,
        "validation_failed",
        {"name": "A tag with this name already exists."},
    )
    assert Tag.objects.count() == 1


def test_colors_come_from_the_palette(api, owner):
    resp = api(owner).post(URL, {"name": "x", "color": "#ff0000"})
    assert_error(resp, 422, "validation_failed")
    assert set(resp.json()["error"]["fields"]) == {"color"}
    assert Tag.objects.count() == 0


def test_read_only_users_cannot_create(api, readonly):
    assert_error(api(readonly).post(URL, {"name": "New"}), 403, "forbidden")
    assert Tag.objects.count() == 0


@pytest.mark.parametrize("who", ["manager", "admin_user"])
def test_admins_and_managers_rename_and_delete(request, api, tag, who):
    # given a tag on a person
    person = make_person(request.getfixturevalue("owner"))
    person.tags.add(tag)
    client = api(request.getfixturevalue(who))
    # when it is renamed, the person carries the new name
    resp = client.patch(f"{URL}/{tag.pk}", {"name": "Key account", "version": 1})
    assert resp.status_code == 200, resp.content
    assert (resp["ETag"], resp.json()["name"]) == (etag(2), "Key account")
    assert [t.name for t in person.tags.all()] == ["Key account"]
    assert AuditEvent.objects.filter(record_type="tag", action="update").count() == 1
    # when it is deleted, it leaves the person too
    resp = client.delete(f"{URL}/{tag.pk}", **{"If-Match": etag(2)})
    assert resp.status_code == 204
    assert not Tag.objects.exists()
    assert list(person.tags.all()) == []
    assert AuditEvent.objects.filter(record_type="tag", action="delete").count() == 1


@pytest.mark.parametrize("who", ["owner", "outsider", "readonly"])
def test_others_cannot_rename_nor_delete(request, api, tag, who):
    client = api(request.getfixturevalue(who))
    before = snapshot(tag)
    assert_error(client.patch(f"{URL}/{tag.pk}", {"name": "Mine", "version": 1}), 403, "forbidden")
    # the role is checked before the version is asked for
    assert_error(client.patch(f"{URL}/{tag.pk}", {"name": "Mine"}), 403, "forbidden")
    assert_error(client.delete(f"{URL}/{tag.pk}?version=1"), 403, "forbidden")
    assert snapshot(tag) == before


def test_versions(api, manager, owner, tag):
    tag_update(actor=manager, tag=tag, version=1, color="blue")
    client = api(manager)
    before = snapshot(tag)
    assert_error(
        client.patch(f"{URL}/{tag.pk}", {"name": "Late", "version": 1}), 409, "version_conflict"
    )
    assert_error(client.patch(f"{URL}/{tag.pk}", {"name": "Late"}), 428, "version_required")
    assert_error(client.delete(f"{URL}/{tag.pk}?version=1"), 409, "version_conflict")
    assert_error(client.delete(f"{URL}/{tag.pk}"), 428, "version_required")
    assert_error(
        client.patch(f"{URL}/{tag.pk}", {"version": 2, "emoji": "x"}),
        422,
        "validation_failed",
        {"emoji": "Unknown field."},
    )
    assert snapshot(tag) == before


def test_a_rename_onto_another_tags_name_is_refused(api, manager, owner, tag):
    other = tag_create(actor=owner, name="Partner")
    client = api(manager)
    before = snapshot(other)
    assert_error(
        client.patch(f"{URL}/{other.pk}", {"name": "vip", "version": 1}),
        422,
        "validation_failed",
        {"name": "A tag with this name already exists."},
    )
    assert snapshot(other) == before


def test_list_pages_and_filter(api, owner):
    tags = [tag_create(actor=owner, name=n) for n in ["b2b", "alpha", "churn-risk", "beta", "vip"]]
    client = api(owner)
    by_name = sorted(tags, key=lambda t: (t.name, t.pk))
    assert walk(client, URL, {"limit": 2}) == [t.pk for t in by_name]
    assert [i["name"] for i in client.get(URL, {"q": "B"}).json()["items"]] == ["b2b", "beta"]
