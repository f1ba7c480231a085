"""Writes of sign-in security: failed logins and the locks they cause, password reset
requests, and what a password change does to the user's sessions and API tokens.

Counting is done in the database, so every web process (and every test database) sees the same
counts: an account locked on one process is locked on all of them."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import math
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy, ngettext

from sambandh.accounts.services import user_by_email
from sambandh.accounts.services_credentials import user_tokens_revoke_all
from sambandh.core.audit import audit_record
from sambandh.core.errors import ServiceError
from sambandh.security.models import LoginFailure, LoginLock, ResetRequest, UserSession


class RateLimited(ServiceError):
    """Too many attempts from one address (or for one account): refused until ``until``."""

    status = 429
    code = "rate_limited"
    default_message = gettext_lazy("Too many attempts. Try again later.")

    def __init__(self, message: str | None = None, *, until: datetime.datetime):
        super().__init__(message)
        self.until = until

    @property
    def retry_after(self) -> int:
        return max(1, math.ceil((self.until - timezone.now()).total_seconds()))


def wait_message(until: datetime.datetime) -> str:
    minutes = max(1, math.ceil((until - timezone.now()).total_seconds() / 60))
    return ngettext(
        "Too many failed attempts. Try again in %(minutes)d minute.",
        "Too many failed attempts. Try again in %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}


def normalize_username(username: Any) -> str:
    return str(username or "").strip().lower()[:254]


# --- logins -------------------------------------------------------------------------------
def login_lock(*, username: str, ip: str, now: datetime.datetime | None = None) -> Any:
    """The lock that refuses this account from this address now (the account's own, or the
    whole address's), the one that ends last; None when logins are allowed."""
    now = now or timezone.now()
    return (
        LoginLock.objects.filter(ip=ip, until__gt=now)
        .filter(Q(username=normalize_username(username)) | Q(username=""))
        .order_by("-until")
        .first()
    )


def _audit_failure(*, username: str, ip: str, summary: str, changes: dict[str, Any]) -> None:
    user = user_by_email(username) if username else None
    audit_record(
        actor=None,
        action="login_failed",
        record_type="user",
        record_id=user.pk if user is not None else None,
        summary=summary,
        changes=changes,
    )


@transaction.atomic
def login_refused(*, username: str, ip: str, lock: LoginLock) -> None:
    """A login tried while locked: refused without checking the password, and audited; it does
    not lengthen the lock (or an attacker could keep the account's owner out for ever)."""
    username = normalize_username(username)
    _audit_failure(
        username=username,
        ip=ip,
        summary=f"login refused (locked until {lock.until:%Y-%m-%d %H:%M:%S} UTC) "
        f"for {username} from {ip}",
        changes={"ip": ip, "username": username, "locked_until": lock.until},
    )


def _since(*, now: datetime.datetime, username: str, ip: str) -> datetime.datetime:
    """Failures count within the window, and only those after this key's last lock: the ones
    that caused a lock are spent (no failure is recorded while locked)."""
    window_start = now - datetime.timedelta(seconds=settings.LOGIN_FAILURE_WINDOW)
    last = LoginLock.objects.filter(ip=ip, username=username).aggregate(at=Max("locked_at"))["at"]
    return max(window_start, last) if last else window_start


@transaction.atomic
def login_failed(
    *, username: str, ip: str, now: datetime.datetime | None = None
) -> LoginLock | None:
    """Record a refused password (audited) and, when it makes too many for this account from
    this address (``LOGIN_FAILURE_LIMIT``) or for this address whatever the account
    (``LOGIN_ADDRESS_FAILURE_LIMIT``), lock it for ``LOGIN_LOCKOUT_SECONDS`` (audited too).
    Returns the new lock, if any."""
    now = now or timezone.now()
    username = normalize_username(username)
    LoginFailure.objects.create(at=now, username=username, ip=ip)
    _audit_failure(
        username=username,
        ip=ip,
        summary=f"wrong email or password for {username} from {ip}",
        changes={"ip": ip, "username": username},
    )
    until = now + datetime.timedelta(seconds=settings.LOGIN_LOCKOUT_SECONDS)
    for key, limit in (
        (username, settings.LOGIN_FAILURE_LIMIT),
        ("", settings.LOGIN_ADDRESS_FAILURE_LIMIT),
    ):
        failures = LoginFailure.objects.filter(ip=ip, at__gt=_since(now=now, username=key, ip=ip))
        if key:
            failures = failures.filter(username=key)
        count = failures.count()
        if count >= limit:
            lock = LoginLock.objects.create(username=key, ip=ip, locked_at=now, until=until)
            who = f"account {username}" if key else "every account"
            _audit_failure(
                username=username,
                ip=ip,
                summary=f"locked: {who} from {ip} after {count} failures, until "
                f"{until:%Y-%m-%d %H:%M:%S} UTC",
                changes={"ip": ip, "username": key, "failures": count, "locked_until": until},
            )
            return lock
    return None


def login_password_accepted(*, username: str, ip: str) -> None:
    """The right password: this account's failures from this address are forgotten."""
    LoginFailure.objects.filter(username=normalize_username(username), ip=ip).delete()


#: The request attribute where a sign-in step leaves what the login row should add (the
#: second step: a recovery code used, and how many are left), so that a login is one row.
LOGIN_DETAILS_ATTR = "_sambandh_login_details"


@transaction.atomic
def login_succeeded(
    *, user: Any, ip: str, user_agent: str, details: dict[str, Any] | None = None
) -> None:
    """A user signed in (their session is new): audited, once; ``details`` (a recovery code's
    use) go into the same row."""
    extra = {k: v for k, v in (details or {}).items() if k != "ip"}
    how = " with a recovery code" if extra.get("method") == "recovery_code" else ""
    audit_record(
        actor=user,
        action="login",
        record_type="user",
        record_id=user.pk,
        summary=f"logged in{how} from {ip} ({user_agent[:120]})",
        changes={"ip": ip, **extra},
    )


# --- password reset requests -------------------------------------------------------------------
def _email_digest(email: str) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, normalize_username(email).encode(), hashlib.sha256).hexdigest()


