"""/api/v1/users, administered: invitations, changes of name, role and access, the last active
administrator, and reassigning every record a user owns."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from sambandh.accounts.models import ApiToken, Role, TeamMembership, User
from sambandh.accounts.services import user_update
from sambandh.contacts.models import Organization, Person
from sambandh.core import registry
from sambandh.core.errors import ValidationFailed
from sambandh.core.models import AuditEvent
from sambandh.sales.models import Deal, Lead
from sambandh.sales.services import lead_convert
from tests.api.helpers import MISSING_ID, assert_error, snapshot
from tests.factories import (
    make_deal,
    make_lead,
    make_organization,
    make_person,
    make_token,
    make_user,
)

pytestmark = pytest.mark.django_db

URL = "/api/v1/users"
PASSWORD = "correct horse battery staple"


def users_state() -> list[dict[str, Any]]:
    """Every user row, every membership and the audit count: what a refused write must keep."""
    return [
        {"users": list(User.objects.order_by("pk").values())},
        {"members": list(TeamMembership.objects.order_by("pk").values("team_id", "user_id"))},
        {"audit": AuditEvent.objects.count()},
    ]


def link_in(message: Any) -> str:
    found = re.search(r"https?://[^/\s]+(/reset/[^\s]+/)", message.body)
    assert found, message.body
    return found.group(1)


# --- invitations -------------------------------------------------------------------------------
def test_an_admin_invites_a_user_who_sets_a_password_and_logs_in(
    api, admin_user, team, other_team, django_capture_on_commit_callbacks
):
    # when an admin invites someone into two teams
    with django_capture_on_commit_callbacks(execute=True):
        resp = api(admin_user).post(
            URL,
            {
                "email": "New.Person@Example.com",
                "full_name": "Nina New",
                "role": "manager",
                "team_ids": [other_team.pk, team.pk],
            },
        )
    # then the user exists, in those teams, and cannot log in yet
    assert resp.status_code == 201, resp.content
    body = resp.json()
    invited = User.objects.get(email="new.person@example.com")
    assert body == {
        "id": invited.pk,
        "full_name": "Nina New",
        "email": "new.person@example.com",
        "role": "manager",
        "language": "en",
        "time_zone": "UTC",
        "currency": "USD",
        "format_locale": "",
        "native_digits": False,
        "is_active": True,
        "team_ids": sorted([team.pk, other_team.pk]),
    }
    assert not invited.has_usable_password()
    assert AuditEvent.objects.filter(record_type="user", record_id=invited.pk).count() == 1
    # and one invitation mail went to them, with a set-password link
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["new.person@example.com"]
    assert message.subject == "You are invited to Sambandh"
    assert "Ada Admin invited you" in message.body
    # following the link lets them choose a password...
    browser = Client()
    response = browser.get(link_in(message), follow=True)
    assert response.status_code == 200
    assert b"Choose a new password" in response.content
    form_url = response.redirect_chain[-1][0]
    response = browser.post(
        form_url,
        {"new_password1": "a fine passphrase 77", "new_password2": "a fine passphrase 77"},
    )
    assert response.status_code == 302
    # ... with which they log in
    assert (
        browser.post(
            "/login/", {"username": "new.person@example.com", "password": "a fine passphrase 77"}
        ).status_code
        == 302
    )
    assert browser.get("/").status_code == 200
    # and the link works only once
    assert b"This link no longer works" in Client().get(link_in(message), follow=True).content


def test_an_invited_user_starts_with_the_company_defaults(api, admin_user):
    client = api(admin_user)
    company = {"language": "hi", "time_zone": "Asia/Kolkata", "currency": "INR", "version": 1}
    assert client.put("/api/v1/company-settings", company).status_code == 200
    resp = client.post(URL, {"email": "ravi@example.com", "role": "sales_rep"})
    assert resp.status_code == 201
    body = resp.json()
    assert (body["language"], body["time_zone"], body["currency"]) == ("hi", "Asia/Kolkata", "INR")


@pytest.mark.parametrize(
    "body,fields",
    [
        (
            {"email": "x@example.com", "role": "boss"},
            {
                "role": "Choose one of: admin, manager, sales_rep, support_agent, marketer, "
                "read_only."
            },
        ),
        (
            {"email": "OWNER@example.com", "role": "sales_rep"},
            {"email": "A user with this email already exists."},
        ),
        ({"email": "not an email", "role": "sales_rep"}, None),
        (
            {"email": "x@example.com", "role": "sales_rep", "team_ids": [MISSING_ID]},
            {"team_ids.0": "No such team."},
        ),
        ({"email": "x@example.com", "role": "sales_rep", "password": "x"}, None),
        ({"role": "sales_rep"}, {"email": "This field is required."}),
    ],
)
def test_a_bad_invitation_changes_nothing(
    api, admin_user, owner, body, fields, django_capture_on_commit_callbacks
):
    client = api(admin_user)
    before = users_state()
    with django_capture_on_commit_callbacks(execute=True):
        resp = client.post(URL, body)
    assert_error(resp, 422, "validation_failed", fields)
    assert set(resp.json()["error"]["fields"]) <= {"role", "email", "team_ids.0", "password"}
    assert users_state() == before
    assert mail.outbox == []


@pytest.mark.parametrize("who", ["owner", "manager", "readonly"])
def test_only_admins_invite(api, request, who, django_capture_on_commit_callbacks):
    user = request.getfixturevalue(who)
    client = api(user)
    before = users_state()
    with django_capture_on_commit_callbacks(execute=True):
        resp = client.post(URL, {"email": "x@example.com", "role": "admin"})
    assert_error(resp, 403, "forbidden")
    assert users_state() == before
    assert mail.outbox == []


# --- changes -----------------------------------------------------------------------------------
def test_an_admin_changes_a_name_and_a_role(api, admin_user, owner):
    resp = api(admin_user).patch(
        f"{URL}/{owner.pk}", {"full_name": " Olivia  O. ", "role": "manager"}
    )
    assert resp.status_code == 200, resp.content
    assert (resp.json()["full_name"], resp.json()["role"]) == ("Olivia O.", "manager")
    owner.refresh_from_db()
    assert (owner.full_name, owner.role) == ("Olivia O.", Role.MANAGER)
    # the name is an update; the role, a permission change of its own
    event = AuditEvent.objects.get(record_type="user", record_id=owner.pk, action="update")
    assert event.actor_id == admin_user.pk
    assert event.changes == {"full_name": ["Olivia Owner", "Olivia O."]}
    granted = AuditEvent.objects.get(
        record_type="user", record_id=owner.pk, action="permission_change"
    )
    assert granted.actor_id == admin_user.pk
    assert granted.changes == {"role": ["sales_rep", "manager"]}
    # and the audit search finds it by its action
    found = api(admin_user).get("/api/v1/audit", {"action": "permission_change"}).json()
    assert [row["id"] for row in found["items"]] == [granted.pk]


def test_a_changed_role_takes_effect_on_the_next_request(api, admin_user, owner, teammate):
    theirs = make_person(teammate)
    client = api(owner)
    assert client.get(f"/api/v1/people/{theirs.pk}").status_code == 404
    assert api(admin_user).patch(f"{URL}/{owner.pk}", {"role": "manager"}).status_code == 200
    assert client.get(f"/api/v1/people/{theirs.pk}").status_code == 200


@pytest.mark.parametrize(
    "body,fields",
    [
        ({"role": "boss"}, {"role": None}),
        ({"full_name": "x" * 201}, {"full_name": "String should have at most 200 characters"}),
        (
            {"is_active": "maybe"},
            {"is_active": "Input should be a valid boolean, unable to interpret input"},
        ),
        ({"email": "new@example.com"}, {"email": "Unknown field."}),
        ({"password": "hunter2"}, {"password": "Unknown field."}),
    ],
)
def test_a_bad_change_changes_nothing(api, admin_user, owner, body, fields):
    client = api(admin_user)
    before = users_state()
    resp = client.patch(f"{URL}/{owner.pk}", body)
    assert_error(resp, 422, "validation_failed")
    got = resp.json()["error"]["fields"]
    assert set(got) == set(fields)
    for key, message in fields.items():
        if message is not None:
            assert got[key] == message
    assert users_state() == before


def test_changing_a_missing_user_answers_404(api, admin_user):
    assert_error(api(admin_user).patch(f"{URL}/{MISSING_ID}", {"role": "admin"}), 404, "not_found")


@pytest.mark.parametrize("who", ["owner", "manager", "readonly"])
def test_only_admins_change_users(api, request, who, teammate):
    user = request.getfixturevalue(who)
    client = api(user)
    before = users_state()
    for body in ({"role": "admin"}, {"is_active": False}, {"full_name": "X"}):
        assert_error(client.patch(f"{URL}/{teammate.pk}", body), 403, "forbidden")
        # not even themselves
        assert_error(client.patch(f"{URL}/{user.pk}", body), 403, "forbidden")
    assert users_state() == before


def test_a_deactivated_user_cannot_log_in_nor_use_a_token_and_keeps_their_records(
    api, admin_user, owner
):
    # given a user with a session, a working token and records
    person = make_person(owner)
    deal = make_deal(owner)
    session = Client()
    session.force_login(owner)
    token = make_token(owner)
    assert api(owner, token=token).get(f"{URL}/me").status_code == 200
    # when an admin deactivates them
    resp = api(admin_user).patch(f"{URL}/{owner.pk}", {"is_active": False})
    assert resp.status_code == 200
    assert resp.json()["is_active"] is False
    # then they cannot log in, their session ends, and their token is refused
    assert (
        Client().post("/login/", {"username": owner.email, "password": PASSWORD}).status_code == 200
    )
    assert session.get("/").status_code == 302
    assert_error(api(owner, token=token).get(f"{URL}/me"), 401, "unauthorized")
    # and their records keep their owner
    assert Person.objects.get(pk=person.pk).owner_id == owner.pk
    assert Deal.objects.get(pk=deal.pk).owner_id == owner.pk
    # and reactivating lets them back in with the same password and token
    assert api(admin_user).patch(f"{URL}/{owner.pk}", {"is_active": True}).status_code == 200
    assert (
        Client().post("/login/", {"username": owner.email, "password": PASSWORD}).status_code == 302
    )
    assert api(owner, token=token).get(f"{URL}/me").status_code == 200
    assert ApiToken.objects.filter(user=owner, revoked_at__isnull=True).count() == 1


# --- the last active administrator --------------------------------------------------------------
@pytest.mark.parametrize(
    "body,field", [({"role": "manager"}, "role"), ({"is_active": False}, "is_active")]
)
def test_the_last_active_admin_cannot_be_demoted_or_deactivated(api, admin_user, body, field):
    # even by themselves
    client = api(admin_user)
    before = users_state()
    resp = client.patch(f"{URL}/{admin_user.pk}", body)
    assert_error(
        resp, 422, "validation_failed", {field: "At least one active administrator must remain."}
    )
    assert users_state() == before


def test_an_inactive_admin_does_not_count(api, admin_user):
    other = make_user("admin", email="other-admin@example.com")
    user_update(actor=admin_user, user=other, is_active=False)
    client = api(admin_user)
    before = users_state()
    resp = client.patch(f"{URL}/{admin_user.pk}", {"role": "sales_rep", "is_active": True})
    assert_error(
        resp, 422, "validation_failed", {"role": "At least one active administrator must remain."}
    )
    assert users_state() == before


def test_with_another_active_admin_an_admin_may_step_down(api, admin_user):
    other = make_user("admin", email="other-admin@example.com")
    client = api(admin_user)
    resp = client.patch(f"{URL}/{admin_user.pk}", {"role": "manager"})
    assert resp.status_code == 200
    assert User.objects.get(pk=admin_user.pk).role == Role.MANAGER
    # now the other is the last one
    assert_error(
        api(other).patch(f"{URL}/{other.pk}", {"is_active": False}),
        422,
        "validation_failed",
        {"is_active": "At least one active administrator must remain."},
    )
    # and the one who stepped down can no longer administer
    assert_error(client.patch(f"{URL}/{other.pk}", {"role": "manager"}), 403, "forbidden")


# --- reassigning records -------------------------------------------------------------------------
def test_reassign_moves_every_record_through_its_service(
    api, admin_user, owner, teammate, outsider
):
    # given records of every kind owned by the owner (a converted lead too), and some by others
    make_person(owner), make_person(owner)
    make_organization(owner)
    make_deal(owner), make_deal(owner), make_deal(owner)
    make_lead(owner)
    converted = make_lead(owner)
    lead_convert(actor=owner, lead=converted, version=None, create_deal=False)
    kept = [make_person(outsider), make_deal(outsider)]
    models = {"person": Person, "organization": Organization, "deal": Deal, "lead": Lead}
    owned = {
        key: dict(model.objects.filter(owner=owner).values_list("pk", "version"))
        for key, model in models.items()
    }
    # (the conversion made a person: three people in all)
    assert {key: len(rows) for key, rows in owned.items()} == {
        "person": 3,
        "organization": 1,
        "deal": 3,
        "lead": 2,
    }
    client = api(admin_user)
    audit_before = AuditEvent.objects.count()
    # when an admin reassigns them to the teammate
    resp = client.post(f"{URL}/{owner.pk}/reassign", {"to_user_id": teammate.pk})
    # then each type says how many moved
    assert resp.status_code == 200, resp.content
    assert resp.json() == {
        "user_id": owner.pk,
        "to_user_id": teammate.pk,
        "counts": {"person": 3, "organization": 1, "deal": 3, "lead": 2},
    }
    # and the owner has nothing left; others kept theirs
    for model in models.values():
        assert not model.objects.filter(owner=owner).exists()
    assert Person.objects.get(pk=kept[0].pk).owner_id == outsider.pk
    assert Deal.objects.get(pk=kept[1].pk).owner_id == outsider.pk
    # each record moved through its service: a new version and exactly one audit row each
    new_events = AuditEvent.objects.filter(pk__gt=0).order_by("pk")[audit_before:]
    for key, rows in owned.items():
        for pk, version in rows.items():
            fresh = models[key].objects.get(pk=pk)
            assert (fresh.owner_id, fresh.version) == (teammate.pk, version + 1)
            events = [e for e in new_events if (e.record_type, e.record_id) == (key, pk)]
            assert len(events) == 1
            assert (events[0].action, events[0].actor_id) == ("update", admin_user.pk)
            assert events[0].changes == {"owner": [owner.pk, teammate.pk]}
    # and one more row for the user, saying what moved where
    assert AuditEvent.objects.count() == audit_before + 9 + 1
    summary = AuditEvent.objects.get(record_type="user", record_id=owner.pk, action="update")
    assert summary.changes == {
        "records_reassigned_to": [None, teammate.pk],
        "records_owned": [
            {"person": 3, "organization": 1, "deal": 3, "lead": 2},
            {"person": 0, "organization": 0, "deal": 0, "lead": 0},
        ],
    }


def test_reassigning_from_a_deactivated_user(api, admin_user, owner, teammate):
    person = make_person(owner)
    api(admin_user).patch(f"{URL}/{owner.pk}", {"is_active": False})
    resp = api(admin_user).post(f"{URL}/{owner.pk}/reassign", {"to_user_id": teammate.pk})
    assert resp.status_code == 200
    assert Person.objects.get(pk=person.pk).owner_id == teammate.pk


@pytest.mark.parametrize("target", ["inactive", "unknown", "same", "missing"])
def test_reassigning_to_a_bad_user_changes_nothing(api, admin_user, owner, teammate, target):
    person = make_person(owner)
    deal = make_deal(owner)
    if target == "inactive":
        user_update(actor=admin_user, user=teammate, is_active=False)
    body = {
        "inactive": {"to_user_id": teammate.pk},
        "unknown": {"to_user_id": MISSING_ID},
        "same": {"to_user_id": owner.pk},
        "missing": {},
    }[target]
    client = api(admin_user)
    before = [snapshot(person), snapshot(deal)]
    resp = client.post(f"{URL}/{owner.pk}/reassign", body)
    message = {
        "inactive": "This user is deactivated. Choose an active user.",
        "unknown": "No such user.",
        "same": "Choose someone else.",
        "missing": "This field is required.",
    }[target]
    assert_error(resp, 422, "validation_failed", {"to_user_id": message})
    assert [snapshot(person), snapshot(deal)] == before


def test_reassigning_a_missing_user_answers_404(api, admin_user, teammate):
    resp = api(admin_user).post(f"{URL}/{MISSING_ID}/reassign", {"to_user_id": teammate.pk})
    assert_error(resp, 404, "not_found")


@pytest.mark.parametrize("who", ["owner", "manager", "readonly"])
def test_only_admins_reassign(api, request, who, teammate):
    user = request.getfixturevalue(who)
    person = make_person(teammate)
    client = api(user)
    before = snapshot(person)
    resp = client.post(f"{URL}/{teammate.pk}/reassign", {"to_user_id": user.pk})
    assert_error(resp, 403, "forbidden")
    assert snapshot(person) == before


def test_one_failure_moves_nothing(api, admin_user, owner, teammate, monkeypatch):
    # given people and a deal, and a deal service that refuses the change
    people = [make_person(owner) for _ in range(2)]
    deal = make_deal(owner)

    def refuse(**kwargs: Any) -> Any:
        raise ValidationFailed(fields={"owner": "No."})

    deal_type = registry.get("deal")
    monkeypatch.setitem(registry._types, "deal", dataclasses.replace(deal_type, reassign=refuse))
    client = api(admin_user)
    before = [snapshot(p) for p in people] + [snapshot(deal)]
    # when the people have moved and then the deal is refused
    resp = client.post(f"{URL}/{owner.pk}/reassign", {"to_user_id": teammate.pk})
    # then nothing moved at all
    assert_error(resp, 422, "validation_failed", {"owner": "No."})
    assert [snapshot(p) for p in people] + [snapshot(deal)] == before
