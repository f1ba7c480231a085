"""The contract every route keeps: documented, authenticated, one error envelope, strict input,
bounded lists."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from sambandh.accounts.models import ApiToken, User
from sambandh.accounts.services import token_revoke
from sambandh.core.models import AuditEvent
from tests.api.helpers import assert_error
from tests.factories import make_token

pytestmark = pytest.mark.django_db

V1 = "/api/v1"
OPERATIONS = {
    ("get", "/custom-fields"),
    ("post", "/custom-fields"),
    ("get", "/custom-fields/{field_id}"),
    ("patch", "/custom-fields/{field_id}"),
    ("delete", "/custom-fields/{field_id}"),
    ("post", "/custom-fields/{field_id}/restore"),
    ("post", "/custom-fields/{field_id}/purge"),
    ("get", "/people"),
    ("post", "/people"),
    ("get", "/people/{person_id}"),
    ("patch", "/people/{person_id}"),
    ("delete", "/people/{person_id}"),
    ("get", "/organizations"),
    ("post", "/organizations"),
    ("get", "/organizations/{organization_id}"),
    ("patch", "/organizations/{organization_id}"),
    ("delete", "/organizations/{organization_id}"),
    ("post", "/people/merge"),
    ("post", "/organizations/merge"),
    ("get", "/merges/{merge_id}"),
    ("post", "/merges/{merge_id}/undo"),
    ("get", "/tags"),
    ("post", "/tags"),
    ("get", "/tags/{tag_id}"),
    ("patch", "/tags/{tag_id}"),
    ("delete", "/tags/{tag_id}"),
    ("get", "/leads"),
    ("post", "/leads"),
    ("get", "/leads/{lead_id}"),
    ("patch", "/leads/{lead_id}"),
    ("delete", "/leads/{lead_id}"),
    ("post", "/leads/{lead_id}/convert"),
    ("get", "/deals"),
    ("post", "/deals"),
    ("get", "/deals/{deal_id}"),
    ("patch", "/deals/{deal_id}"),
    ("delete", "/deals/{deal_id}"),
    ("post", "/deals/{deal_id}/move"),
    ("get", "/deals/{deal_id}/stage-history"),
    ("get", "/pipelines"),
    ("post", "/pipelines"),
    ("get", "/pipelines/{pipeline_id}"),
    ("patch", "/pipelines/{pipeline_id}"),
    ("delete", "/pipelines/{pipeline_id}"),
    ("get", "/activities"),
    ("post", "/activities"),
    ("get", "/activities/{activity_id}"),
    ("patch", "/activities/{activity_id}"),
    ("delete", "/activities/{activity_id}"),
    ("post", "/activities/{activity_id}/pin"),
    ("delete", "/activities/{activity_id}/pin"),
    ("get", "/tasks"),
    ("post", "/tasks"),
    ("get", "/tasks/{task_id}"),
    ("patch", "/tasks/{task_id}"),
    ("delete", "/tasks/{task_id}"),
    ("post", "/tasks/{task_id}/complete"),
    ("post", "/tasks/{task_id}/reopen"),
    ("get", "/users"),
    ("post", "/users"),
    ("get", "/users/me"),
    ("patch", "/users/me"),
    ("get", "/scheduling/working-hours"),
    ("get", "/scheduling/local-time"),
    ("get", "/users/{user_id}"),
    ("patch", "/users/{user_id}"),
    ("post", "/users/{user_id}/reassign"),
    ("get", "/teams"),
    ("post", "/teams"),
    ("get", "/teams/{team_id}"),
    ("patch", "/teams/{team_id}"),
    ("delete", "/teams/{team_id}"),
    ("post", "/teams/{team_id}/members"),
    ("delete", "/teams/{team_id}/members/{user_id}"),
    ("get", "/company-settings"),
    ("put", "/company-settings"),
    ("get", "/exchange-rates"),
    ("post", "/exchange-rates"),
    ("get", "/field-permissions"),
    ("put", "/field-permissions"),
    ("get", "/record-types"),
    ("get", "/scheduled-jobs"),
    ("get", "/scheduled-jobs/failed-handler-runs"),
    ("post", "/scheduled-jobs/failed-handler-runs/{run_id}/retry"),
    ("get", "/notifications"),
    ("post", "/notifications/read-all"),
    ("post", "/notifications/{notification_id}/read"),
    ("get", "/notifications/digest"),
    ("put", "/notifications/digest"),
    *(
        operation
        for records in ("people", "organizations", "deals", "leads")
        for operation in (
            ("get", f"/{records}/{{record_id}}/shares"),
            ("post", f"/{records}/{{record_id}}/shares"),
            ("delete", f"/{records}/{{record_id}}/shares/{{share_id}}"),
            ("get", f"/{records}/{{record_id}}/timeline"),
        )
    ),
    # Bulk actions: one route per record type that declares them, and their jobs.
    *(
        ("post", f"/{records}/bulk")
        for records in ("people", "organizations", "deals", "leads", "activities")
    ),
    ("get", "/jobs/{job_id}"),
    ("post", "/jobs/{job_id}/undo"),
    # Imports (sambandh/imports).
    ("get", "/imports"),
    ("post", "/imports"),
    ("get", "/imports/presets"),
    ("post", "/imports/presets"),
    ("get", "/imports/{import_id}"),
    ("get", "/imports/{import_id}/rows"),
    ("get", "/imports/{import_id}/report"),
    ("post", "/imports/{import_id}/undo"),
    ("post", "/imports/{import_id}/cancel"),
    # Exports (sambandh/exports): one route per record type with a list layout.
    *(
        ("get", f"/{records}/export")
        for records in ("people", "organizations", "deals", "leads", "activities")
    ),
    ("post", "/emails"),
    ("get", "/emails/{activity_id}"),
    ("post", "/emails/{activity_id}/retry"),
    # Attachments: one pair of routes per record type, and the files themselves.
    *(
        (method, f"/{kind}/{{record_id}}/attachments")
        for kind in ("people", "organizations", "deals", "leads", "activities", "gadgets")
        for method in ("get", "post")
    ),
    ("get", "/attachments/{attachment_id}"),
    ("get", "/attachments/{attachment_id}/download"),
    ("delete", "/attachments/{attachment_id}"),
    # A person's consents.
    ("get", "/people/{person_id}/consents"),
    ("post", "/people/{person_id}/consents"),
    # The recycle bin.
    ("get", "/recycle-bin"),
    ("get", "/recycle-bin/{entry_id}"),
    ("post", "/recycle-bin/{entry_id}/restore"),
    ("get", "/privacy/requests"),
    ("post", "/privacy/requests"),
    ("get", "/privacy/requests/{request_id}"),
    ("get", "/privacy/requests/{request_id}/export"),
    ("post", "/privacy/requests/{request_id}/erase"),
    ("post", "/privacy/requests/{request_id}/complete"),
    ("get", "/privacy/retention-policies"),
    ("post", "/privacy/retention-policies"),
    ("get", "/privacy/retention-policies/{policy_id}"),
    ("patch", "/privacy/retention-policies/{policy_id}"),
    ("delete", "/privacy/retention-policies/{policy_id}"),
    ("post", "/privacy/retention-policies/{policy_id}/dry-run"),
    ("get", "/privacy/settings"),
    ("put", "/privacy/settings"),
    ("get", "/audit"),
    ("post", "/audit/{event_id}/restore"),
    ("get", "/tokens"),
    ("post", "/tokens"),
    ("delete", "/tokens/{token_id}"),
    # The record type the tests declare (tests/registry_app) is shared like every other.
    ("get", "/gadgets/{record_id}/shares"),
    ("post", "/gadgets/{record_id}/shares"),
    ("delete", "/gadgets/{record_id}/shares/{share_id}"),
}
LISTS = [
    "/people",
    "/organizations",
    "/tags",
    "/leads",
    "/deals",
    "/pipelines",
    "/activities",
    "/tasks",
    "/users",
    "/teams",
]
CREATES = [
    "/people",
    "/organizations",
    "/tags",
    "/leads",
    "/deals",
    "/pipelines",
    "/activities",
    "/tasks",
]
# A string field of each create body, and its longest allowed length.
LONGEST = [
    ("/people", "full_name", 200),
    ("/organizations", "name", 200),
    ("/tags", "name", 60),
    ("/leads", "company", 200),
    ("/deals", "name", 200),
    ("/pipelines", "name", 100),
    ("/activities", "subject", 300),
    ("/tasks", "subject", 300),
]


def concrete(path: str) -> str:
    return V1 + re.sub(r"\{[a-z_]+\}", "1", path)


def send(client: Client, method: str, path: str, **headers: str):
    if method in ("post", "patch", "put"):
        return getattr(client, method)(path, {}, content_type="application/json", headers=headers)
    return getattr(client, method)(path, headers=headers)


def test_openapi_lists_every_operation(client):
    resp = client.get(f"{V1}/openapi.json")
    assert resp.status_code == 200
    schema = resp.json()
    found = {
        (method, path.removeprefix(V1)) for path, ops in schema["paths"].items() for method in ops
    }
    assert OPERATIONS - found == set()
    # anything else belongs to the search router
    assert {p for _m, p in found - OPERATIONS} <= {"/search"}
    assert schema["components"]["securitySchemes"]["BearerToken"] == {
        "type": "http",
        "scheme": "bearer",
    }


def test_the_interactive_docs_answer(client):
    resp = client.get(f"{V1}/docs")
    assert resp.status_code == 200
    assert b"openapi.json" in resp.content


@pytest.mark.parametrize("method,path", sorted(OPERATIONS))
def test_every_operation_needs_a_token(client, method, path):
    resp = send(client, method, concrete(path))
    assert_error(resp, 401, "unauthorized")
    assert resp["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize("header", ["Bearer nope", "Bearer ", "Token abc", "Basic dXNlcjpw"])
def test_an_invalid_token_is_refused(client, owner, header):
    assert_error(client.get(f"{V1}/people", headers={"Authorization": header}), 401, "unauthorized")


@pytest.mark.parametrize("how", ["revoked", "expired", "inactive user"])
def test_a_dead_token_is_refused(client, owner, how):
    # given a token that worked
    secret = make_token(owner)
    auth = {"Authorization": f"Bearer {secret}"}
    assert client.get(f"{V1}/users/me", headers=auth).status_code == 200
    token = ApiToken.objects.get(user=owner)
    # when it is revoked, expires, or its user is deactivated
    if how == "revoked":
        token_revoke(token=token, actor=owner)
    elif how == "expired":
        ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(1))
    else:
        User.objects.filter(pk=owner.pk).update(is_active=False)
    # then it opens nothing
    assert_error(client.get(f"{V1}/users/me", headers=auth), 401, "unauthorized")
    assert_error(
        client.post(
            f"{V1}/people", {"full_name": "x"}, content_type="application/json", headers=auth
        ),
        401,
        "unauthorized",
    )


@pytest.mark.parametrize("path", CREATES)
def test_unknown_body_fields_are_named(api, owner, path):
    client = api(owner)
    events = AuditEvent.objects.count()
    resp = client.post(V1 + path, {"bogus": 1})
    assert_error(resp, 422, "validation_failed")
    assert resp.json()["error"]["fields"]["bogus"] == "Unknown field."
    assert AuditEvent.objects.count() == events


def test_unknown_nested_fields_are_named(api, owner):
    resp = api(owner).post(
        f"{V1}/people", {"full_name": "A", "emails": [{"email": "a@b.in", "verified": True}]}
    )
    assert_error(resp, 422, "validation_failed", {"emails.0.verified": "Unknown field."})


@pytest.mark.parametrize("path,field,longest", LONGEST)
def test_strings_over_their_length_are_refused(api, owner, path, field, longest):
    client = api(owner)
    events = AuditEvent.objects.count()
    resp = client.post(V1 + path, {field: "x" * (longest + 1)})
    assert_error(resp, 422, "validation_failed")
    assert resp.json()["error"]["fields"][field] == (
        f"String should have at most {longest} characters"
    )
    assert AuditEvent.objects.count() == events


@pytest.mark.parametrize("path", CREATES)
def test_a_body_over_the_limit_answers_413(api, owner, settings, path):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 4096
    client = api(owner)
    events = AuditEvent.objects.count()
    resp = client.post(V1 + path, {"description": "x" * 5000})
    assert_error(resp, 413, "too_large")
    assert AuditEvent.objects.count() == events


def test_a_body_that_is_not_json_answers_400(api, owner):
    client = api(owner)
    resp = client.client.post(
        f"{V1}/people", "{not json", content_type="application/json", headers=client._headers({})
    )
    assert_error(resp, 400, "bad_request")


@pytest.mark.parametrize("path", LISTS)
@pytest.mark.parametrize("cursor", ["zzz", "W10", "WyJhIiwiYiIsImMiXQ", "!!"])
def test_a_bad_cursor_answers_422(api, owner, path, cursor):
    resp = api(owner).get(V1 + path, {"cursor": cursor})
    assert_error(resp, 422, "validation_failed", {"cursor": "Not valid."})


@pytest.mark.parametrize("path", LISTS)
@pytest.mark.parametrize(
    "limit,message",
    [
        ("0", "Input should be greater than or equal to 1"),
        ("201", "Input should be less than or equal to 200"),
        ("ten", "Input should be a valid integer, unable to parse string as an integer"),
    ],
)
def test_a_limit_out_of_range_answers_422(api, owner, path, limit, message):
    resp = api(owner).get(V1 + path, {"limit": limit})
    assert_error(resp, 422, "validation_failed", {"limit": message})


@pytest.mark.parametrize("path", LISTS)
def test_lists_answer_exactly_items_and_next(api, owner, path):
    resp = api(owner).get(V1 + path, {"limit": 200})
    assert resp.status_code == 200
    assert set(resp.json()) == {"items", "next"}
    assert resp.json()["next"] is None


def test_unknown_api_path_answers_the_json_envelope(owner, api):
    response = api(owner).get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.json() == {
        "error": {"code": "not_found", "message": "No such API path.", "fields": {}}
    }


def test_wrong_method_answers_the_json_envelope(owner, api):
    response = api(owner).client.put("/api/v1/people", headers=api(owner)._headers(None))
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"
    assert set(response["Allow"].replace(" ", "").split(",")) == {"GET", "POST"}
