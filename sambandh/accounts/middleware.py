"""Activate the signed-in user's language and time zone for the whole request."""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation
from django.utils.translation import trans_real

from sambandh.core import formats

_LANGUAGES = {code for code, _name in settings.LANGUAGES}


#: Set on an API request that named a language of ours in Accept-Language.
REQUESTED_LANGUAGE = "sambandh_requested_language"


def accept_language(request: HttpRequest) -> str | None:
    """The interface language ``Accept-Language`` asks for, by the header's preference order,
    or None (no header, or none of ours)."""
    header = request.headers.get("Accept-Language", "")
    for code, _quality in trans_real.parse_accept_lang_header(header):
        if code == "*":
            break
        try:
            return translation.get_supported_language_variant(code)
        except LookupError:
            continue
    return None


def preferences_activate(request: HttpRequest, user: Any) -> None:
    """Answer in ``user``'s language and show times in their zone for the rest of the request
    (the web does it after the session is read, the API after the bearer token is). An API
    request that sends Accept-Language naming one of our languages is answered in that one."""
    language = getattr(request, REQUESTED_LANGUAGE, None) or user.language
    if language in _LANGUAGES:
        translation.activate(language)
        request.LANGUAGE_CODE = language
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
    starts clean. Until then (and for a request refused before its user is known) the request
    speaks the language Accept-Language asks for, else the site's default."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        requested = accept_language(request)
        setattr(request, REQUESTED_LANGUAGE, requested)
        translation.activate(requested or settings.LANGUAGE_CODE)
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
            translation.deactivate()
            formats.deactivate()
