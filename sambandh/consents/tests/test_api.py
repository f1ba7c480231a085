"""GET and POST /api/v1/people/{id}/consents: the current state and the history, recording a
grant, a withdrawal and a double opt-in, clear errors for bad input, and the policy (404 for a
person the caller may not see, 403 for one they may not change), with nothing changed."""

from __future__ import annotations

import pytest

from sambandh.consents.models import Consent
from sambandh.consents.tests.helpers import record
from sambandh.core.models import AuditEvent
from tests.api.helpers import MISSING_ID, assert_error
from tests.factories import make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(owner):
    return make_person(owner, full_name="Asha Rao", email="asha@example.com")


def url(person_id: int) -> str:
    return f"/api/v1/people/{person_id}/consents"


GRANT = {
    "purpose": "marketing_email",
    "status": "granted",
    "lawful_basis": "consent",
    "source": "web form",
    "proof": "I want product news by email.",
}


def test_record_and_read(api, owner, person):
    client = api(owner)
    resp = client.post(url(person.pk), GRANT)
    assert resp.status_code == 201, resp.content
    body = resp.json()
    assert {k: body[k] for k in ("purpose", "channel", "status", "lawful_basis", "source")} == {
        "purpose": "marketing_email",
        "channel": "email",
        "status": "granted",
        "lawful_basis": "consent",
        "source": "web form",
    }
    assert body["proof"] == {
        "form": "",
        "ip": None,
        "text": "I want product news by email.",
        "erased": False,
    }
    assert body["recorded_by"] == {"id": owner.pk, "name": "Olivia Owner"}
    assert body["at"].endswith("Z")
    # a withdrawal with a structured proof, then the state
    resp = client.post(
        url(person.pk),
        {
            "purpose": "marketing_email",
            "status": "withdrawn",
            "source": "phone call",
            "proof": {"form": "call notes", "ip": "2001:db8::1", "text": "Please stop."},
        },
    )
    assert resp.status_code == 201, resp.content
    assert resp.json()["proof"]["ip"] == "2001:db8::1"
    got = client.get(url(person.pk)).json()
    assert [(c["purpose"], c["status"]) for c in got["current"]] == [
        ("marketing_email", "withdrawn")
    ]
    assert [c["status"] for c in got["history"]] == ["withdrawn", "granted"]


def test_pending_with_expiry(api, owner, person, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as queued:
        resp = api(owner).post(
            url(person.pk),
            {
                **GRANT,
                "purpose": "newsletter",
                "status": "pending",
                "expires_at": "2099-01-01T00:00:00Z",
            },
        )
    assert resp.status_code == 201, resp.content
    assert resp.json()["expires_at"] == "2099-01-01T00:00:00Z"
    assert len(queued) == 1  # the confirmation email's enqueue


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({**GRANT, "purpose": "telepathy"}, {"purpose"}),
        ({**GRANT, "status": "maybe"}, {"status"}),
        ({**GRANT, "lawful_basis": "whim"}, {"lawful_basis"}),
        ({**GRANT, "channel": "pigeon"}, {"channel"}),
        ({**GRANT, "channel": "sms"}, {"channel"}),
        ({**GRANT, "source": "  "}, {"source"}),
        ({**GRANT, "expires_at": "2001-01-01T00:00:00Z"}, {"expires_at"}),
        ({**GRANT, "expires_at": "2099-01-01T00:00:00"}, {"expires_at"}),
        ({**GRANT, "status": "withdrawn", "expires_at": "2099-01-01T00:00:00Z"}, {"expires_at"}),
        ({**GRANT, "status": "pending", "lawful_basis": "contract"}, {"lawful_basis"}),
        ({**GRANT, "proof": {"ip": "300.1.1.1"}}, {"proof.ip"}),
        ({**GRANT, "surprise": 1}, {"surprise"}),
        ({k: v for k, v in GRANT.items() if k != "purpose"}, {"purpose"}),
    ],
)
def test_bad_input_is_a_clear_error_and_changes_nothing(api, owner, person, body, fields):
    client = api(owner)  # (its token's creation is audited)
    audits = AuditEvent.objects.count()
    resp = client.post(url(person.pk), body)
    assert_error(resp, 422, "validation_failed")
    assert set(resp.json()["error"]["fields"]) == fields
    assert Consent.objects.count() == 0
    assert AuditEvent.objects.count() == audits


def test_pending_needs_an_address_and_a_grant_not_already_given(api, owner):
    nobody = make_person(owner, full_name="No Mail")
    assert_error(
        api(owner).post(url(nobody.pk), {**GRANT, "status": "pending"}),
        422,
        "validation_failed",
        {"status": "This person has no email address to confirm by."},
    )
    person = make_person(owner, full_name="Mail", email="m@example.com")
    record(owner, person, "marketing_email", "granted")
    assert_error(
        api(owner).post(url(person.pk), {**GRANT, "status": "pending"}),
        422,
        "validation_failed",
        {"status": "This consent is already granted."},
    )
    assert Consent.objects.count() == 1


def test_policy(api, owner, teammate, outsider, manager, readonly, admin_user, person):
    record(owner, person, "newsletter", "granted")
    as_ = {u: api(u) for u in (owner, teammate, outsider, manager, readonly, admin_user)}
    before = (Consent.objects.count(), AuditEvent.objects.count())
    # a person the caller may not see: 404 to both, as for a missing one
    assert_error(as_[outsider].get(url(person.pk)), 404, "not_found")
    assert_error(as_[outsider].post(url(person.pk), GRANT), 404, "not_found")
    assert_error(as_[owner].get(url(MISSING_ID)), 404, "not_found")
    # a read-only user of the team sees them but may not record
    assert as_[readonly].get(url(person.pk)).status_code == 200
    assert_error(as_[readonly].post(url(person.pk), GRANT), 403, "forbidden")
    # a teammate does not see the owner's person (no share)
    assert_error(as_[teammate].post(url(person.pk), GRANT), 404, "not_found")
    assert (Consent.objects.count(), AuditEvent.objects.count()) == before
    # the manager and an admin may
    assert as_[manager].post(url(person.pk), GRANT).status_code == 201
    assert as_[admin_user].post(url(person.pk), GRANT).status_code == 201
    assert len(as_[admin_user].get(url(person.pk)).json()["history"]) == 3
