"""The signed-in user's sessions and password, and the password reset pages (Django's views,
with the reset mail sent in the background and the choice to revoke API tokens)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from sambandh.accounts.forms import UserLanguagePasswordResetForm
from sambandh.core.errors import NotFound
from sambandh.core.net import client_ip
from sambandh.security import services
from sambandh.security.agents import describe_agent
from sambandh.security.forms import PasswordChangeForm, SetPasswordForm
from sambandh.security.selectors import session_list
from sambandh.web.http import AuthedRequest, page


@page
@require_http_methods(["GET"])
def sessions(request: AuthedRequest) -> HttpResponse:
    current = request.session.session_key
    rows = [
        {
            "digest": s.key_digest,
            "device": describe_agent(s.user_agent),
            "user_agent": s.user_agent,
            "ip": s.ip,
            "started_at": s.started_at,
            "last_seen_at": s.last_seen_at,
            "current": s.session_key == current,
        }
        for s in session_list(user=request.user)
    ]
    rows.sort(key=lambda row: not row["current"])
    others = sum(1 for row in rows if not row["current"])
    return render(
        request,
        "security/sessions.html",
        {
            "sessions": rows,
            "others": others,
            "idle_minutes": max(1, settings.SESSION_IDLE_TIMEOUT // 60),
        },
    )


@page
@require_POST
def session_revoke(request: AuthedRequest, digest: str) -> HttpResponse:
    if not services.sessions_revoke(
        user=request.user,
        actor=request.user,
        digests=[digest],
        keep_key=request.session.session_key,
    ):
        raise NotFound(_("No such session."))
    messages.success(request, _("The session was ended."))
    return redirect("security:sessions")


@page
@require_POST
def sessions_revoke_others(request: AuthedRequest) -> HttpResponse:
    count = services.sessions_revoke(
        user=request.user, actor=request.user, keep_key=request.session.session_key
    )
    messages.success(
        request,
        ngettext(
            "%(count)d other session was ended.", "%(count)d other sessions were ended.", count
        )
        % {"count": count},
    )
    return redirect("security:sessions")


@page
@require_http_methods(["GET", "POST"])
def password_change(request: AuthedRequest) -> HttpResponse:
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        # Django gives this session a new key and keeps it signed in; every other one ends.
        update_session_auth_hash(request, user)
        done = services.password_changed(
            user=user,
            actor=user,
            keep_key=request.session.session_key,
            revoke_tokens=form.cleaned_data["revoke_tokens"],
        )
        text = _("Your password was changed. You were signed out everywhere else.")
        if done["tokens"]:
            text += " " + ngettext(
                "%(count)d API token was revoked.",
                "%(count)d API tokens were revoked.",
                done["tokens"],
            ) % {"count": done["tokens"]}
        messages.success(request, text)
        return redirect("security:password_change")
    return render(request, "security/password_change.html", {"form": form})


class PasswordResetView(auth_views.PasswordResetView):
    """Queues the reset mail (sent by a background task) instead of sending it in the request,
    whether the email has an account or not; refuses an address past its rate limit (429)."""

    form_class = UserLanguagePasswordResetForm

    def form_valid(self, form: Any) -> HttpResponse:
        try:
            services.password_reset_request(
                email=form.cleaned_data["email"],
                ip=client_ip(self.request),
                domain=self.request.get_host(),
                use_https=self.request.is_secure(),
            )
        except services.RateLimited as exc:
            form.add_error(None, exc.message)
            response = self.form_invalid(form)
            response.status_code = 429
            response["Retry-After"] = str(exc.retry_after)
            return response
        return redirect(self.get_success_url())


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's, and then the user's sessions end (and their API tokens, if they ask)."""

    form_class = SetPasswordForm

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        services.password_changed(
            user=form.user, actor=form.user, revoke_tokens=form.cleaned_data["revoke_tokens"]
        )
        return response
