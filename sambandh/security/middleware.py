"""Middleware of sign-in security.

``SessionSecurityMiddleware`` (after the authentication middleware): a signed-in session ends
after ``SESSION_IDLE_TIMEOUT`` seconds without a request (sliding) and ``SESSION_MAX_AGE``
seconds after its login whatever happens; it keeps the session's address, browser and last
request time for the user's list of sessions (written at most once a minute, so a page view
stays a read); it audits each login as it happens; and it answers a login page refused by a
lock with 429 and ``Retry-After``.

``ApiNoStoreMiddleware`` (the API stack): no API answer may be kept by a browser or a proxy.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from sambandh.core.net import client_ip, user_agent
from sambandh.security import services
from sambandh.security.backends import ACCEPTED_ATTR, LOCKED_ATTR
from sambandh.security.session_store import AGENT, IP, SEEN, STARTED

#: How stale the "last seen" time may get before a request writes it again.
TOUCH_SECONDS = 60

#: The headers every API answer carries (the read lane, config/read_lane.py, adds them too).
NO_STORE_HEADERS = (("Cache-Control", "no-store"), ("Pragma", "no-cache"))


def _stamp(request: HttpRequest, now: float) -> None:
    session = request.session
    session[STARTED] = session.get(STARTED) or now
    session[SEEN] = now
    session[IP] = client_ip(request)
    session[AGENT] = user_agent(request)


class SessionSecurityMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            self._check(request)
        before = (request.session.get(SESSION_KEY), request.session.session_key)
        response = self.get_response(request)
        after = request.session.get(SESSION_KEY)
        if after and (
            after != before[0]
            or (getattr(request, ACCEPTED_ATTR, False) and request.session.session_key != before[1])
        ):
            # A login during this request (a new user on the session, or a password accepted
            # and the session given a new key by Django's login()): the session starts now,
            # and the login is audited.
            for key in (STARTED, SEEN):
                request.session.pop(key, None)
            _stamp(request, time.time())
            services.login_succeeded(
                user=request.user,
                ip=client_ip(request),
                user_agent=user_agent(request),
                details=getattr(request, services.LOGIN_DETAILS_ATTR, None),
            )
        locked_until = getattr(request, LOCKED_ATTR, None)
        if locked_until is not None and response.status_code == 200:
            response.status_code = 429
            seconds = (locked_until - timezone.now()).total_seconds()
            response["Retry-After"] = str(max(1, math.ceil(seconds)))
        return response

    def _check(self, request: HttpRequest) -> None:
        session = request.session
        now = time.time()
        started, seen = session.get(STARTED), session.get(SEEN)
        if not isinstance(started, int | float) or not isinstance(seen, int | float):
            _stamp(request, now)  # a session made outside a request (a test's force_login)
            return
        if now - seen > settings.SESSION_IDLE_TIMEOUT:
            reason = _("You were signed out after a while without activity. Please log in again.")
        elif now - started > settings.SESSION_MAX_AGE:
            reason = _("Your session has ended. Please log in again.")
        else:
            if (
                now - seen >= TOUCH_SECONDS
                or session.get(IP) != client_ip(request)
                or session.get(AGENT) != user_agent(request)
            ):
                _stamp(request, now)
            return
        logout(request)
        messages.info(request, reason)


class ApiNoStoreMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        for name, value in NO_STORE_HEADERS:
            response[name] = value
        return response
