"""Logging in with multi-factor authentication on: the password, then a code; the session is
not logged in until the code passes; wrong codes are refused, counted, audited and, past the
limit, lock the second step; a recovery code works once; the admin site has no way around."""

from __future__ import annotations

import datetime
import time

import pytest
from django.utils import timezone

from sambandh.core.audit import values_after
from sambandh.core.models import AuditEvent
from sambandh.mfa.models import CodeFailures, RecoveryCode, TotpDevice
from sambandh.mfa.tests.helpers import code, password_step, turn_on
from sambandh.mfa.views import PENDING

pytestmark = pytest.mark.django_db


def _logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_without_mfa_the_password_alone_logs_in(owner):
    client, response = password_step(owner)
    assert response.status_code == 302 and response["Location"] == "/"
    assert _logged_in(client)


def test_the_password_step_does_not_log_in_when_mfa_is_on(owner):
    turn_on(owner)
    client, response = password_step(owner)
    assert response.status_code == 302 and response["Location"] == "/login/code/"
    assert not _logged_in(client)
    # nothing behind the login is reachable yet
    assert client.get("/").status_code == 302
    assert client.get("/account/").status_code == 302
    page = client.get("/login/code/")
    assert page.status_code == 200
    assert "Enter your code" in page.content.decode()
    assert "no-store" in page["Cache-Control"]


def test_the_right_code_logs_in_and_goes_where_the_user_was_going(owner):
    turn_on(owner)
    client, _response = password_step(owner, next_url="/people/")
    response = client.post("/login/code/", {"code": code(owner)})
    assert response.status_code == 302 and response["Location"] == "/people/"
    assert _logged_in(client)
    assert PENDING not in client.session
    assert client.get("/").status_code == 200


