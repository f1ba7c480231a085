"""Emails sent from records, as every role of the authorization world (tests/authz/world.py):
who may email the owner's person and the outsider's, who reads each email and who may retry a
failed one; a refusal writes nothing and names no record the role may not see."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import ApiClient
from sambandh.emails.models import OutboundEmail
from sambandh.emails.schemas import EmailIn
from sambandh.emails.services import email_send
from tests.authz.test_api_authorization import CASES, V1, _assert_no_secret, _state, sees
from tests.authz.world import ROLES, World, build_world

pytestmark = pytest.mark.django_db

SIDES = ("own", "hidden")
# The author of each side's records (the owner's person, the outsider's).
AUTHOR = {"own": "owner", "hidden": "outsider"}


def test_the_email_routes_are_these():
    assert sorted(op for op, case in CASES.items() if case.how == "email") == [
        ("get", "/emails/{activity_id}"),
        ("post", "/emails"),
        ("post", "/emails/{activity_id}/retry"),
    ]


def state() -> dict[str, Any]:
    return _state() | {"emails": sorted(OutboundEmail.objects.values_list())}


def failed_email(world: World, side: str) -> OutboundEmail:
    """A failed email of the side's author, to the side's person."""
    person = world.records["person"][side]
    email = email_send(
        actor=world.user(AUTHOR[side]),
        data=EmailIn.build(
            {"person_id": person.pk, "to": ["priya@example.com"], "subject": "Hello"}
        ),
    )
    OutboundEmail.objects.filter(pk=email.pk).update(status="failed", error="boom", attempts=1)
    return email


@pytest.mark.parametrize("role", ROLES)
def test_who_may_email_a_person(role):
    world = build_world()
    client = ApiClient(world.user(role))
    for side in SIDES:
        person = world.records["person"][side]
        before = state()
        resp = client.post(
            f"{V1}/emails", {"person_id": person.pk, "to": ["x@example.com"], "subject": "Hello"}
        )
        _assert_no_secret(world, role, resp, f"POST /emails ({side})")
        if role == "readonly":
            assert resp.status_code == 403, (role, side, resp.content[:300])
        elif role in sees("person", side):
            assert resp.status_code == 201, (role, side, resp.content[:300])
            continue
        else:
            assert resp.status_code == 404, (role, side, resp.content[:300])
        assert state() == before


@pytest.mark.parametrize("role", ROLES)
def test_who_reads_and_retries_an_email(role):
    world = build_world()
    emails = {side: failed_email(world, side) for side in SIDES}
    client = ApiClient(world.user(role))
    for side, email in emails.items():
        url = f"{V1}/emails/{email.activity_id}"
        # (an email is seen with the records it is on: the owner's person works at the
        # outsider's organization, so the outsider sees the owner's email there)
        seen = role in sees("activity", side)
        resp = client.get(url)
        assert resp.status_code == (200 if seen else 404), (role, side)
        _assert_no_secret(world, role, resp, f"GET /emails ({side})")
        before = state()
        resp = client.post(f"{url}/retry", {})
        _assert_no_secret(world, role, resp, f"retry ({side})")
        may = {"own": {"owner", "manager", "admin"}, "hidden": {"outsider", "admin"}}[side]
        if role in may:
            assert resp.status_code == 200, (role, side, resp.content[:300])
            assert OutboundEmail.objects.get(pk=email.pk).status == "queued"
        else:
            assert resp.status_code == (403 if seen else 404), (role, side, resp.content[:300])
            assert state() == before
