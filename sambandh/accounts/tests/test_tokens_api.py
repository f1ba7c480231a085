"""/api/v1/tokens: a program creates (the secret shown once), lists and revokes its user's API
tokens; each audited; a token never makes one with more scope or a longer life than its own,
and nobody reaches someone else's tokens."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from sambandh.accounts.models import ApiToken
from sambandh.accounts.services import token_create, token_digest
from sambandh.core.audit import values_after
from sambandh.core.models import AuditEvent
from tests.api.helpers import assert_error

pytestmark = pytest.mark.django_db
URL = "/api/v1/tokens"


def _client(api, user, *scopes, expires_at=None):
    token, secret = token_create(user=user, scopes=list(scopes), expires_at=expires_at)
    return token, api(user, token=secret)


def _state():
    """The tokens as stored, and the audit rows other than reads."""
    rows = list(ApiToken.objects.order_by("id").values("id", "user_id", "scopes", "revoked_at"))
    return rows, AuditEvent.objects.exclude(action="read").count()


def test_create_list_and_revoke(api, owner):
    maker, client = _client(api, owner, "all:write")
    later = (timezone.now() + datetime.timedelta(days=30)).replace(microsecond=0)

    resp = client.post(
        URL, {"name": "nightly sync", "scopes": ["people:read"], "expires_at": later.isoformat()}
    )

    assert resp.status_code == 201, resp.content
    body = resp.json()
    assert body["secret"].startswith(body["prefix"]) and body["scopes"] == ["people:read"]
    made = ApiToken.objects.get(pk=body["id"])
    assert (made.user_id, made.name, made.expires_at) == (owner.pk, "nightly sync", later)
    assert made.digest == token_digest(body["secret"]) and body["secret"] not in made.digest
    created = AuditEvent.objects.filter(action="token", record_id=owner.pk).latest("id")
    assert created.source == "api"
    assert values_after(created)["made_by"] == maker.prefix
    # the new token works, within its scope
    fresh = api(owner, token=body["secret"])
    assert fresh.get("/api/v1/people").status_code == 200
    assert fresh.post("/api/v1/people", {"full_name": "X"}).status_code == 403
    # listed: both, newest first, never a secret; the read is audited
    listed = client.get(URL).json()["items"]
    assert [t["id"] for t in listed] == [made.pk, maker.pk]
    assert all("secret" not in t for t in listed)
    read = AuditEvent.objects.filter(action="read", record_id=owner.pk).latest("id")
    assert read.changes == {"fields": [None, ["api_tokens"]]}
    # revoked: at once, audited, and the token no longer signs in
    assert client.delete(f"{URL}/{made.pk}").status_code == 204
    made.refresh_from_db()
    assert made.revoked_at is not None
    assert AuditEvent.objects.filter(action="token", summary__contains="revoked").count() == 1
    assert fresh.get("/api/v1/people").status_code == 401
    # revoking it again changes nothing
    before = _state()
    assert client.delete(f"{URL}/{made.pk}").status_code == 204
    assert _state() == before


def test_a_token_cannot_create_a_wider_or_longer_lived_one(api, owner):
    soon = timezone.now() + datetime.timedelta(days=2)
    _maker, client = _client(api, owner, "all:write", expires_at=soon)
    before = _state()
    # a life longer than its own, or none at all: refused, naming the field
    longer = (soon + datetime.timedelta(days=1)).isoformat()
    resp = client.post(URL, {"scopes": ["people:read"], "expires_at": longer})
    assert_error(resp, 422, "validation_failed")
    assert "expires_at" in resp.json()["error"]["fields"]
    assert_error(client.post(URL, {"scopes": ["people:read"]}), 422, "validation_failed")
    assert _state() == before
    # a read-only or record-scoped token may not manage tokens at all
    _reader, reader = _client(api, owner, "all:read")
    _people, people = _client(api, owner, "people:write")
    before = _state()
    assert_error(reader.post(URL, {"scopes": ["all:read"]}), 403, "scope_missing")
    assert_error(people.post(URL, {"scopes": ["people:read"]}), 403, "scope_missing")
    assert_error(people.get(URL), 403, "scope_missing")
    assert _state() == before


def test_the_service_refuses_a_wider_scope_than_the_maker(owner):
    from sambandh.core.errors import Forbidden

    maker, _secret = token_create(user=owner, scopes=["people:write", "deals:read"])
    token_create(user=owner, scopes=["people:read", "deals:read"], made_by=maker)
    count = ApiToken.objects.count()
    for wider in (["all:read"], ["deals:write"], ["organizations:read"]):
        with pytest.raises(Forbidden):
            token_create(user=owner, scopes=wider, made_by=maker)
    assert ApiToken.objects.count() == count


def test_bad_input_is_refused_and_changes_nothing(api, owner):
    _maker, client = _client(api, owner, "all:write")
    before = _state()
    for body in (
        {"scopes": []},
        {"scopes": ["people:admin"]},
        {"scopes": ["galaxies:read"]},
        {"scopes": ["all:read"], "expires_at": "2001-01-01T00:00:00Z"},
        {"scopes": ["all:read"], "expires_at": "2030-01-01T00:00:00"},
        {"scopes": ["all:read"], "expires_at": "not a date"},
        {"scopes": ["all:read"], "name": "x" * 101},
        {"scopes": ["all:read"], "secret": "mine"},
    ):
        resp = client.post(URL, body)
        assert resp.status_code == 422, (body, resp.content)
    assert _state() == before


def test_someone_elses_token_is_not_found(api, owner, teammate):
    theirs, _secret = token_create(user=teammate, scopes=["all:read"])
    _maker, client = _client(api, owner, "all:write")
    assert owner.pk not in [t.user_id for t in ApiToken.objects.filter(pk=theirs.pk)]
    before = _state()
    assert_error(client.delete(f"{URL}/{theirs.pk}"), 404, "not_found")
    assert_error(client.delete(f"{URL}/999999999"), 404, "not_found")
    assert theirs.pk not in [t["id"] for t in client.get(URL).json()["items"]]
    assert _state() == before
