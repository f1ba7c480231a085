"""Create an organization from the person form, or a person from the deal form, without leaving
it: a small dialog (web/_quick_create.html, web/static/web/quick_create.js) posts here and puts
the new record into the form's lookup input. Thin: the same services and typed inputs as the
full forms; a bad input answers 422 with the message of each field, and nothing is created."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, JsonResponse
from django.views.decorators.http import require_POST

from sambandh.contacts import selectors, services
from sambandh.contacts.schemas import OrganizationIn, PersonIn
from sambandh.core import registry
from sambandh.core.errors import ServiceError
from sambandh.web.forms import record_ref, resolve_record
from sambandh.web.http import AuthedRequest, page

MAX_TEXT = 300


def _text(request: AuthedRequest, name: str) -> str:
    return (request.POST.get(name) or "").replace("\x00", "").strip()[:MAX_TEXT]


def _answer(request: AuthedRequest, record: Any) -> JsonResponse:
    return JsonResponse(
        {
            "id": record.pk,
            "ref": record_ref(record, request.user),
            "name": str(record),
            "url": registry.get(record.record_type).url(record.pk),
        },
        status=201,
    )


def _refused(exc: ServiceError) -> JsonResponse:
    return JsonResponse({"message": exc.message, "fields": exc.fields}, status=exc.status)


def _check_writer(request: AuthedRequest) -> None:
    if not getattr(request.user, "can_write", False):
        raise PermissionDenied


@page
@require_POST
def organization_quick_create(request: AuthedRequest) -> HttpResponse:
    _check_writer(request)
    data: dict[str, Any] = {"name": _text(request, "name")}
    if domain := _text(request, "domain"):
        data["domain"] = domain
    try:
        org = services.organization_create(actor=request.user, data=OrganizationIn.build(data))
    except ServiceError as exc:
        return _refused(exc)
    return _answer(request, org)


@page
@require_POST
def person_quick_create(request: AuthedRequest) -> HttpResponse:
    _check_writer(request)
    data: dict[str, Any] = {"full_name": _text(request, "full_name")}
    if email := _text(request, "email"):
        data["emails"] = [{"email": email}]
    # The deal form's organization, when it names one the user may see, is the person's too.
    org, _error = resolve_record(
        selectors.organizations_visible(request.user), _text(request, "organization")
    )
    if org is not None:
        data["organization_id"] = org.pk
    try:
        person = services.person_create(actor=request.user, data=PersonIn.build(data))
    except ServiceError as exc:
        return _refused(exc)
    return _answer(request, person)
