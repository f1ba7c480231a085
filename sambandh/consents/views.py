"""The Consents section of a person's page (its GET is also a page of its own) and the public
pages a person reaches from an email: the double opt-in confirmation and the unsubscribe page.
The public pages need no login, are translated, and tell nothing about the person beyond what
was confirmed."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from sambandh.accounts import policy
from sambandh.consents import selectors, services
from sambandh.consents.forms import ConsentForm
from sambandh.consents.models import Channel, Purpose
from sambandh.core.errors import Forbidden, ServiceError
from sambandh.web.forms import apply_service_errors
from sambandh.web.http import AuthedRequest, page


def panel_context(*, viewer: Any, person: Any, form: ConsentForm | None = None) -> dict[str, Any]:
    """What ``consents/_panel.html`` needs, for a person the viewer may see (read through a
    selector)."""
    state = selectors.consent_state_of(person)
    now = timezone.now()
    for row in state.history:  # (the current rows are among them)
        row.is_expired = row.status == "granted" and row.expired(now)  # type: ignore[attr-defined]
    return {
        "consents_person": person,
        "consents_current": state.current,
        "consents_history": state.history,
        "consents_can_edit": policy.can_edit(viewer, "person", person),
        "consent_form": form or ConsentForm(),
    }


@page
@require_http_methods(["GET", "POST"])
def person_consents(request: AuthedRequest, person_id: int) -> HttpResponse:
    """GET: the person's consents on a page of their own. POST: record one, then back to the
    person's page; a refused form is shown again with its errors (422)."""
    person = selectors.person_for_consents(viewer=request.user, person_id=person_id)
    back = reverse("contacts:person_detail", args=[person.pk])
    form = None
    status = 200
    if request.method == "POST":
        if not policy.can_edit(request.user, "person", person):
            raise Forbidden(_("You cannot change this person's consents."))
        form = ConsentForm(request.POST)
        status = 422
        if form.is_valid():
            try:
                row = services.consent_record(
                    actor=request.user, person=person, data=form.to_service()
                )
            except ServiceError as exc:
                if exc.status != 422:
                    raise
                apply_service_errors(form, exc)
            else:
                messages.success(request, _saved_message(row.status))
                return redirect(back + "#consents")
    ctx = panel_context(viewer=request.user, person=person, form=form)
    ctx["consents_back"] = back
    return render(request, "consents/panel_page.html", ctx, status=status)


def _saved_message(status: str) -> str:
    if status == "pending":
        return _("Consent requested: the person gets an email to confirm it.")
    if status == "withdrawn":
        return _("Withdrawal recorded.")
    return _("Consent recorded.")


def _client_ip(request: HttpRequest) -> str | None:
    # The address the request came from (core/net.py: behind CLIENT_IP_PROXY_HOPS trusted
    # proxies, the address the outermost one saw).
    from sambandh.core.net import client_ip

    return client_ip(request) or None


def _names(outcome: services.Outcome) -> dict[str, str]:
    if not outcome.purpose:
        return {}
    return {
        "purpose": str(Purpose(outcome.purpose).label),
        "channel": str(Channel(outcome.channel).label),
    }


_STATUS = {"invalid": 400, "expired": 410}


def _public(request: HttpRequest, template: str, outcome: services.Outcome, **extra: Any) -> Any:
    ctx = {"outcome": outcome, "state": outcome.state, **_names(outcome), **extra}
    response = render(request, template, ctx, status=_STATUS.get(outcome.state, 200))
    response["Referrer-Policy"] = "no-referrer"  # the token is in the address
    return response


# The signed token is the credential of these two pages (a forger would need it), and a mail
# client's one-click POST (RFC 8058) carries no CSRF cookie: no CSRF check.
@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """GET: what the link confirms, and a Confirm button (a mail scanner that opens links
    confirms nothing). POST: the granted row, with the IP, the time and the words shown."""
    outcome = services.confirm_preview(token)
    statement = ""
    if outcome.state == "pending":
        statement = services.confirm_statement(outcome.purpose, outcome.channel)
        if request.method == "POST":
            outcome = services.consent_confirm(
                token=token, ip=_client_ip(request), statement=statement
            )
    return _public(request, "consents/confirm.html", outcome, statement=statement)


@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET: an Unsubscribe button (one click). POST: the withdrawal, from the button or from a
    mail client's one-click request (``List-Unsubscribe=One-Click`` in the body)."""
    outcome = services.unsubscribe_preview(token)
    statement = ""
    if outcome.state == "pending":
        statement = services.unsubscribe_statement(outcome.purpose, outcome.channel)
        if request.method == "POST":
            one_click = request.POST.get("List-Unsubscribe") == "One-Click"
            outcome = services.consent_unsubscribe(
                token=token,
                ip=_client_ip(request),
                statement="List-Unsubscribe=One-Click" if one_click else statement,
                form="List-Unsubscribe one-click" if one_click else "unsubscribe page",
            )
    return _public(request, "consents/unsubscribe.html", outcome, statement=statement)
