"""API tokens with scopes and an expiry: chosen at creation (tokens page, CLI, service),
enforced by the REST API and its read lane, stored hashed, and full access for the tokens made
before scopes existed."""

from __future__ import annotations

import datetime

import pytest
from django.db.migrations.loader import MigrationLoader
from django.urls import reverse
from django.utils import timezone

from sambandh.accounts import scopes
from sambandh.accounts.models import ApiToken
from sambandh.accounts.services import token_create, token_digest, token_revoke
from sambandh.cli import main
from sambandh.contacts.models import Person
from sambandh.core.audit import values_after
from sambandh.core.errors import ValidationFailed
from sambandh.core.models import AuditEvent
from tests import factories
from tests.api.helpers import snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def scoped(api):
    """``scoped(user, "people:read", ...)``: an API client with a token of those scopes."""

    def make(user, *scope_list, expires_at=None):
        _token, secret = token_create(user=user, scopes=list(scope_list), expires_at=expires_at)
        return api(user, token=secret)

    return make


# --- the scopes themselves ---------------------------------------------------------------------
def test_clean_keeps_the_widest_level_per_target_in_registry_order():
    assert scopes.clean(["deals:read", "people:read", "people:write"]) == (
        "people:write deals:read"
    )
    assert scopes.clean("all:read people:read deals:write") == "all:read deals:write"
    assert scopes.clean(["people:write", "all:write"]) == "all:write"


@pytest.mark.parametrize("bad", [["gadgets:admin"], ["nothing:read"], ["people"], []])
def test_clean_refuses_unknown_or_no_scopes(bad):
    with pytest.raises(ValidationFailed) as exc:
        scopes.clean(bad)
    assert "scopes" in exc.value.fields


def test_what_each_request_needs():
    assert scopes.request_needs("GET", "/api/v1/people/5") == ("people", "read")
    assert scopes.request_needs("PATCH", "/api/v1/people/5/shares") == ("people", "write")
    assert scopes.request_needs("POST", "/api/v1/tasks") == ("activities", "write")
    assert scopes.request_needs("GET", "/api/v1/pipelines") == ("deals", "read")
    assert scopes.request_needs("POST", "/api/v1/pipelines") == (None, "write")
    assert scopes.request_needs("GET", "/api/v1/users/me") == (None, "read")
    assert scopes.request_needs("GET", "/api/v1/record-types") is None
    assert scopes.request_needs("POST", "/api/v1/jobs/5/undo") is None  # the view checks


# --- creating tokens ---------------------------------------------------------------------------
def test_a_token_is_stored_as_a_digest_with_its_scopes_and_expiry(owner):
    expires = timezone.now() + datetime.timedelta(days=30)
    token, secret = token_create(user=owner, scopes=["people:read"], expires_at=expires)
    row = ApiToken.objects.get(pk=token.pk)
    assert row.digest == token_digest(secret) and secret not in row.digest
    assert (row.scopes, row.expires_at) == ("people:read", expires)
    audit = AuditEvent.objects.filter(action="token", record_id=owner.pk).latest("id")
    assert values_after(audit)["scopes"] == "people:read"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"scopes": ["people:delete"]}, "scopes"),
        ({"expires_at": datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)}, "expires_at"),
        ({"expires_at": timezone.now() + datetime.timedelta(days=5000)}, "expires_at"),
    ],
)
def test_bad_scopes_or_expiry_create_nothing(owner, kwargs, field):
    before = (ApiToken.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ValidationFailed) as exc:
        token_create(user=owner, **kwargs)
    assert field in exc.value.fields
    assert (ApiToken.objects.count(), AuditEvent.objects.count()) == before


def test_tokens_made_before_scopes_keep_full_access():
    # the migration that adds scopes gives every existing row full access
    loader = MigrationLoader(None, ignore_no_migrations=True)
    migration = loader.disk_migrations[("accounts", "0005_token_scopes_and_admin_mfa_setting")]
    added = {op.name: op for op in migration.operations if op.model_name == "apitoken"}
    assert added["scopes"].field.default == "all:write"
    assert ApiToken._meta.get_field("scopes").default == "all:write"


def test_the_tokens_page_creates_a_scoped_expiring_token(owner, client):
    client.force_login(owner)
    response = client.post(
        reverse("accounts:tokens"),
        {"name": "sync", "scope_people": "read", "scope_deals": "write", "expires_in": "30"},
    )
    assert response.status_code == 200
    token = ApiToken.objects.get(user=owner)
    assert token.scopes == "people:read deals:write"
    days = (token.expires_at - timezone.now()).total_seconds() / 86400
    assert 29.9 < days <= 30
    listed = client.get(reverse("accounts:tokens")).content.decode()
    assert "People: Read" in listed and "Deals: Read and write" in listed


def test_the_tokens_page_refuses_a_token_without_scopes(owner, client):
    client.force_login(owner)
    response = client.post(reverse("accounts:tokens"), {"name": "nothing", "expires_in": "30"})
    assert response.status_code == 200
    assert response.context["secret"] == ""
    assert "Choose at least one scope." in response.content.decode()
    assert not ApiToken.objects.filter(user=owner).exists()


