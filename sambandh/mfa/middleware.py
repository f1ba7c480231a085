"""An administrator who must use multi-factor authentication (the company's setting) and has
not set it up is sent to set it up before anything else, the admin site included."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from sambandh.mfa import selectors

#: What stays reachable meanwhile: the set-up pages, logging out, the language and the
#: scripts' translations (the set-up page uses them).
_ALLOWED_NAMES = ("mfa:security", "logout", "set_language", "javascript-catalog")


class MfaRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self._allowed: tuple[str, ...] | None = None

    def allowed(self) -> tuple[str, ...]:
        if self._allowed is None:
            self._allowed = tuple(reverse(name) for name in _ALLOWED_NAMES)
        return self._allowed

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and getattr(user, "is_admin", False)
            and not request.path_info.startswith(self.allowed())
            and selectors.must_enrol(user)
        ):
            target = reverse("mfa:security")
            if request.headers.get("HX-Request") == "true":
                response = HttpResponse(status=204)
                response["HX-Redirect"] = target
                return response
            return redirect(target)
        return self.get_response(request)
