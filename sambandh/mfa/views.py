"""Logging in in two steps, and the admin site's login sent through them.

The password step is Django's LoginView; for a user with an authenticator app it does not log
in, but remembers in the session who passed it (for ``PENDING_SECONDS``) and asks for a code.
Only a right code logs the session in. The admin site's own login page sends people here, so
``/admin/`` has no way in that skips the second step.
"""

from __future__ import annotations

import time
from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import login as auth_login
from django.contrib.auth.views import LoginView
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.crypto import constant_time_compare
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from sambandh.core.errors import ServiceError
from sambandh.mfa import selectors, services
from sambandh.mfa.forms import CodeForm
from sambandh.security.services import LOGIN_DETAILS_ATTR
from sambandh.web.forms import apply_service_errors

#: The session key of a login that passed the password and waits for its code.
PENDING = "mfa_pending"
#: How long the code may follow the password.
PENDING_SECONDS = 300


def client_ip(request: HttpRequest) -> str:
    from sambandh.core.net import client_ip as read

    return read(request)[:45]


class PasswordStepView(LoginView):
    """``/login/``: the password; then the code, for a user who has multi-factor on."""

    redirect_authenticated_user = True

    def form_valid(self, form: Any) -> HttpResponse:
        user = form.get_user()
        if not selectors.is_on(user):
            return super().form_valid(form)
        self.request.session[PENDING] = {
            "user": user.pk,
            "backend": getattr(user, "backend", ""),
            "hash": user.get_session_auth_hash(),
            "at": int(time.time()),
            "next": self.get_success_url(),
        }
        return redirect("login_code")


def _pending_user(request: HttpRequest) -> tuple[Any, dict[str, Any]] | None:
    """The user who passed the password step in this session, a moment ago, and whose password
    has not changed since."""
    pending = request.session.get(PENDING)
    if not isinstance(pending, dict):
        return None
    if int(time.time()) - int(pending.get("at", 0)) > PENDING_SECONDS:
        request.session.pop(PENDING, None)
        return None
    user_id = pending.get("user")
    if not isinstance(user_id, int):
        return None
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None or not constant_time_compare(
        user.get_session_auth_hash(), str(pending.get("hash", ""))
    ):
        request.session.pop(PENDING, None)
        return None
    return user, pending


@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """``/login/code/``: the second step."""
    found = _pending_user(request)
    if found is None:
        messages.info(request, _("Log in with your password first."))
        return redirect("login")
    user, pending = found
    status = 200
    form = CodeForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                method = services.code_check(
                    user=user, code=form.cleaned_data["code"], ip=client_ip(request)
                )
            except services.CodeLocked as exc:
                form.add_error(None, exc.message)
                status = 429
            except ServiceError as exc:
                apply_service_errors(form, exc)
                status = 422
            else:
                request.session.pop(PENDING, None)
                backend = pending.get("backend") or None
                auth_login(request, user, backend=backend)
                if method == "recovery":
                    left = selectors.recovery_codes_left(user)
                    # One login row says how (security's middleware writes it).
                    setattr(
                        request,
                        LOGIN_DETAILS_ATTR,
                        {"method": "recovery_code", "recovery_codes_left": left},
                    )
                    messages.warning(
                        request,
                        ngettext(
                            "You used a recovery code; %(count)d is left. Make new ones from "
                            "your profile.",
                            "You used a recovery code; %(count)d are left. Make new ones from "
                            "your profile.",
                            left,
                        )
                        % {"count": left},
                    )
                return redirect(_next(request, pending))
        else:
            status = 422
    response = render(request, "mfa/verify.html", {"form": form}, status=status)
    add_never_cache_headers(response)
    return response


def _next(request: HttpRequest, pending: dict[str, Any]) -> str:
    target = str(pending.get("next") or "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("home:index")


def admin_login(request: HttpRequest) -> HttpResponse:
    """``/admin/login/``: the admin site logs in through ``/login/`` and its second step."""
    target = request.GET.get("next") or reverse("admin:index")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("admin:index")
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        if getattr(user, "is_staff", False):
            return redirect(target)
        # Signed in, but not an administrator: sending them to log in again would loop.
        raise PermissionDenied(_("Only administrators may use the admin site."))
    return redirect(f"{reverse('login')}?{urlencode({'next': target})}")
