"""The privacy pages: a request made from a person's page, carried out; retention policies
with their dry-run report; the settings; and the export rule other apps ask."""

from __future__ import annotations

import pytest

from sambandh.contacts.models import Person
from sambandh.privacy.erasure import PSEUDONYM_PREFIX
from sambandh.privacy.models import DataSubjectRequest, PrivacySettings, RetentionPolicy
from sambandh.privacy.selectors import export_allowed, privacy_settings
from sambandh.privacy.services import request_create, settings_update
from tests import factories

pytestmark = pytest.mark.django_db


def test_an_admin_makes_an_erasure_request_from_the_person_page(browser_for, admin_user, owner):
    person = factories.make_person(owner, full_name="Asha Rao", email="asha@example.com")
    client = browser_for(admin_user)
    page = client.get(f"/people/{person.pk}/").content.decode()
    assert f"/privacy/requests/new/?person={person.pk}" in page
    form = client.get(f"/privacy/requests/new/?person={person.pk}")
    assert form.status_code == 200 and "Asha Rao" in form.content.decode()
    resp = client.post(
        "/privacy/requests/new/", {"type": "erasure", "person_id": person.pk, "regime": "gdpr"}
    )
    request = DataSubjectRequest.objects.get()
    assert resp.status_code == 302 and resp["Location"] == f"/privacy/requests/{request.pk}/"
    detail = client.get(resp["Location"]).content.decode()
    assert "Erase this person now" in detail
    resp = client.post(f"/privacy/requests/{request.pk}/erase/")
    assert resp.status_code == 302
    request.refresh_from_db()
    assert request.status == "done"
    assert Person.objects.get(pk=person.pk).full_name.startswith(PSEUDONYM_PREFIX)
    assert "Asha" not in client.get("/privacy/").content.decode()


def test_the_person_page_has_no_privacy_button_for_others(browser_for, owner):
    person = factories.make_person(owner)
    assert (
        "/privacy/requests/new/"
        not in browser_for(owner).get(f"/people/{person.pk}/").content.decode()
    )


def test_a_bad_request_form_shows_errors_and_creates_nothing(browser_for, admin_user):
    resp = browser_for(admin_user).post(
        "/privacy/requests/new/", {"type": "access", "person_id": "987654"}
    )
    assert resp.status_code == 422
    assert "No such person." in resp.content.decode()
    assert not DataSubjectRequest.objects.exists()


def test_the_overdue_filter_lists_only_late_open_requests(browser_for, admin_user, owner):
    import datetime

    person = factories.make_person(owner, full_name="Late Person")
    late = request_create(
        actor=admin_user,
        type="correction",
        person_id=person.pk,
        regime="lgpd",
        received_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC),
    )
    request_create(
        actor=admin_user,
        type="access",
        person_id=factories.make_person(owner, full_name="On Time").pk,
    )
    page = browser_for(admin_user).get("/privacy/?overdue=1").content.decode()
    assert f"/privacy/requests/{late.pk}/" in page and "On Time" not in page


def test_a_retention_policy_from_the_page_dry_run_then_enable(browser_for, admin_user, owner):
    client = browser_for(admin_user)
    resp = client.post(
        "/privacy/retention/",
        {"record_type": "lead", "region": "", "days": "30", "action": "delete"},
    )
    policy = RetentionPolicy.objects.get()
    assert resp.status_code == 302 and resp["Location"] == f"/privacy/retention/{policy.pk}/"
    assert "Enable" not in client.get(resp["Location"]).content.decode()
    client.post(f"/privacy/retention/{policy.pk}/enable/")
    assert RetentionPolicy.objects.get().enabled is False  # refused: no dry run yet
    client.post(f"/privacy/retention/{policy.pk}/dry-run/")
    assert "would be affected" in client.get(resp["Location"]).content.decode()
    client.post(f"/privacy/retention/{policy.pk}/enable/")
    assert RetentionPolicy.objects.get().enabled is True
    bad = client.post(
        "/privacy/retention/",
        {"record_type": "deal", "region": "", "days": "30", "action": "anonymize"},
    )
    assert bad.status_code == 422 and RetentionPolicy.objects.count() == 1


def test_the_settings_page_saves_the_dpdp_days_and_export_rules(browser_for, admin_user):
    client = browser_for(admin_user)
    resp = client.post(
        "/privacy/settings/",
        {"dpdp_days": "21", "export_rules": "eu: admin, manager\nus-ca: admin"},
    )
    assert resp.status_code == 302
    saved = PrivacySettings.objects.get()
    assert (saved.dpdp_days, saved.export_rules) == (
        21,
        {"eu": ["admin", "manager"], "us-ca": ["admin"]},
    )
    bad = client.post("/privacy/settings/", {"dpdp_days": "21", "export_rules": "eu: wizard"})
    assert bad.status_code == 422
    assert PrivacySettings.objects.get().export_rules == saved.export_rules


def test_export_allowed_follows_the_company_rules(admin_user, owner, manager, readonly):
    assert export_allowed(owner, "person", "eu")  # no rule: anyone who may export
    settings_update(actor=admin_user, export_rules={"eu": ["manager"], "in": []})
    assert privacy_settings().export_rules == {"eu": ["manager"], "in": []}
    assert export_allowed(manager, "person", "eu")
    assert not export_allowed(owner, "person", "eu")
    assert not export_allowed(manager, "organization", "in")
    assert export_allowed(admin_user, "person", "in")  # admins always
    assert export_allowed(owner, "person", "")  # unknown residency: no rule
    assert export_allowed(readonly, "person", "us")