def test_the_cli_takes_scopes_and_an_expiry(owner, capsys):
    argv = ["token", "create", "--email", owner.email, "--scope", "people:read"]
    assert main([*argv, "--expires-days", "7"]) == 0
    token = ApiToken.objects.get(user=owner)
    assert token.scopes == "people:read"
    assert 6.9 < (token.expires_at - timezone.now()).total_seconds() / 86400 <= 7
    assert main(["token", "create", "--email", owner.email, "--scope", "people:admin"]) != 0
    assert ApiToken.objects.filter(user=owner).count() == 1


# --- enforced on the REST API ------------------------------------------------------------------
@pytest.mark.parametrize("method", ["post", "patch", "delete"])
def test_a_read_only_token_may_not_change_anything(owner, method, scoped):
    person = factories.make_person(owner, full_name="Asha Rao")
    api = scoped(owner, "all:read")
    before = snapshot(person)
    path = "/api/v1/people" if method == "post" else f"/api/v1/people/{person.pk}"
    body = {"full_name": "Changed", "version": person.version}
    response = getattr(api, method)(path, body) if method != "delete" else api.delete(path)
    assert response.status_code == 403
    error = response.json()["error"]
    assert error["code"] == "scope_missing"
    expected = f"This token is read-only: it cannot change anything ({method.upper()})."
    assert error["message"] == expected
    assert snapshot(person) == before
    assert Person.objects.count() == 1
    # and it still reads
    assert api.get(f"/api/v1/people/{person.pk}").status_code == 200
    assert api.get("/api/v1/deals").status_code == 200


def test_a_token_scoped_to_people_gets_403_on_deals(owner, pipeline, scoped):
    deal = factories.make_deal(owner, name="Loom order")
    api = scoped(owner, "people:write")
    for response in (api.get("/api/v1/deals"), api.get(f"/api/v1/deals/{deal.pk}")):
        assert response.status_code == 403
        assert response.json()["error"]["message"] == (
            "This token's scopes do not cover this request; it needs the scope deals:read."
        )
    assert api.patch(f"/api/v1/deals/{deal.pk}", {"name": "x"}).status_code == 403
    assert api.get("/api/v1/users/me").status_code == 403  # outside every record type
    # while people are its to read and write
    created = api.post("/api/v1/people", {"full_name": "Ravi Kumar"})
    assert created.status_code == 201
    assert api.get(f"/api/v1/people/{created.json()['id']}").status_code == 200


def test_a_bulk_job_counts_as_the_record_type_it_acts_on(owner, scoped):
    from tests.bulk_jobs import run_worker

    person = factories.make_person(owner, full_name="Asha Rao")
    writer = scoped(owner, "people:write")
    started = writer.post(
        "/api/v1/people/bulk",
        {"ids": [person.pk], "action": "update", "values": {"job_title": "CTO"}},
    )
    assert started.status_code == 202, started.content
    run_worker()
    job = f"/api/v1/jobs/{started.json()['id']}"
    # the token that started it follows it and undoes it
    assert writer.get(job).json()["status"] == "done"
    # a token for another record type, or read-only for people, may not
    other = scoped(owner, "deals:write").get(job)
    assert other.status_code == 403
    assert other.json()["error"]["message"] == (
        "This token's scopes do not cover this request; it needs the scope people:read."
    )
    reader = scoped(owner, "people:read")
    assert reader.get(job).status_code == 200
    assert reader.post(f"{job}/undo", {}).status_code == 403
    assert Person.objects.get(pk=person.pk).job_title == "CTO"
    assert writer.post(f"{job}/undo", {}).status_code == 202


def test_the_read_lane_answers_only_what_the_scopes_allow(owner, scoped):
    person = factories.make_person(owner, full_name="Asha Rao")
    reader = scoped(owner, "people:read")
    assert reader.get(f"/api/v1/people/{person.pk}").status_code == 200
    assert reader.lane_answered
    deals_only = scoped(owner, "deals:write")
    response = deals_only.get(f"/api/v1/people/{person.pk}")
    assert not deals_only.lane_answered
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "scope_missing"


def test_a_token_stops_at_its_expiry_on_both_paths(owner, scoped):
    person = factories.make_person(owner, full_name="Asha Rao")
    expires = timezone.now() + datetime.timedelta(days=1)
    api = scoped(owner, "all:write", expires_at=expires)
    assert api.get(f"/api/v1/people/{person.pk}").status_code == 200
    assert api.lane_answered  # the lane now remembers the token
    ApiToken.objects.filter(user=owner).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    assert api.get(f"/api/v1/people/{person.pk}").status_code == 401
    assert api.get("/api/v1/people").status_code == 401
    assert api.post("/api/v1/people", {"full_name": "Late"}).status_code == 401
    assert Person.objects.count() == 1


def test_revoking_stops_a_scoped_token_at_once(owner, scoped):
    person = factories.make_person(owner, full_name="Asha Rao")
    api = scoped(owner, "people:read")
    assert api.get(f"/api/v1/people/{person.pk}").status_code == 200
    token_revoke(token=ApiToken.objects.get(user=owner), actor=owner)
    assert api.get(f"/api/v1/people/{person.pk}").status_code == 401


def test_scopes_never_widen_what_the_user_may_do(readonly, owner, scoped):
    person = factories.make_person(owner, full_name="Asha Rao")
    api = scoped(readonly, "all:write")
    response = api.patch(f"/api/v1/people/{person.pk}", {"full_name": "x", "version": 1})
    assert response.status_code in (403, 404)
    assert Person.objects.get(pk=person.pk).full_name == "Asha Rao"
