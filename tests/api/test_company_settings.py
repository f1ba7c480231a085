"""/api/v1/company-settings: the language, time zone and currency new users start with."""

from __future__ import annotations

from typing import Any

import pytest

from sambandh.accounts.models import CompanySettings
from sambandh.accounts.selectors import company_settings
from sambandh.accounts.services import user_create
from sambandh.core.models import AuditEvent
from tests.api.helpers import assert_error, etag

pytestmark = pytest.mark.django_db

URL = "/api/v1/company-settings"
GOOD = {"language": "te", "time_zone": "Asia/Kolkata", "currency": "INR"}


def state() -> dict[str, Any]:
    return {
        "rows": list(CompanySettings.objects.values()),
        "audit": AuditEvent.objects.count(),
    }


def test_an_empty_database_answers_the_settings_file_defaults(api, owner):
    resp = api(owner).get(URL)
    assert resp.status_code == 200
    body = resp.json()
    assert {k: body[k] for k in ("language", "time_zone", "currency", "version")} == {
        "language": "en",
        "time_zone": "UTC",
        "currency": "USD",
        "version": 1,
    }
    assert resp["ETag"] == etag(1)
    # and reading wrote nothing
    assert not CompanySettings.objects.exists()


def test_an_admin_sets_them_and_new_users_start_with_them(api, admin_user):
    client = api(admin_user)
    resp = client.put(URL, {**GOOD, "version": 1})
    assert resp.status_code == 200, resp.content
    assert {k: resp.json()[k] for k in (*GOOD, "version")} == {**GOOD, "version": 2}
    assert resp["ETag"] == etag(2)
    row = CompanySettings.objects.get()
    assert (row.pk, row.updated_by_id) == (1, admin_user.pk)
    event = AuditEvent.objects.get(record_type="company_settings")
    assert event.changes == {
        "language": ["en", "te"],
        "time_zone": ["UTC", "Asia/Kolkata"],
        "currency": ["USD", "INR"],
    }
    # If-Match works as well as a version
    again = client.put(URL, {**GOOD, "currency": "EUR"}, **{"If-Match": etag(2)})
    assert (again.status_code, again.json()["version"]) == (200, 3)
    # a new user starts with them; one who names their own keeps theirs
    new = user_create(email="new@example.com", role="sales_rep")
    assert (new.language, new.time_zone, new.currency) == ("te", "Asia/Kolkata", "EUR")
    own = user_create(email="own@example.com", role="sales_rep", language="de", currency="CHF")
    assert (own.language, own.time_zone, own.currency) == ("de", "Asia/Kolkata", "CHF")
    # and users already there keep theirs
    admin_user.refresh_from_db()
    assert (admin_user.language, admin_user.currency) == ("en", "USD")


def test_a_stale_or_missing_version_changes_nothing(api, admin_user):
    client = api(admin_user)
    assert client.put(URL, {**GOOD, "version": 1}).status_code == 200
    before = state()
    assert_error(client.put(URL, {**GOOD, "version": 1}), 409, "version_conflict")
    assert_error(
        client.put(URL, GOOD), 428, "version_required", {"version": "This field is required."}
    )
    assert state() == before


@pytest.mark.parametrize(
    "change,fields",
    [
        ({"language": "xx"}, {"language": "Choose one of the interface languages."}),
        ({"time_zone": "Mars/Olympus"}, None),
        ({"currency": "ZZZ"}, None),
        ({"currency": "RUPEES"}, {"currency": "String should have at most 3 characters"}),
        ({"colour": "blue"}, {"colour": "Unknown field."}),
    ],
)
def test_bad_values_change_nothing(api, admin_user, change, fields):
    client = api(admin_user)
    before = state()
    resp = client.put(URL, {**GOOD, "version": 1, **change})
    assert_error(resp, 422, "validation_failed", fields)
    assert set(resp.json()["error"]["fields"]) == set(change)
    assert state() == before
    assert company_settings().language == "en"


@pytest.mark.parametrize("who", ["owner", "manager", "readonly"])
def test_only_admins_change_them(api, request, who):
    client = api(request.getfixturevalue(who))
    before = state()
    assert_error(client.put(URL, {**GOOD, "version": 1}), 403, "forbidden")
    assert state() == before
    assert client.get(URL).status_code == 200
