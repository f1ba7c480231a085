"""Who may merge two people, read the merge and undo it through the API: the owner, their
manager and an admin may merge the owner's records; a rep who cannot see them gets 404, the
read-only user 403; only someone who may see the kept record reads the merge; the undo is the
merger's (and an admin's). A denied request changes nothing."""

from __future__ import annotations

from typing import Any

import pytest

from sambandh.contacts.models import Merge, Person
from sambandh.core.models import AuditEvent
from tests.factories import make_person

pytestmark = pytest.mark.django_db
V1 = "/api/v1"
ROLES = ("owner", "teammate", "manager", "readonly", "outsider", "admin_user")
MERGES = {"owner", "manager", "admin_user"}
NOT_SEEN = {"teammate", "outsider"}


@pytest.fixture
def users(owner, teammate, manager, readonly, outsider, admin_user) -> dict[str, Any]:
    return {
        "owner": owner,
        "teammate": teammate,
        "manager": manager,
        "readonly": readonly,
        "outsider": outsider,
        "admin_user": admin_user,
    }


def _state() -> tuple[Any, ...]:
    return (
        sorted(Person.objects.values_list("pk", "version", "job_title")),
        Merge.objects.filter(undone_at__isnull=True).count(),
        AuditEvent.objects.exclude(action="token").count(),
    )


@pytest.mark.parametrize("role", ROLES)
def test_who_may_merge(role, users, api):
    owner = users["owner"]
    kept = make_person(owner, full_name="OWNPERSON Asha")
    dup = make_person(owner, full_name="OWNPERSON A.", job_title="CTO")
    client = api(users[role])
    before = _state()
    resp = client.post(
        f"{V1}/people/merge",
        {"keep_id": kept.pk, "merge_ids": [dup.pk], "fields": {"job_title": dup.pk}},
    )
    if role in MERGES:
        assert resp.status_code == 200, resp.content
        assert Person.objects.get(pk=kept.pk).job_title == "CTO"
        return
    assert resp.status_code == (404 if role in NOT_SEEN else 403), resp.content
    assert "OWNPERSON" not in resp.content.decode()
    assert _state() == before


@pytest.mark.parametrize("role", ROLES)
def test_who_may_read_and_undo_a_merge(role, users, api):
    owner = users["owner"]
    kept = make_person(owner, full_name="OWNPERSON Asha")
    dup = make_person(owner, full_name="OWNPERSON A.")
    made = api(owner).post(f"{V1}/people/merge", {"keep_id": kept.pk, "merge_ids": [dup.pk]})
    merge_id = made.json()["merge_id"]
    client = api(users[role])
    got = client.get(f"{V1}/merges/{merge_id}")
    assert got.status_code == (404 if role in NOT_SEEN else 200), got.content
    before = _state()
    undone = client.post(f"{V1}/merges/{merge_id}/undo")
    if role in ("owner", "admin_user"):
        assert undone.status_code == 200, undone.content
        assert Person.objects.filter(pk=dup.pk).exists()
        return
    # the manager may change the kept record but not restore the owner's merged one from the
    # recycle bin (it is the owner's and the merger's): refused like the read-only user
    assert undone.status_code == (404 if role in NOT_SEEN else 403), undone.content
    assert _state() == before
    assert not Person.objects.filter(pk=dup.pk).exists()
