"""The compose page (from a person's page or a deal's) and the timeline's Retry button."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_POST

from sambandh.accounts import policy
from sambandh.contacts.selectors import person_get
from sambandh.core.errors import ServiceError
from sambandh.core.sensitive import note_shown
from sambandh.emails import selectors, services
from sambandh.emails.forms import ComposeForm
from sambandh.sales.selectors import deal_get
from sambandh.web.forms import apply_service_errors
from sambandh.web.http import AuthedRequest, page, safe_next


def _ensure_can_write(request: AuthedRequest) -> None:
    if not request.user.can_write:
        raise PermissionDenied(_("Your role can read records but not change them."))


def _email_of(request: AuthedRequest, person: Any) -> str:
    """The person's primary address, when the viewer may see addresses."""
    shows = policy.field_access(request.user, "person").shows("emails")
    if not shows or not person.email:
        return ""
    # The compose form shows the address it writes to: a read when it is marked sensitive.
    note_shown(request.user, "person", [person.pk], ["emails"], via="email")
    return str(person.email)


def _compose(
    request: AuthedRequest,
    *,
    record: Any,
    record_url: str,
    person: Any = None,
    deal: Any = None,
    people: list[Any] | None = None,
    refused: str | None = None,
) -> HttpResponse:
    choices = None
    if people is not None:
        choices = []
        for p in people:
            address = _email_of(request, p)
            choices.append(
                (p.pk, f"{p.full_name} <{address}>" if address else p.full_name, address)
            )
    first = choices[0] if choices else None
    initial = {
        "to": _email_of(request, person) if person else (first[2] if first else ""),
        "person": first[0] if first else None,
    }
    if request.method == "POST" and refused is not None:
        # The body was never read: a fresh form with the refusal (its message says so).
        form = ComposeForm(people=choices, initial=initial)
        form.cleaned_data = {}
        form.add_error("attachments", refused)
        status = 413
    elif request.method == "POST":
        form = ComposeForm(request.POST, request.FILES, people=choices)
        status = 422
        if form.is_valid():
            try:
                services.email_send(
                    actor=request.user,
                    data=form.to_service(
                        person_id=person.pk if person else None,
                        deal_id=deal.pk if deal else None,
                    ),
                    uploads=form.cleaned_data["attachments"],
                )
            except ServiceError as exc:
                if exc.status not in (413, 422):
                    raise
                apply_service_errors(form, exc)
                status = exc.status
            else:
                messages.success(request, _("Email queued: it will be sent in a moment."))
                return redirect(record_url)
    else:
        form = ComposeForm(people=choices, initial=initial)
        status = 200
    return render(
        request,
        "emails/compose.html",
        {"form": form, "record": record, "record_url": record_url, "person": person, "deal": deal},
        status=status,
    )


def _too_large(request: HttpRequest) -> str | None:
    """The refusal of a post whose Content-Length is past what the files allowed in all (and
    the text around them) need: it is answered before its body is read, as the attachments'
    panel does (the CSRF check would otherwise read, and spool to disk, the whole of it)."""
    if request.method != "POST":
        return None
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length <= services.attachments_max_bytes() + POST_SLACK:
        return None
    return (
        services.attachments_too_large(None, "attachments").message
        + " "
        + _("Nothing was sent: write the email again with smaller files.")
    )


#: What a compose post may carry besides its files (the text fields, multipart's framing).
POST_SLACK = 1024 * 1024


@page
@require_http_methods(["GET", "POST"])
def _compose_to_person(
    request: AuthedRequest, person_id: int, refused: str | None = None
) -> HttpResponse:
    person = person_get(viewer=request.user, person_id=person_id)
    _ensure_can_write(request)
    url = reverse("contacts:person_detail", args=[person.pk])
    return _compose(request, record=person, record_url=url, person=person, refused=refused)


@page
@require_http_methods(["GET", "POST"])
def _compose_on_deal(
    request: AuthedRequest, deal_id: int, refused: str | None = None
) -> HttpResponse:
    deal = deal_get(viewer=request.user, deal_id=deal_id)
    _ensure_can_write(request)
    url = reverse("sales:deal_detail", args=[deal.pk])
    people = list(deal.people.all())
    return _compose(request, record=deal, record_url=url, deal=deal, people=people, refused=refused)


@page
@require_POST
def retry(request: AuthedRequest, activity_id: int) -> HttpResponse:
    """Send a failed email again, then back to the page it was retried from."""
    email = selectors.email_for_retry(viewer=request.user, activity_id=activity_id)
    try:
        services.email_retry(actor=request.user, email=email)
    except services.NotRetryable as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Email queued again: it will be sent in a moment."))
    return redirect(safe_next(request, reverse("home:index")))


# The CSRF token is checked, as everywhere, once the body may be read; a post refused from its
# Content-Length is answered unread (it changes nothing, so it needs no token).
_checked_to_person = csrf_protect(_compose_to_person)
_checked_on_deal = csrf_protect(_compose_on_deal)


@csrf_exempt
def compose_to_person(request: HttpRequest, person_id: int) -> HttpResponse:
    if refused := _too_large(request):
        return _compose_to_person(request, person_id, refused=refused)
    return _checked_to_person(request, person_id)


@csrf_exempt
def compose_on_deal(request: HttpRequest, deal_id: int) -> HttpResponse:
    if refused := _too_large(request):
        return _compose_on_deal(request, deal_id, refused=refused)
    return _checked_on_deal(request, deal_id)
