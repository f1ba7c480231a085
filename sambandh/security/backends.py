"""The authentication backend: Django's ModelBackend behind the lockout.

Every way in that checks a password calls ``django.contrib.auth.authenticate``: the login page,
the admin's login page, and whatever step a later login flow adds. Putting the lockout here,
rather than in each form or view, covers them all at once."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from sambandh.core.net import client_ip
from sambandh.security import services

#: Set on the request when a login was refused by a lock: the security middleware answers
#: that page with 429 and ``Retry-After``.
LOCKED_ATTR = "security_locked_until"
#: Set on the request when a password was accepted: a new session for the same user in this
#: request is then a login (and not, say, the new key a password change gives the session).
ACCEPTED_ATTR = "security_credentials_accepted"


class AccountLocked(ValidationError):
    """Raised out of ``authenticate()``: a login form shows its message like any error of the
    form (Django's forms turn a ValidationError from ``clean()`` into a form error). Callers
    outside a form catch it."""


class LockoutModelBackend(ModelBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        # Only an email and password sent over HTTP is counted: another backend's credentials,
        # or an in-process call without a request (a management command, a test's login()),
        # has no one to lock out.
        if request is None or username is None or password is None:
            return super().authenticate(request, username, password, **kwargs)
        ip = client_ip(request)
        lock = services.login_lock(username=username, ip=ip)
        if lock is None:
            user = super().authenticate(request, username, password, **kwargs)
            if user is not None:
                services.login_password_accepted(username=username, ip=ip)
                setattr(request, ACCEPTED_ATTR, True)
                return user
            lock = services.login_failed(username=username, ip=ip)
            if lock is None:
                return None
        else:
            services.login_refused(username=username, ip=ip, lock=lock)
        setattr(request, LOCKED_ATTR, lock.until)
        raise AccountLocked(services.wait_message(lock.until), code="locked")
