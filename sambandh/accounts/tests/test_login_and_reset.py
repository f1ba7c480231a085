"""Logging in by email, logging out, and resetting a password through a real SMTP server."""

from __future__ import annotations

import re
import socket
from email import message_from_bytes
from email.message import Message

import pytest
from aiosmtpd.controller import Controller
from django.test import Client

from sambandh.accounts.models import User
from sambandh.events.worker import run_worker

pytestmark = pytest.mark.django_db


class Inbox:
    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.messages.append(message_from_bytes(envelope.content))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp(settings):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": controller.port, "timeout": 5},
        }
    }
    yield inbox
    controller.stop()


def test_login_by_email_in_any_case(owner):
    client = Client()
    response = client.post(
        "/login/", {"username": "Owner@Example.COM", "password": "correct horse battery staple"}
    )
    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_wrong_password_stays_on_the_login_page(owner):
    client = Client()
    response = client.post("/login/", {"username": "owner@example.com", "password": "nope"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_logout_needs_post_and_ends_the_session(owner):
    client = Client()
    client.force_login(owner)
    assert client.post("/logout/").status_code == 302
    assert client.get("/").status_code == 302  # back to the login page


def test_password_reset_by_email(owner, smtp, django_capture_on_commit_callbacks):
    client = Client()
    # when the owner asks for a reset
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/password-reset/", {"email": "owner@example.com"})
    assert response.status_code == 302
    # then, once the worker has run the queued task (the request sends nothing itself:
    # sambandh/security), one mail arrives through SMTP with a reset link
    assert smtp.messages == []
    run_worker(until_idle=True)
    assert len(smtp.messages) == 1
    mail = smtp.messages[0]
    assert mail["To"] == "owner@example.com"
    body = (
        mail.get_payload(decode=True).decode()
        if not mail.is_multipart()
        else mail.get_payload(0).get_payload(decode=True).decode()
    )
    link = re.search(r"https?://[^/\s]+(/reset/[^\s]+/)", body)
    assert link, body
    # and following it lets them set a new password
    response = client.get(link.group(1), follow=True)
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else link.group(1)
    response = client.post(
        form_url,
        {
            "new_password1": "a much better passphrase 42",
            "new_password2": "a much better passphrase 42",
        },
    )
    assert response.status_code == 302
    owner.refresh_from_db()
    assert owner.check_password("a much better passphrase 42")


def test_reset_for_unknown_email_sends_nothing(smtp, db, django_capture_on_commit_callbacks):
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/password-reset/", {"email": "nobody@example.com"})
    assert response.status_code == 302
    run_worker(until_idle=True)
    assert smtp.messages == []
    assert User.objects.count() == 0
