"""The settings area's shared page pieces, its start and the company's defaults."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from sambandh.accounts import policy, selectors, services
from sambandh.administration.forms import CompanyForm
from sambandh.administration.tabs import TABS
from sambandh.core.errors import Conflict, ValidationFailed
from sambandh.sales.services import deal_reporting_refresh
from sambandh.web.forms import apply_service_errors
from sambandh.web.http import AuthedRequest, page


def admin_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A page of the settings area: signed in, and an administrator (anyone else gets 403)."""

    @wraps(view)
    def wrapper(request: AuthedRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        policy.ensure_admin(request.user)
        return view(request, *args, **kwargs)

    return page(wrapper)


def render_tab(
    request: HttpRequest,
    template: str,
    tab: str,
    context: dict[str, Any] | None = None,
    *,
    status: int = 200,
) -> HttpResponse:
    """Render one page of the settings layout with ``tab`` lit up."""
    return render(
        request,
        template,
        {"tabs": TABS, "active_tab": tab, **(context or {})},
        status=status,
    )


@admin_page
@require_GET
def index(request: AuthedRequest) -> HttpResponse:
    return redirect("administration:users")


@admin_page
@require_http_methods(["GET", "POST"])
def company(request: AuthedRequest) -> HttpResponse:
    current = selectors.company_settings()
    status = 200
    if request.method == "POST":
        form = CompanyForm(request.POST)
        if form.is_valid():
            try:
                services.company_settings_update(
                    actor=request.user,
                    language=form.cleaned_data["language"],
                    time_zone=form.cleaned_data["time_zone"],
                    currency=form.cleaned_data["currency"],
                    version=form.cleaned_data.get("version"),
                    require_admin_mfa=form.cleaned_data["require_admin_mfa"],
                )
            except Conflict as exc:
                apply_service_errors(form, exc)
                status = 409
            except ValidationFailed as exc:
                apply_service_errors(form, exc)
                status = 422
            else:
                if form.cleaned_data["currency"] != current.currency:
                    # Deals keep their amount in the company currency for sorts and sums.
                    deal_reporting_refresh()
                messages.success(request, _("The company's defaults were saved."))
                return redirect("administration:company")
        else:
            status = 422
    else:
        form = CompanyForm(
            initial={
                "language": current.language,
                "time_zone": current.time_zone,
                "currency": current.currency,
                "require_admin_mfa": current.require_admin_mfa,
                "version": current.version,
            }
        )
    return render_tab(
        request,
        "administration/company.html",
        "company",
        {"form": form, "current": current, "conflict": status == 409},
        status=status,
    )
