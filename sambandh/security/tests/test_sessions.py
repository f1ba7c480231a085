"""Sessions: an idle timeout (sliding) and a lifetime, a list of the user's sessions with their
browser, address and last request, revoking one or all the others, and a password change or
reset that ends the other sessions (and the API tokens, when asked)."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from sambandh.accounts.models import ApiToken
from sambandh.core.models import AuditEvent
from sambandh.security.models import UserSession
from sambandh.security.session_store import SEEN, STARTED
from tests import factories

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"
FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0"
SAFARI = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1"
)


def _signed_in(user: Any, *, agent: str = FIREFOX, ip: str = "198.51.100.1") -> Client:
    client = Client(HTTP_USER_AGENT=agent, REMOTE_ADDR=ip)
    answer = client.post("/login/", {"username": user.email, "password": PASSWORD})
    assert answer.status_code == 302
    return client


def _shift(client: Client, seconds: float, *keys: str) -> None:
    """Move the session's times back, as if that much time had passed."""
    session = client.session
    for key in keys:
        session[key] = session[key] - seconds
    session.save()


def _is_in(client: Client) -> bool:
    return client.get("/account/").status_code == 200


def test_a_login_is_recorded_with_browser_address_and_times(owner: Any) -> None:
    client = _signed_in(owner)
    row = UserSession.objects.get(user=owner)
    assert (row.ip, row.user_agent) == ("198.51.100.1", FIREFOX)
    assert row.started_at is not None and row.started_at == row.last_seen_at
    assert row.session_key == client.session.session_key
    assert AuditEvent.objects.filter(action="login", actor=owner).count() == 1


def test_idle_timeout_signs_out_after_the_configured_time(owner: Any, settings: Any) -> None:
    settings.SESSION_IDLE_TIMEOUT = 1800
    client = _signed_in(owner)
    # 29 minutes without a request: still in, and the request slides the timeout
    _shift(client, 29 * 60, SEEN, STARTED)
    assert _is_in(client)
    assert time.time() - client.session[SEEN] < 5
    # 31 minutes more without a request: signed out, told why, on the login page
    _shift(client, 31 * 60, SEEN)
    answer = client.get("/account/", follow=True)
    assert answer.redirect_chain[-1][0].startswith("/login/")
    assert "You were signed out after a while without activity." in answer.content.decode()
    assert not UserSession.objects.filter(user=owner).exists()


def test_a_session_ends_at_its_lifetime_even_when_active(owner: Any, settings: Any) -> None:
    settings.SESSION_MAX_AGE = 8 * 3600
    client = _signed_in(owner)
    _shift(client, 8 * 3600 + 1, STARTED)
    assert not _is_in(client)


def test_the_session_cookie_is_shorter_than_two_weeks() -> None:
    import config.settings as production

    assert production.SESSION_IDLE_TIMEOUT == 30 * 60
    assert production.SESSION_COOKIE_AGE == production.SESSION_IDLE_TIMEOUT
    assert production.SESSION_MAX_AGE < 14 * 24 * 3600


def test_the_sessions_page_lists_them_and_revokes_one(owner: Any, outsider: Any) -> None:
    laptop = _signed_in(owner)
    phone = _signed_in(owner, agent=SAFARI, ip="203.0.113.5")
    _signed_in(outsider)
    page = laptop.get("/account/sessions/").content.decode()
    assert "Firefox on Linux" in page and "Safari on iOS" in page
    assert "203.0.113.5" in page and "This session" in page
    assert "Oscar" not in page and page.count("<tr>") == 3  # the head and two sessions
    # session keys are never shown: a digest names each session
    for key in UserSession.objects.values_list("session_key", flat=True):
        assert key not in page
    phone_digest = UserSession.objects.get(user=owner, ip="203.0.113.5").key_digest
    answer = laptop.post(f"/account/sessions/{phone_digest}/revoke/")
    assert answer.status_code == 302
    assert not _is_in(phone)
    assert _is_in(laptop)


