"""Data-subject requests: the legal deadline per regime, the overdue list, and who may ask."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from sambandh.core.models import AuditEvent
from sambandh.privacy import deadlines
from sambandh.privacy.models import DataSubjectRequest
from sambandh.privacy.services import request_complete, request_create, settings_update
from tests import factories
from tests.api.helpers import assert_error

pytestmark = pytest.mark.django_db
URL = "/api/v1/privacy/requests"


def _at(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text).replace(tzinfo=datetime.UTC)


@pytest.mark.parametrize(
    ("regime", "received", "due"),
    [
        ("gdpr", "2026-01-15T10:00", datetime.date(2026, 2, 15)),
        ("gdpr", "2026-01-31T10:00", datetime.date(2026, 2, 28)),  # a shorter month: its last day
        ("gdpr", "2025-12-20T10:00", datetime.date(2026, 1, 20)),
        ("ccpa", "2026-01-15T10:00", datetime.date(2026, 3, 1)),  # 45 days
        ("lgpd", "2026-01-15T10:00", datetime.date(2026, 1, 30)),  # 15 days
        ("dpdp", "2026-01-15T10:00", datetime.date(2026, 2, 14)),  # 30 days until notified
    ],
)
def test_each_regime_sets_its_deadline(admin_user, owner, regime, received, due):
    person = factories.make_person(owner)
    request = request_create(
        actor=admin_user,
        type="access",
        person_id=person.pk,
        regime=regime,
        received_at=_at(received),
    )
    assert request.due_on == due
    assert request.regime == regime


def test_the_dpdp_period_is_the_companys_setting(admin_user, owner):
    settings_update(actor=admin_user, dpdp_days=7)
    person = factories.make_person(owner)
    request = request_create(
        actor=admin_user,
        type="erasure",
        person_id=person.pk,
        regime="dpdp",
        received_at=_at("2026-03-01T09:00"),
    )
    assert request.due_on == datetime.date(2026, 3, 8)


def test_without_a_regime_the_persons_residency_chooses_it(admin_user, owner):
    assert deadlines.regime_for("br") == "lgpd"
    person = factories.make_person(owner, residency="us-ca")
    request = request_create(actor=admin_user, type="correction", person_id=person.pk)
    assert request.regime == "ccpa"
    other = request_create(
        actor=admin_user, type="correction", person_id=factories.make_person(owner).pk
    )
    assert other.regime == "gdpr"


def test_the_api_creates_a_request_and_lists_the_overdue_ones(api, admin_user, owner):
    person = factories.make_person(owner)
    client = api(admin_user)
    old = client.post(
        URL,
        {
            "type": "correction",
            "person_id": person.pk,
            "regime": "lgpd",
            "received_at": "2026-01-01T09:00:00Z",
        },
    )
    assert old.status_code == 201, old.content
    fresh = client.post(URL, {"type": "correction", "person_id": person.pk, "regime": "gdpr"})
    assert fresh.status_code == 201
    assert old.json()["due_on"] == "2026-01-16"
    assert old.json()["overdue"] is (timezone.localdate() > datetime.date(2026, 1, 16))
    # a closed request is never overdue, however late
    closed = request_create(
        actor=admin_user,
        type="correction",
        person_id=person.pk,
        regime="lgpd",
        received_at=_at("2026-01-02T09:00"),
    )
    request_complete(actor=admin_user, request=closed, notes="Fixed the spelling of the name")
    body = client.get(URL, {"overdue": "true"}).json()
    assert [r["id"] for r in body["items"]] == [old.json()["id"]]
    assert body["items"][0]["overdue"] is True
    everything = client.get(URL).json()
    assert {r["id"] for r in everything["items"]} == {
        old.json()["id"],
        fresh.json()["id"],
        closed.pk,
    }
    assert AuditEvent.objects.filter(record_type="privacy_request", action="create").count() == 3


def test_bad_input_is_refused_and_changes_nothing(api, admin_user, owner):
    person = factories.make_person(owner)
    client = api(admin_user)
    assert_error(
        client.post(URL, {"type": "forget", "person_id": person.pk}), 422, "validation_failed"
    )
    resp = client.post(URL, {"type": "access", "person_id": 987654321})
    assert_error(resp, 422, "validation_failed", {"person_id": "No such person."})
    future = (timezone.now() + datetime.timedelta(days=3)).isoformat()
    resp = client.post(URL, {"type": "access", "person_id": person.pk, "received_at": future})
    assert_error(resp, 422, "validation_failed")
    assert "received_at" in resp.json()["error"]["fields"]
    assert_error(
        client.post(URL, {"type": "access", "person_id": person.pk, "regime": "hipaa"}),
        422,
        "validation_failed",
    )
    assert DataSubjectRequest.objects.count() == 0


@pytest.mark.parametrize("role", ["owner", "manager", "readonly"])
def test_only_admins_may_see_or_make_requests(api, request, admin_user, owner, role):
    user = request.getfixturevalue(role)
    person = factories.make_person(owner)
    made = request_create(actor=admin_user, type="access", person_id=person.pk)
    client = api(user)
    audit = AuditEvent.objects.count()
    assert_error(client.post(URL, {"type": "erasure", "person_id": person.pk}), 403, "forbidden")
    assert_error(client.get(URL), 403, "forbidden")
    assert_error(client.get(f"{URL}/{made.pk}"), 403, "forbidden")
    assert_error(client.get(f"{URL}/{made.pk}/export"), 403, "forbidden")
    assert_error(client.post(f"{URL}/{made.pk}/erase", {}), 403, "forbidden")
    assert_error(client.get("/api/v1/privacy/retention-policies"), 403, "forbidden")
    assert_error(client.put("/api/v1/privacy/settings", {"dpdp_days": 3}), 403, "forbidden")
    assert DataSubjectRequest.objects.count() == 1
    assert AuditEvent.objects.count() == audit


def test_a_correction_is_closed_by_hand(api, admin_user, owner):
    person = factories.make_person(owner)
    made = request_create(actor=admin_user, type="correction", person_id=person.pk)
    client = api(admin_user)
    resp = client.post(f"{URL}/{made.pk}/complete", {"notes": "New phone number"})
    assert resp.status_code == 200, resp.content
    assert resp.json()["status"] == "done"
    assert_error(client.post(f"{URL}/{made.pk}/complete", {}), 409, "version_conflict")
