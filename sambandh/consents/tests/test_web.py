"""The Consents section of a person's page: the current state and the history, the form that
records a grant or a withdrawal (errors shown on the form, nothing written), and who gets the
form."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sambandh.consents.models import Consent
from sambandh.consents.tests.helpers import record
from tests.factories import make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(owner):
    return make_person(owner, full_name="Asha Rao", email="asha@example.com")


def test_the_person_page_shows_state_history_and_form(browser_for, owner, person):
    record(owner, person, "newsletter", "granted", proof_text="Tick <b>box</b>")
    record(owner, person, "newsletter", "withdrawn")
    html = browser_for(owner).get(reverse("contacts:person_detail", args=[person.pk]))
    body = html.content.decode()
    assert 'id="consents"' in body
    assert 'data-consent="newsletter/email"' in body
    assert "History (2 entries)" in body
    assert "Tick &lt;b&gt;box&lt;/b&gt;" in body  # escaped
    assert reverse("consents:person", args=[person.pk]) in body


def test_record_through_the_form(browser_for, owner, person):
    client = browser_for(owner)
    resp = client.post(
        reverse("consents:person", args=[person.pk]),
        {
            "consent-purpose": "sms",
            "consent-channel": "",
            "consent-status": "granted",
            "consent-lawful_basis": "consent",
            "consent-source": "Signed paper form",
            "consent-proof_text": "I agree to texts.",
            "consent-expires_on": "2099-12-31",
        },
        follow=True,
    )
    assert resp.redirect_chain[-1][0].endswith(f"/people/{person.pk}/#consents")
    assert "Consent recorded." in resp.content.decode()
    row = Consent.objects.get()
    assert (row.purpose, row.channel, row.status, row.source, row.recorded_by_id) == (
        "sms",
        "sms",
        "granted",
        "Signed paper form",
        owner.pk,
    )
    assert row.expires_at is not None and row.expires_at.year in (2099, 2100)


def test_a_refused_form_shows_why_and_writes_nothing(browser_for, owner, person):
    resp = browser_for(owner).post(
        reverse("consents:person", args=[person.pk]),
        {
            "consent-purpose": "sms",
            "consent-channel": "email",
            "consent-status": "withdrawn",
            "consent-lawful_basis": "consent",
            "consent-source": "call",
            "consent-expires_on": "2099-12-31",
        },
    )
    assert resp.status_code == 422
    body = resp.content.decode()
    assert "A withdrawal does not expire." in body
    assert "Marketing text messages (SMS) can be recorded on: sms, any." in body
    assert Consent.objects.count() == 0


def test_who_gets_the_form(browser_for, owner, readonly, outsider, person):
    page = reverse("contacts:person_detail", args=[person.pk])
    form_url = reverse("consents:person", args=[person.pk])
    assert f'action="{form_url}"' not in browser_for(readonly).get(page).content.decode()
    assert browser_for(readonly).post(form_url, {"consent-purpose": "sms"}).status_code == 403
    assert browser_for(outsider).get(form_url).status_code == 404
    assert browser_for(outsider).post(form_url, {}).status_code == 404
    assert Consent.objects.count() == 0