def test_nobody_revokes_someone_elses_session(owner: Any, outsider: Any) -> None:
    _signed_in(owner)
    theirs = _signed_in(outsider)
    digest = UserSession.objects.get(user=outsider).key_digest
    mine = _signed_in(owner, ip="198.51.100.9")
    assert mine.post(f"/account/sessions/{digest}/revoke/").status_code == 404
    assert mine.post("/account/sessions/not-a-digest/revoke/").status_code == 404
    assert _is_in(theirs)
    # and one's own current session is not revoked by this form (use log out)
    own = UserSession.objects.get(session_key=mine.session.session_key).key_digest
    assert mine.post(f"/account/sessions/{own}/revoke/").status_code == 404
    assert _is_in(mine)


def test_sign_out_everywhere_else(owner: Any) -> None:
    here = _signed_in(owner)
    others = [_signed_in(owner, ip=f"203.0.113.{n}") for n in range(3)]
    answer = here.post("/account/sessions/others/revoke/", follow=True)
    assert "3 other sessions were ended." in answer.content.decode()
    assert [_is_in(c) for c in others] == [False] * 3
    assert _is_in(here)


@pytest.mark.parametrize("revoke_tokens", [True, False])
def test_a_password_change_ends_the_other_sessions_and_if_asked_the_tokens(
    owner: Any, revoke_tokens: bool
) -> None:
    token = factories.make_token(owner)
    here, elsewhere = _signed_in(owner), _signed_in(owner, ip="203.0.113.7")
    form = {
        "old_password": PASSWORD,
        "new_password1": "a much better passphrase 42",
        "new_password2": "a much better passphrase 42",
    }
    if revoke_tokens:
        form["revoke_tokens"] = "on"
    answer = here.post("/account/password/", form, follow=True)
    assert "Your password was changed." in answer.content.decode()
    assert _is_in(here)
    assert not _is_in(elsewhere)
    assert UserSession.objects.filter(user=owner).count() == 1
    live = ApiToken.objects.filter(user=owner, revoked_at__isnull=True).count()
    assert live == (0 if revoke_tokens else 1)
    # a password change is audited as one, not as a login
    assert AuditEvent.objects.filter(action="login", actor=owner).count() == 2
    assert AuditEvent.objects.filter(summary="password changed", actor=owner).count() == 1
    api = Client().get("/api/v1/people", headers={"authorization": f"Bearer {token}"})
    assert api.status_code == (401 if revoke_tokens else 200)


def test_a_wrong_old_password_changes_nothing(owner: Any) -> None:
    here, elsewhere = _signed_in(owner), _signed_in(owner, ip="203.0.113.7")
    answer = here.post(
        "/account/password/",
        {"old_password": "nope", "new_password1": "x" * 12, "new_password2": "x" * 12},
    )
    assert answer.status_code == 200
    assert "Your old password was entered incorrectly." in answer.content.decode()
    owner.refresh_from_db()
    assert owner.check_password(PASSWORD)
    assert _is_in(elsewhere)


def test_a_reset_ends_every_session_and_if_asked_the_tokens(
    owner: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from sambandh.events.worker import run_worker

    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    factories.make_token(owner)
    signed_in = _signed_in(owner)
    anonymous = Client()
    with django_capture_on_commit_callbacks(execute=True):
        anonymous.post("/password-reset/", {"email": owner.email})
    run_worker(until_idle=True)
    link = re.search(r"http://testserver(/reset/\S+/)", str(mail.outbox[0].body))
    assert link
    form_url = anonymous.get(link.group(1))["Location"]
    answer = anonymous.post(
        form_url,
        {
            "new_password1": "a much better passphrase 42",
            "new_password2": "a much better passphrase 42",
            "revoke_tokens": "on",
        },
    )
    assert answer.status_code == 302
    assert not _is_in(signed_in)
    assert not UserSession.objects.filter(user=owner).exists()
    assert not ApiToken.objects.filter(user=owner, revoked_at__isnull=True).exists()
    assert AuditEvent.objects.filter(
        record_id=owner.pk, summary="password reset", actor=owner
    ).exists()