@transaction.atomic
def password_reset_request(*, email: str, ip: str, domain: str, use_https: bool) -> None:
    """Queue the reset mail for ``email``, whether or not an account uses it: the request does
    the same work either way (the background task looks the user up), so neither its answer nor
    its time tells which emails have accounts. ``RateLimited`` past
    ``PASSWORD_RESET_ADDRESS_LIMIT`` requests from this address within the window; past
    ``PASSWORD_RESET_EMAIL_LIMIT`` for one email, nothing more is sent to it, silently (a
    visible refusal would say the address was asked for before)."""
    from sambandh.security.tasks import password_reset_mail

    now = timezone.now()
    start = now - datetime.timedelta(seconds=settings.PASSWORD_RESET_WINDOW)
    from_address = ResetRequest.objects.filter(ip=ip, at__gt=start)
    if from_address.count() >= settings.PASSWORD_RESET_ADDRESS_LIMIT:
        first = from_address.order_by("at").values_list("at", flat=True).first() or now
        until = first + datetime.timedelta(seconds=settings.PASSWORD_RESET_WINDOW)
        raise RateLimited(wait_message(until), until=until)
    digest = _email_digest(email)
    for_email = ResetRequest.objects.filter(email_digest=digest, at__gt=start).count()
    ResetRequest.objects.create(at=now, ip=ip, email_digest=digest)
    if for_email < settings.PASSWORD_RESET_EMAIL_LIMIT:
        transaction.on_commit(
            lambda: password_reset_mail.enqueue(email=email, domain=domain, use_https=use_https)
        )


# --- sessions --------------------------------------------------------------------------------
@transaction.atomic
def sessions_revoke(
    *, user: Any, actor: Any, digests: list[str] | None = None, keep_key: str | None = None
) -> int:
    """End ``user``'s sessions: those named by ``digests``, or all of them; ``keep_key`` (the
    session making the request) is kept. Audited; returns how many ended."""
    held = UserSession.objects.filter(user=user).count()
    found = UserSession.objects.filter(user=user)
    if digests is not None:
        found = found.filter(key_digest__in=digests)
    if keep_key:
        found = found.exclude(session_key=keep_key)
    count = found.count()
    if count:
        found.delete()
        audit_record(
            actor=actor,
            action="update",
            record_type="user",
            record_id=user.pk,
            changes={"sessions": [held, held - count]},
            summary=f"{count} sessions revoked",
            event="user.sessions_revoked",
        )
    return count


@transaction.atomic
def password_changed(
    *, user: Any, actor: Any, keep_key: str | None = None, revoke_tokens: bool = False
) -> dict[str, int]:
    """After a password change (``keep_key``: the session that made it) or a reset (none kept):
    the user's other sessions end, and their API tokens too when they asked. Audited."""
    audit_record(
        actor=actor,
        action="update",
        record_type="user",
        record_id=user.pk,
        summary="password changed" if keep_key else "password reset",
        event="user.password_changed",
    )
    sessions = sessions_revoke(user=user, actor=actor, keep_key=keep_key)
    tokens = user_tokens_revoke_all(user=user, actor=actor) if revoke_tokens else 0
    return {"sessions": sessions, "tokens": tokens}
