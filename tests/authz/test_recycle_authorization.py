"""The recycle bin as every role of the authorization world (tests/authz/world.py): an entry
of the owner's is listed, shown and restored only for the owner and administrators; everyone
else gets 404 (a read-only user 403: they restore nothing), and a refusal changes nothing."""

from __future__ import annotations

import pytest
from django.test import Client

from conftest import ApiClient
from sambandh.contacts.models import Person
from tests.authz.test_api_authorization import V1, _assert_no_secret, _state
from tests.authz.world import ROLES, build_world, world_bin_entry

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", ROLES)
def test_who_lists_and_restores_the_owners_entry_through_the_api(role):
    # given the owner's deleted person
    world = build_world()
    entry = world_bin_entry(world)
    client = ApiClient(world.user(role))
    may = role in ("owner", "admin")
    # then only the owner and admins list it
    listed = [i["id"] for i in client.get(f"{V1}/recycle-bin").json()["items"]]
    assert (entry.pk in listed) is may
    # and when the role restores it, only they may
    before = _state()
    resp = client.post(f"{V1}/recycle-bin/{entry.pk}/restore", {})
    if may:
        assert resp.status_code == 200, resp.content
        assert Person.objects.filter(pk=entry.record_id).exists()
    else:
        assert resp.status_code == (403 if role == "readonly" else 404), (role, resp.content)
        assert _state() == before
    _assert_no_secret(world, role, resp, "restore")


@pytest.mark.parametrize("role", ROLES)
def test_who_restores_the_owners_entry_on_the_web(role):
    world = build_world()
    entry = world_bin_entry(world)
    client = Client()
    client.force_login(world.user(role))
    page = client.get("/recycle-bin/").content.decode()
    assert ("Binned Bittern" in page) is (role in ("owner", "admin"))
    before = _state()
    resp = client.post(f"/recycle-bin/{entry.pk}/restore/")
    if role in ("owner", "admin"):
        assert resp.status_code == 302
        assert Person.objects.filter(pk=entry.record_id).exists()
    else:
        assert resp.status_code == (403 if role == "readonly" else 404)
        assert _state() == before
