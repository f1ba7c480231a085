"""Password reset: the same answer, and the same work, for an email with an account and one
without; the mail is sent by a background task, never in the request; rate limits per address
(429) and per email (silent)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_tasks_db.models import DBTaskResult

from sambandh.events.worker import run_worker
from sambandh.security.models import ResetRequest

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def locmem_mail(settings: Any) -> None:
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}


def _ask(email: str, *, ip: str = "198.51.100.1", capture: Any) -> Any:
    with capture(execute=True):
        return Client().post("/password-reset/", {"email": email}, REMOTE_ADDR=ip)


def _shape(sql: str) -> str:
    """A statement without its values: what work it does, not for whom."""
    return re.sub(r"'[^']*'|\b\w*\d+(\.\d+)?\b", "?", sql)


def test_known_and_unknown_emails_get_the_same_answer_and_the_same_work(
    owner: Any, django_capture_on_commit_callbacks: Any
) -> None:
    answers, shapes = [], []
    for email in ("owner@example.com", "nobody@example.com"):
        with CaptureQueriesContext(connection) as ran:
            answer = _ask(email, capture=django_capture_on_commit_callbacks)
        answers.append(answer)
        shapes.append([_shape(q["sql"]) for q in ran.captured_queries])
    known, unknown = answers
    # the answers are identical: status, where they lead, body, headers
    assert (known.status_code, known["Location"]) == (302, "/password-reset/sent/")
    assert (unknown.status_code, unknown["Location"]) == (302, "/password-reset/sent/")
    assert known.content == unknown.content
    assert sorted(k for k in known.headers if k != "Set-Cookie") == sorted(
        k for k in unknown.headers if k != "Set-Cookie"
    )
    # the same statements ran, and none read the users table
    assert shapes[0] == shapes[1]
    assert not any("accounts_user" in sql for sql in shapes[0])
    # no mail was sent in the request: a task was queued for each
    assert mail.outbox == []
    assert DBTaskResult.objects.count() == 2
    # when the worker runs the tasks, the one account gets its link, in its own language
    run_worker(until_idle=True)
    assert [m.to for m in mail.outbox] == [["owner@example.com"]]
    assert re.search(r"http://testserver/reset/[^/\s]+/[^/\s]+/", str(mail.outbox[0].body))


def test_too_many_requests_from_one_address_are_refused(
    db: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.PASSWORD_RESET_ADDRESS_LIMIT = 3
    for n in range(3):
        assert (
            _ask(f"a{n}@example.com", capture=django_capture_on_commit_callbacks).status_code == 302
        )
    refused = _ask("a9@example.com", capture=django_capture_on_commit_callbacks)
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= settings.PASSWORD_RESET_WINDOW
    assert "Too many failed attempts. Try again in 15 minutes." in refused.content.decode()
    assert ResetRequest.objects.count() == 3
    assert DBTaskResult.objects.count() == 3
    # another address is not held back
    other = _ask("a9@example.com", ip="198.51.100.2", capture=django_capture_on_commit_callbacks)
    assert other.status_code == 302


def test_one_email_gets_at_most_the_limit_of_mails_silently(
    owner: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.PASSWORD_RESET_EMAIL_LIMIT = 2
    answers = [
        _ask("owner@example.com", ip=f"198.51.100.{n}", capture=django_capture_on_commit_callbacks)
        for n in range(4)
    ]
    # every answer is the usual one (a refusal would tell the email was asked for before)
    assert {a.status_code for a in answers} == {302}
    run_worker(until_idle=True)
    assert len(mail.outbox) == 2


def test_a_bad_email_is_refused_with_a_clear_error_and_nothing_queued(
    db: Any, django_capture_on_commit_callbacks: Any
) -> None:
    answer = _ask("not an email", capture=django_capture_on_commit_callbacks)
    assert answer.status_code == 200
    assert "Enter a valid email address." in answer.content.decode()
    assert not ResetRequest.objects.exists()
    assert not DBTaskResult.objects.exists()
