"""/api/v1/recycle-bin: the list, one entry, and restore, with their status codes."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from sambandh.activities.models import Activity
from sambandh.contacts.models import Person
from sambandh.recyclebin.models import BinEntry
from sambandh.recyclebin.services import bins_purge
from tests import factories

pytestmark = pytest.mark.django_db
V1 = "/api/v1"


@pytest.fixture
def deleted(owner, api):
    """A person with a note, deleted through the API by their owner."""
    person = factories.make_person(owner, full_name="Asha Rao")
    factories.make_activity(owner, "note", person_id=person.pk)
    resp = api(owner).delete(f"{V1}/people/{person.pk}", **{"If-Match": f'W/"{person.version}"'})
    assert resp.status_code == 204, resp.content
    return BinEntry.objects.get(record_type="person", record_id=person.pk)


def test_the_owner_lists_their_entry(deleted, owner, api):
    resp = api(owner).get(f"{V1}/recycle-bin")
    assert resp.status_code == 200
    body = resp.json()
    assert [i["id"] for i in body["items"]] == [deleted.pk]
    item = body["items"][0]
    assert item["type"] == "person"
    assert item["name"] == "Asha Rao"
    assert item["deleted_by"]["id"] == owner.pk
    assert item["days_left"] == 29
    assert {"kind": "activities.activity", "label": "activity", "count": 1} in item["linked"]


def test_the_list_filters_by_type_and_refuses_an_unknown_one(deleted, owner, api):
    assert api(owner).get(f"{V1}/recycle-bin", {"type": "deal"}).json()["items"] == []
    assert len(api(owner).get(f"{V1}/recycle-bin", {"type": "person"}).json()["items"]) == 1
    resp = api(owner).get(f"{V1}/recycle-bin", {"type": "spaceship"})
    assert resp.status_code == 422
    assert resp.json()["error"]["fields"] == {"type": "Not a record type."}


def test_another_rep_sees_nothing_and_gets_404(deleted, teammate, api):
    client = api(teammate)
    assert client.get(f"{V1}/recycle-bin").json()["items"] == []
    assert client.get(f"{V1}/recycle-bin/{deleted.pk}").status_code == 404
    assert client.post(f"{V1}/recycle-bin/{deleted.pk}/restore").status_code == 404
    assert not Person.objects.filter(pk=deleted.record_id).exists()


def test_restore_answers_the_record(deleted, owner, api):
    resp = api(owner).post(f"{V1}/recycle-bin/{deleted.pk}/restore")
    assert resp.status_code == 200, resp.content
    assert resp.json() == {
        "type": "person",
        "id": deleted.record_id,
        "url": f"/people/{deleted.record_id}/",
        "summary": "Asha Rao",
        "dropped_links": [],
    }
    assert api(owner).get(f"{V1}/people/{deleted.record_id}").status_code == 200
    assert Activity.objects.filter(person_id=deleted.record_id).count() == 1
    # and it has left the list; a second restore is a conflict
    assert api(owner).get(f"{V1}/recycle-bin").json()["items"] == []
    again = api(owner).post(f"{V1}/recycle-bin/{deleted.pk}/restore")
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "already_restored"


def test_restore_of_a_purged_entry_is_410(deleted, owner, api):
    BinEntry.objects.filter(pk=deleted.pk).update(
        deleted_at=timezone.now() - datetime.timedelta(days=40)
    )
    bins_purge()
    resp = api(owner).post(f"{V1}/recycle-bin/{deleted.pk}/restore")
    assert resp.status_code == 410
    error = resp.json()["error"]
    assert error["code"] == "purged"
    assert "“Asha Rao” was purged from the recycle bin on" in error["message"]
    assert not Person.objects.filter(pk=deleted.record_id).exists()
    assert api(owner).get(f"{V1}/recycle-bin/{deleted.pk}").json()["purged_at"] is not None


def test_an_admin_sees_every_entry(deleted, admin_user, api):
    assert [i["id"] for i in api(admin_user).get(f"{V1}/recycle-bin").json()["items"]] == [
        deleted.pk
    ]


def test_a_read_only_user_may_not_restore(deleted, readonly, api):
    resp = api(readonly).post(f"{V1}/recycle-bin/{deleted.pk}/restore")
    assert resp.status_code == 403
    assert not Person.objects.filter(pk=deleted.record_id).exists()


def test_an_unknown_entry_is_404(owner, api):
    assert api(owner).post(f"{V1}/recycle-bin/999999/restore").status_code == 404
