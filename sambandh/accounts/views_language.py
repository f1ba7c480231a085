"""The language switcher: a form POST from the account menu and the sign-in pages.

A signed-in user's choice is stored on the user (their language then follows them to every
device, their emails and the API); anyone's is also kept in the language cookie, which the sign-in
and password pages (served before anyone is known) follow ahead of the browser's Accept-Language.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sambandh.accounts import services

_LANGUAGES = {code for code, _name in settings.LANGUAGES}


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next", "") or "/"
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "/"


@require_POST
def language_set(request: HttpRequest) -> HttpResponse:
    language = request.POST.get("language", "")
    response = HttpResponseRedirect(_safe_next(request))
    if language not in _LANGUAGES:
        messages.error(request, _("Choose one of the interface languages."))
        return response
    if request.user.is_authenticated:
        services.user_set_language(user=request.user, language=language)
    translation.activate(language)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite="Lax",
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=True,
    )
    return response
