"""``/account/security/``: the signed-in user sets up an authenticator app, sees their recovery
codes once, makes new ones, or turns multi-factor authentication off."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from sambandh.core.errors import ServiceError
from sambandh.mfa import selectors, services
from sambandh.mfa.forms import AppCodeForm, DisableForm
from sambandh.mfa.views import client_ip
from sambandh.web.forms import apply_service_errors
from sambandh.web.http import AuthedRequest, page


def _page(
    request: AuthedRequest,
    *,
    confirm_form: Any = None,
    renew_form: Any = None,
    disable_form: Any = None,
    codes: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    device = selectors.device_of(user)
    on = device is not None and device.confirmed_at is not None
    context: dict[str, Any] = {
        "on": on,
        "device": device,
        "required": selectors.must_enrol(user),
        "codes": codes or [],
        "confirm_form": confirm_form or AppCodeForm(prefix="confirm"),
        "renew_form": renew_form or AppCodeForm(prefix="renew"),
        "disable_form": disable_form or DisableForm(prefix="disable"),
    }
    if device is not None and not on:
        uri = selectors.provisioning_uri(device, user)
        context.update(uri=uri, qr=selectors.qr_data_uri(uri), secret=device.secret)
    if on:
        context["codes_left"] = selectors.recovery_codes_left(user)
    response = render(request, "mfa/security.html", context, status=status)
    if codes or (device is not None and not on):
        response["Cache-Control"] = "no-store"  # recovery codes and the secret: never kept
    return response


@page
@require_GET
def security(request: AuthedRequest) -> HttpResponse:
    return _page(request)


@page
@require_POST
def start(request: AuthedRequest) -> HttpResponse:
    try:
        services.totp_enrol_start(user=request.user)
    except ServiceError as exc:
        messages.error(request, exc.message)
    return redirect("mfa:security")


def _status(exc: ServiceError) -> int:
    return 429 if isinstance(exc, services.CodeLocked) else 422


def _code_step(request: AuthedRequest, prefix: str, service: Any, done: str) -> HttpResponse:
    """A form of one app code (``prefix``: which one) that ``service`` checks and answers new
    recovery codes for; they are shown once, with ``done``."""
    form = AppCodeForm(request.POST, prefix=prefix)
    forms: dict[str, Any] = {f"{prefix}_form": form}
    if not form.is_valid():
        return _page(request, **forms, status=422)
    try:
        codes = service(user=request.user, code=form.cleaned_data["code"], ip=client_ip(request))
    except ServiceError as exc:
        apply_service_errors(form, exc)
        return _page(request, **forms, status=_status(exc))
    messages.success(request, done)
    return _page(request, codes=codes)


@page
@require_POST
def confirm(request: AuthedRequest) -> HttpResponse:
    return _code_step(
        request, "confirm", services.totp_enrol_confirm, _("Multi-factor authentication is on.")
    )


@page
@require_POST
def renew(request: AuthedRequest) -> HttpResponse:
    return _code_step(
        request,
        "renew",
        services.recovery_codes_renew,
        _("New recovery codes were made; the old ones no longer work."),
    )


@page
@require_POST
def disable(request: AuthedRequest) -> HttpResponse:
    form = DisableForm(request.POST, prefix="disable")
    if not form.is_valid():
        return _page(request, disable_form=form, status=422)
    try:
        services.mfa_disable(
            user=request.user,
            password=form.cleaned_data["password"],
            code=form.cleaned_data["code"],
            ip=client_ip(request),
        )
    except ServiceError as exc:
        apply_service_errors(form, exc)
        return _page(request, disable_form=form, status=_status(exc))
    messages.success(request, _("Multi-factor authentication is off."))
    return redirect("mfa:security")
