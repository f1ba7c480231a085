"""Brute-force protection on /login/ and /admin/login/: locked per account and address after
LOGIN_FAILURE_LIMIT failures, per address after LOGIN_ADDRESS_FAILURE_LIMIT, refused even with
the right password while locked (429, Retry-After, a clear message), audited, and unlocked when
the lock ends."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from sambandh.core.audit import values_after
from sambandh.core.models import AuditEvent
from sambandh.security.models import LoginFailure, LoginLock

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"
ATTACKER = "203.0.113.9"


def _login(client: Client, email: str, password: str, *, ip: str = ATTACKER, path: str = "/login/"):
    return client.post(path, {"username": email, "password": password}, REMOTE_ADDR=ip)


def _signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_40_wrong_passwords_then_the_right_one_is_refused(owner: Any) -> None:
    client = Client()
    # given 40 wrong passwords for the owner from one address
    answers = [_login(client, owner.email, f"wrong guess {n}") for n in range(40)]
    # then the first four are the usual refusal, and from the fifth on the account is locked
    assert [a.status_code for a in answers[:4]] == [200] * 4
    assert all(a.status_code == 429 for a in answers[4:])
    assert "Too many failed attempts. Try again in 15 minutes." in answers[4].content.decode()
    # when the right password comes next, it is refused too, with a clear message and a wait
    right = _login(client, owner.email, PASSWORD)
    assert right.status_code == 429
    assert int(right["Retry-After"]) in range(880, 901)
    assert "Too many failed attempts. Try again in 15 minutes." in right.content.decode()
    assert not _signed_in(client)
    # and the audit trail has every failed try and the lock, none of them a login
    failed = AuditEvent.objects.filter(action="login_failed", record_type="user")
    assert failed.filter(record_id=owner.pk).count() == 5 + 35 + 1 + 1  # failures, refusals, lock
    assert failed.filter(summary__startswith="locked: account owner@example.com from 203.0.113.9")
    assert failed.filter(summary__startswith="login refused (locked until").count() == 36
    assert not AuditEvent.objects.filter(action="login").exists()
    # the lock did not grow with the refused tries: one lock, 5 counted failures
    assert LoginLock.objects.count() == 1
    assert LoginFailure.objects.count() == 5


def test_the_lock_is_for_that_address_only(owner: Any) -> None:
    attacker = Client()
    for n in range(5):
        _login(attacker, owner.email, f"wrong {n}")
    assert _login(attacker, owner.email, PASSWORD).status_code == 429
    # the owner, from their own address, still gets in
    own = Client()
    assert _login(own, owner.email, PASSWORD, ip="198.51.100.7").status_code == 302
    assert _signed_in(own)


def test_the_lock_ends_as_configured_and_then_the_right_password_works(
    owner: Any, settings: Any
) -> None:
    settings.LOGIN_LOCKOUT_SECONDS = 60
    client = Client()
    for n in range(5):
        _login(client, owner.email, f"wrong {n}")
    assert _login(client, owner.email, PASSWORD).status_code == 429
    lock = LoginLock.objects.get()
    assert (lock.until - lock.locked_at) == datetime.timedelta(seconds=60)
    # when the minute has passed (the lock and the failures are moved back in time)
    past = datetime.timedelta(seconds=61)
    LoginLock.objects.update(locked_at=lock.locked_at - past, until=lock.until - past)
    LoginFailure.objects.update(at=timezone.now() - past)
    # then the right password gets in, and the login is audited with the address
    answer = _login(client, owner.email, PASSWORD)
    assert answer.status_code == 302
    assert _signed_in(client)
    login = AuditEvent.objects.get(action="login")
    assert (login.actor_id, login.record_id) == (owner.pk, owner.pk)
    assert values_after(login) == {"ip": ATTACKER}
    # and the failures of that account from that address are forgotten
    assert not LoginFailure.objects.exists()


def test_after_a_lock_ends_the_count_starts_again(owner: Any) -> None:
    client = Client()
    for n in range(5):
        _login(client, owner.email, f"wrong {n}")
    lock = LoginLock.objects.get()
    LoginLock.objects.update(until=timezone.now() - datetime.timedelta(seconds=1))
    # one more wrong password after the lock is one failure, not the sixth
    assert _login(client, owner.email, "wrong again").status_code == 200
    assert LoginLock.objects.get() == lock


def test_admin_login_is_no_way_around_the_lock(admin_user: Any) -> None:
    """The admin site's login is not a second door: it sends everyone to /login/ (whose two
    steps, sambandh/mfa, and lock apply) and signs no one in itself."""
    client = Client()
    for n in range(5):
        refused = _login(client, admin_user.email, f"wrong {n}", path="/admin/login/")
        assert refused.status_code == 302 and refused["Location"].startswith("/login/")
    assert not _signed_in(client)
    for n in range(5):
        _login(client, admin_user.email, f"wrong {n}")
    answer = _login(client, admin_user.email, PASSWORD)
    assert answer.status_code == 429
    assert "Too many failed attempts." in answer.content.decode()
    assert _login(client, admin_user.email, PASSWORD, path="/admin/login/").status_code == 302
    assert not _signed_in(client)


def test_unknown_emails_are_counted_and_locked_the_same(db: Any) -> None:
    client = Client()
    answers = [_login(client, "nobody@example.com", f"guess {n}") for n in range(6)]
    assert [a.status_code for a in answers] == [200] * 4 + [429] * 2
    failed = AuditEvent.objects.filter(action="login_failed")
    assert failed.count() == 5 + 1 + 1
    assert set(failed.values_list("record_id", flat=True)) == {None}


def test_an_address_trying_many_accounts_is_locked_for_all(owner: Any, settings: Any) -> None:
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 6
    client = Client()
    # given six accounts tried once each from one address (password spraying)
    for n in range(6):
        _login(client, f"person{n}@example.com", "Summer2024!")
    assert LoginLock.objects.filter(username="").count() == 1
    # then even the right password of an untried account is refused from there
    assert _login(client, owner.email, PASSWORD).status_code == 429
    # and from elsewhere it is not
    assert _login(Client(), owner.email, PASSWORD, ip="198.51.100.7").status_code == 302


def test_the_message_is_translated(owner: Any) -> None:
    client = Client()
    for n in range(5):
        _login(client, owner.email, f"wrong {n}")
    answer = client.post(
        "/login/",
        {"username": owner.email, "password": PASSWORD},
        REMOTE_ADDR=ATTACKER,
        headers={"accept-language": "de"},
    )
    assert answer.status_code == 429
    page = answer.content.decode()
    assert "Zu viele fehlgeschlagene Versuche. Versuchen Sie es in 15 Minuten erneut." in page
    assert "Too many failed attempts" not in page


def test_a_proxy_hop_reads_the_address_from_x_forwarded_for(owner: Any, settings: Any) -> None:
    settings.CLIENT_IP_PROXY_HOPS = 1
    client = Client()
    for n in range(5):
        client.post(
            "/login/",
            {"username": owner.email, "password": f"wrong {n}"},
            REMOTE_ADDR="10.0.0.2",
            headers={"x-forwarded-for": "1.2.3.4, 192.0.2.44"},
        )
    assert LoginLock.objects.get().ip == "192.0.2.44"
