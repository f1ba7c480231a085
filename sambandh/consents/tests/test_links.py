"""Double opt-in through a real SMTP server and the real worker: the pending row, the email
with its signed link, the confirmation page (anonymous, reveals nothing about the person), the
granted row with its proof; an expired or tampered link changes nothing. One-click withdrawal:
the unsubscribe page, the RFC 8058 POST, and the List-Unsubscribe headers of an email sent from
a record; an email to a person who withdrew is refused at compose time and at send time."""

from __future__ import annotations

import re
import time
from urllib.parse import urlsplit

import pytest
from django.core import signing
from django.urls import reverse

from sambandh.consents import links
from sambandh.consents.models import Consent
from sambandh.consents.selectors import may_contact
from sambandh.consents.tests.helpers import record
from sambandh.emails.models import OutboundEmail
from sambandh.events.worker import run_worker
from tests.factories import make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(owner):
    return make_person(owner, full_name="Asha Rao", email="asha@example.com")


def _ask(owner, person, capture):
    with capture(execute=True):
        return record(owner, person, "newsletter", "pending", proof_text="Sign me up")


def _link_in(message) -> str:
    body = message.get_body(preferencelist=("plain",)).get_content()
    found = re.search(r"https?://\S+/consent/confirm/\S+/", body)
    assert found, body
    return urlsplit(found.group(0)).path


def test_double_opt_in(owner, person, client, smtp_server, django_capture_on_commit_callbacks):
    # given a pending row: the person gets an email with a link
    pending = _ask(owner, person, django_capture_on_commit_callbacks)
    assert not may_contact(person, "newsletter", "email").allowed
    run_worker(until_idle=True)
    assert len(smtp_server.received) == 1
    message = smtp_server.received[0].message
    assert message["To"] == "asha@example.com"
    assert message["Subject"] == "Please confirm: Newsletter"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/consent/unsubscribe/" in message["List-Unsubscribe"]
    path = _link_in(message)
    # when the person opens it (anonymous): a page with a button, and nothing about them
    page = client.get(path)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Yes, I agree to receive Newsletter by Email." in html
    assert "Asha" not in html and "asha@example.com" not in html
    assert Consent.objects.count() == 1  # opening the link confirms nothing
    # and presses Confirm
    done = client.post(path, REMOTE_ADDR="198.51.100.7")
    assert done.status_code == 200
    assert "Confirmed: you will receive Newsletter by Email." in done.content.decode()
    granted = Consent.objects.latest("id")
    assert (granted.status, granted.lawful_basis, granted.confirms_id) == (
        "granted",
        "consent",
        pending.pk,
    )
    assert granted.proof_ip == "198.51.100.7"
    assert granted.proof_text == "Yes, I agree to receive Newsletter by Email."
    assert granted.recorded_by is None
    assert may_contact(person, "newsletter", "email").allowed
    # a second press changes nothing
    again = client.post(path)
    assert again.status_code == 200
    assert Consent.objects.count() == 2


def test_an_expired_link_changes_nothing(owner, person, client, settings):
    pending = record(owner, person, "newsletter", "pending")
    token = links.confirm_token(pending.pk)
    settings.CONSENT_CONFIRM_DAYS = 0  # every link is past its time
    time.sleep(1)
    resp = client.post(reverse("consents_public:confirm", args=[token]))
    assert resp.status_code == 410
    assert "This link has expired" in resp.content.decode()
    assert Consent.objects.count() == 1


def test_a_tampered_link_changes_nothing(owner, person, client):
    pending = record(owner, person, "newsletter", "pending")
    other = record(owner, person, "marketing_email", "pending")
    token = links.confirm_token(pending.pk)
    # the id changed in the payload, the signature kept
    forged = signing.dumps({"c": other.pk}, salt="another salt")
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    # an unsubscribe token is no confirmation token
    crossed = links.unsubscribe_token(person.pk, "newsletter", "email")
    for bad in (tampered, forged, crossed, "nonsense"):
        resp = client.post(reverse("consents_public:confirm", args=[bad]))
        assert resp.status_code == 400, bad
        assert "This link is not valid" in resp.content.decode()
    assert Consent.objects.count() == 2
    # a request answered by a withdrawal since cannot be confirmed any more
    record(owner, person, "newsletter", "withdrawn")
    resp = client.post(reverse("consents_public:confirm", args=[token]))
    assert "This request was already answered" in resp.content.decode()
    assert Consent.objects.count() == 3


def test_unsubscribe_page_and_one_click_post(owner, person, client):
    record(owner, person, "newsletter", "granted", lawful_basis="legitimate_interest")
    url = links.unsubscribe_url(person.pk, "newsletter", "email")
    path = urlsplit(url).path
    page = client.get(path)
    assert page.status_code == 200
    assert "Stop sending me Newsletter by Email." in page.content.decode()
    assert "Asha" not in page.content.decode()
    # a mail client's one-click POST (RFC 8058): no cookie, no CSRF token
    resp = client.post(path, {"List-Unsubscribe": "One-Click"}, REMOTE_ADDR="192.0.2.1")
    assert resp.status_code == 200
    assert "You will no longer receive Newsletter by Email." in resp.content.decode()
    row = Consent.objects.latest("id")
    assert (row.status, row.lawful_basis, row.source, row.proof_form, row.proof_ip) == (
        "withdrawn",
        "legitimate_interest",
        "unsubscribe link",
        "List-Unsubscribe one-click",
        "192.0.2.1",
    )
    assert not may_contact(person, "newsletter", "email").allowed
    # clicking again changes nothing; a tampered link neither
    client.post(path)
    assert Consent.objects.count() == 2
    assert client.post(path[:-3] + "x/").status_code == 400
    assert Consent.objects.count() == 2


def test_an_email_from_a_record_carries_the_unsubscribe_headers(
    owner, person, browser_for, client, smtp_server, django_capture_on_commit_callbacks
):
    compose = reverse("emails:compose_person", args=[person.pk])
    with django_capture_on_commit_callbacks(execute=True):
        browser_for(owner).post(
            compose, {"to": "asha@example.com", "cc": "", "subject": "Hello", "body": "Hi"}
        )
    run_worker(until_idle=True)
    message = smtp_server.received[0].message
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = message["List-Unsubscribe"].strip("<>")
    assert url.startswith("http://127.0.0.1:8000/consent/unsubscribe/")
    # the mail client's one click withdraws one-to-one email: the next email is refused
    path = urlsplit(url).path
    assert client.post(path, {"List-Unsubscribe": "One-Click"}).status_code == 200
    resp = browser_for(owner).post(
        compose, {"to": "asha@example.com", "cc": "", "subject": "Again", "body": "Hi"}
    )
    assert resp.status_code == 422
    assert "Withdrawn: One-to-one messages by Email." in resp.content.decode()
    assert OutboundEmail.objects.count() == 1


def test_a_withdrawal_after_composing_stops_the_send(
    owner, person, browser_for, smtp_server, django_capture_on_commit_callbacks
):
    compose = reverse("emails:compose_person", args=[person.pk])
    with django_capture_on_commit_callbacks(execute=False):
        browser_for(owner).post(
            compose, {"to": "asha@example.com", "cc": "", "subject": "Hello", "body": "Hi"}
        )
    # the person withdraws all email contact before the worker sends it
    record(owner, person, "direct", "withdrawn", channel="email")
    email = OutboundEmail.objects.get()
    from sambandh.emails.sending import deliver

    assert deliver(email.pk) == "failed"
    email.refresh_from_db()
    assert email.error == "Not sent: Withdrawn: One-to-one messages by Email."
    assert smtp_server.received == []
