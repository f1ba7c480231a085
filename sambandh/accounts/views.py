"""The signed-in user's own pages: profile and preferences, API tokens."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sambandh.accounts import scopes, services
from sambandh.accounts.forms import ProfileForm, TokenForm
from sambandh.accounts.selectors import token_list, user_list
from sambandh.core.errors import NotFound, ServiceError
from sambandh.web.forms import apply_service_errors
from sambandh.web.http import AuthedRequest, page


def _own_tokens(user: Any) -> Any:
    return token_list(user=user)


@page
@require_http_methods(["GET", "POST"])
def profile(request: AuthedRequest) -> HttpResponse:
    user = request.user
    if request.method == "POST":
        form = ProfileForm(request.POST)
        if form.is_valid():
            try:
                services.user_update_preferences(user=user, **form.cleaned_data)
            except ServiceError as exc:
                apply_service_errors(form, exc)
            else:
                # Say it in the language just chosen.
                from django.utils import translation

                translation.activate(user.language)
                messages.success(request, _("Your settings were saved."))
                return redirect("accounts:profile")
    else:
        form = ProfileForm(
            initial={
                "full_name": user.full_name,
                "language": user.language,
                "time_zone": user.time_zone,
                "currency": user.currency,
                "format_locale": user.format_locale,
                "native_digits": user.native_digits,
            }
        )
    return render(request, "accounts/profile.html", {"form": form})


@page
@require_http_methods(["GET", "POST"])
def tokens(request: AuthedRequest) -> HttpResponse:
    """API tokens: create one (its secret is shown once, on this response only) or revoke."""
    secret = ""
    if request.method == "POST":
        form = TokenForm(request.POST)
        if form.is_valid():
            try:
                _token, secret = services.token_create(
                    user=request.user,
                    name=form.cleaned_data["name"],
                    scopes=form.chosen_scopes(),
                    expires_at=form.expires_at(),
                )
            except ServiceError as exc:
                apply_service_errors(form, exc)
            else:
                form = TokenForm()
    else:
        form = TokenForm()
    listed = list(_own_tokens(request.user))
    now = timezone.now()
    for token in listed:
        token.scope_names = scopes.describe(token.scopes)  # type: ignore[attr-defined]
        token.expired = bool(token.expires_at and token.expires_at <= now)  # type: ignore[attr-defined]
    response = render(
        request,
        "accounts/tokens.html",
        {"form": form, "secret": secret, "tokens": listed},
    )
    if secret:
        response["Cache-Control"] = "no-store"
    return response


@page
@require_POST
def token_revoke(request: AuthedRequest, token_id: int) -> HttpResponse:
    token = _own_tokens(request.user).filter(pk=token_id).first()
    if token is None:
        raise NotFound(_("No such token."))
    services.token_revoke(token=token, actor=request.user)
    messages.success(request, _("The token was revoked. Programs using it can no longer sign in."))
    return redirect("accounts:tokens")


@page
@require_GET
def colleagues(request: AuthedRequest) -> JsonResponse:
    """The directory as the @mention picker reads it (web/mentions.js): the active colleagues'
    names and emails, the viewer aside, at most 20, matching ``q`` (name or email)."""
    q = (request.GET.get("q") or "")[:100].strip()
    found = user_list(viewer=request.user, q=q).filter(is_active=True).exclude(pk=request.user.pk)
    return JsonResponse({"users": [[str(u), u.email] for u in found[:20]]})