def test_a_wrong_code_is_refused_and_audited(owner):
    turn_on(owner)
    client, _response = password_step(owner, next_url="/people/")
    before = AuditEvent.objects.filter(action="login_failed").count()
    wrong = "000000" if code(owner) != "000000" else "111111"
    response = client.post("/login/code/", {"code": wrong}, REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 422
    assert "That code is not right." in response.content.decode()
    assert not _logged_in(client)
    audit = AuditEvent.objects.filter(action="login_failed").latest("id")
    assert AuditEvent.objects.filter(action="login_failed").count() == before + 1
    assert (audit.actor_id, audit.record_type, audit.record_id) == (owner.pk, "user", owner.pk)
    assert values_after(audit) == {"reason": "wrong_mfa_code", "ip": "203.0.113.9", "step": "login"}
    assert CodeFailures.objects.get(user=owner).count == 1
    # the right one still works, and the count starts again
    assert client.post("/login/code/", {"code": code(owner)}).status_code == 302
    assert _logged_in(client)
    assert CodeFailures.objects.get(user=owner).count == 0


@pytest.mark.parametrize("junk", ["", "12345", "1234567", "abcdef", "x" * 65, "١٢٣٤٥٦"])
def test_malformed_codes_are_refused_without_an_error_page(owner, junk):
    turn_on(owner)
    client, _response = password_step(owner)
    response = client.post("/login/code/", {"code": junk})
    assert response.status_code == 422
    assert not _logged_in(client)


def test_a_code_is_accepted_only_once(owner):
    turn_on(owner)
    first, _response = password_step(owner)
    used = code(owner)
    assert first.post("/login/code/", {"code": used}).status_code == 302
    second, _response = password_step(owner)
    assert second.post("/login/code/", {"code": used}).status_code == 422
    assert not _logged_in(second)


def test_wrong_codes_past_the_limit_lock_the_second_step(owner, settings):
    settings.MFA_MAX_FAILURES = 3
    settings.MFA_LOCK_SECONDS = 600
    turn_on(owner)
    client, _response = password_step(owner)
    wrong = "000000" if code(owner) != "000000" else "111111"
    statuses = [client.post("/login/code/", {"code": wrong}).status_code for _ in range(3)]
    assert statuses == [422, 422, 422]
    reasons = [
        values_after(row)["reason"]
        for row in AuditEvent.objects.filter(action="login_failed", record_id=owner.pk).order_by(
            "id"
        )
    ]
    assert reasons == ["wrong_mfa_code", "wrong_mfa_code", "wrong_mfa_code_locked"]
    # now even the right code is refused, and that too is audited
    locked = client.post("/login/code/", {"code": code(owner)})
    assert locked.status_code == 429
    assert "Too many wrong codes. Try again in 10 minutes." in locked.content.decode()
    assert not _logged_in(client)
    latest = AuditEvent.objects.filter(action="login_failed").latest("id")
    assert values_after(latest)["reason"] == "mfa_locked"
    # once the lock has passed, the right code works
    CodeFailures.objects.filter(user=owner).update(
        locked_until=timezone.now() - datetime.timedelta(seconds=1)
    )
    assert client.post("/login/code/", {"code": code(owner)}).status_code == 302
    assert _logged_in(client)


def test_a_recovery_code_works_once(owner):
    codes = turn_on(owner)
    client, _response = password_step(owner)
    response = client.post("/login/code/", {"code": codes[3].upper().replace("-", " ")})
    assert response.status_code == 302
    assert _logged_in(client)
    assert RecoveryCode.objects.filter(user=owner, used_at__isnull=False).count() == 1
    # one login row, saying how: not one for the code and one for the session
    logins = list(AuditEvent.objects.filter(action="login", record_id=owner.pk))
    assert len(logins) == 1
    assert values_after(logins[0]) == {
        "ip": "127.0.0.1",
        "method": "recovery_code",
        "recovery_codes_left": 9,
    }
    assert logins[0].summary.startswith("logged in with a recovery code from 127.0.0.1")
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages == ["You used a recovery code; 9 are left. Make new ones from your profile."]
    # the same code a second time is refused
    again, _response = password_step(owner)
    assert again.post("/login/code/", {"code": codes[3]}).status_code == 422
    assert not _logged_in(again)
    # another one still works
    other, _response = password_step(owner)
    assert other.post("/login/code/", {"code": codes[4]}).status_code == 302


def test_recovery_codes_are_stored_hashed(owner):
    codes = turn_on(owner)
    stored = list(RecoveryCode.objects.filter(user=owner).values_list("digest", flat=True))
    assert len(codes) == len(set(codes)) == len(stored) == 10
    for plain in codes:
        assert all(plain.replace("-", "") not in digest for digest in stored)


def test_the_code_step_needs_the_password_step_first_and_recent(owner):
    turn_on(owner)
    fresh = password_step(owner)[0]
    assert fresh.get("/login/code/").status_code == 200
    # without the password step
    from django.test import Client

    stranger = Client()
    response = stranger.post("/login/code/", {"code": code(owner)})
    assert response.status_code == 302 and response["Location"] == "/login/"
    assert not _logged_in(stranger)
    # too long after it
    session = fresh.session
    session[PENDING] = {**session[PENDING], "at": int(time.time()) - 301}
    session.save()
    response = fresh.post("/login/code/", {"code": code(owner)})
    assert response.status_code == 302 and response["Location"] == "/login/"
    assert not _logged_in(fresh)


def test_a_password_changed_between_the_steps_ends_the_login(owner):
    turn_on(owner)
    client = password_step(owner)[0]
    owner.set_password("another long passphrase 2")
    owner.save()
    response = client.post("/login/code/", {"code": code(owner)})
    assert response.status_code == 302 and response["Location"] == "/login/"
    assert not _logged_in(client)


def test_the_admin_site_login_goes_through_both_steps(admin_user):
    turn_on(admin_user)
    from django.test import Client

    client = Client()
    # the admin site's own form is not there: it sends to /login/
    response = client.get("/admin/login/?next=/admin/accounts/user/")
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=%2Fadmin%2Faccounts%2Fuser%2F"
    posted = client.post(
        "/admin/login/?next=/admin/",
        {"username": admin_user.email, "password": "correct horse battery staple"},
    )
    assert posted.status_code == 302 and not _logged_in(client)
    assert client.get("/admin/").status_code == 302
    # through /login/, the password alone does not open the admin site
    client, _response = password_step(admin_user, next_url="/admin/")
    assert client.get("/admin/")["Location"].startswith("/admin/login/")
    response = client.post("/login/code/", {"code": code(admin_user)})
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_the_admin_login_refuses_a_signed_in_non_admin(owner, client):
    client.force_login(owner)
    assert client.get("/admin/login/?next=/admin/").status_code == 403


def test_an_outside_next_is_not_followed(owner):
    turn_on(owner)
    client, _response = password_step(owner, next_url="https://evil.example/")
    response = client.post("/login/code/", {"code": code(owner)})
    assert response["Location"] == "/"
    assert TotpDevice.objects.get(user=owner).last_step > 0


def test_a_code_typed_in_another_scripts_digits_is_accepted(owner):
    turn_on(owner)
    client, _response = password_step(owner)
    devanagari = "".join("०१२३४५६७८९"[int(d)] for d in code(owner))
    assert client.post("/login/code/", {"code": devanagari}).status_code == 302
    assert _logged_in(client)
