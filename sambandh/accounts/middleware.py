"""Activate the signed-in user's language and time zone for the whole request."""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation

from sambandh.core import formats

_LANGUAGES = {code for code, _name in settings.LANGUAGES}


def preferences_activate(request: HttpRequest, user: Any) -> None:
    """Answer in ``user``'s language and show times in their zone for the rest of the request
    (the web does it after the session is read, the API after the bearer token is)."""
    if user.language in _LANGUAGES:
        translation.activate(user.language)
        request.LANGUAGE_CODE = user.language
    prefs = formats.prefs_for_user(user)
    formats.activate(prefs.locale, native_digits=prefs.native_digits)
    try:
        timezone.activate(zoneinfo.ZoneInfo(user.time_zone))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        timezone.deactivate()


class UserPreferencesMiddleware:
    """The web stack's: the session's user, known before the view runs."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            preferences_activate(request, user)
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
            formats.deactivate()


class PreferencesResetMiddleware:
    """The API stack's: the token's user is known only inside the view, which activates their
    preferences; this puts the defaults back afterwards, so the next request on the same thread
    starts clean."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
            translation.deactivate()
            formats.deactivate()
