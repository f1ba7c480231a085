"""The REST API root: /api/v1/, bearer tokens, one error envelope for every failure."""

from __future__ import annotations

import logging

from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from sambandh.accounts.api_auth import BearerToken
from sambandh.core.api import error_payload
from sambandh.core.errors import ServiceError

logger = logging.getLogger(__name__)

api = NinjaAPI(
    title="Sambandh API",
    version="1",
    description=(
        "The Sambandh CRM REST API. Authenticate with `Authorization: Bearer <token>` "
        "(create one with `sambandh token create --email you@example.com`). Lists answer "
        '`{"items": [...], "next": cursor}`; pass `cursor` back for the next page. Updates '
        "need the record's `version` (or an If-Match header with its ETag); a stale one "
        'answers 409. Errors answer `{"error": {"code", "message", "fields"}}`.'
    ),
    auth=BearerToken(),
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)


def _error(
    request: HttpRequest, status: int, code: str, message: str, fields: dict[str, str] | None = None
) -> HttpResponse:
    return api.create_response(request, error_payload(code, message, fields), status=status)


@api.exception_handler(ServiceError)
def on_service_error(request: HttpRequest, exc: ServiceError) -> HttpResponse:
    return _error(request, exc.status, exc.code, exc.message, exc.fields)


def _loc(loc: tuple | list) -> str:
    parts = [
        str(p) for p in loc if p not in ("body", "query", "path", "payload", "data", "filters")
    ]
    return ".".join(parts) or "__all__"


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    fields: dict[str, str] = {}
    for err in exc.errors:
        key = _loc(err.get("loc", ()))
        kind = err.get("type", "")
        if kind == "extra_forbidden":
            message = _("Unknown field.")
        elif kind == "missing":
            message = _("This field is required.")
        else:
            message = str(err.get("msg", _("Not valid.")))
        fields.setdefault(key, message)
    return _error(request, 422, "validation_failed", _("Some fields are not valid."), fields)


@api.exception_handler(AuthenticationError)
def on_auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = _error(
        request, 401, "unauthorized", _("Send a valid API token: Authorization: Bearer <token>.")
    )
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, "not_found", _("Not found."))


@api.exception_handler(RequestDataTooBig)
def on_too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    return _error(request, 413, "too_large", _("The request body is too large."))


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    code = {
        400: "bad_request",
        401: "unauthorized",
        403: "forbidden",
        404: "not_found",
        405: "method_not_allowed",
        409: "conflict",
        413: "too_large",
        429: "rate_limited",
    }
    return _error(request, exc.status_code, code.get(exc.status_code, "error"), str(exc))


@api.exception_handler(Exception)
def on_unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("API error on %s %s", request.method, request.path)
    return _error(request, 500, "server_error", _("Something went wrong on our side."))


def not_found_view(request: HttpRequest, rest: str = "") -> HttpResponse:
    """Unknown paths under /api/v1/ answer the JSON envelope, not an HTML page."""
    return _error(request, 404, "not_found", _("No such API path."))


def _mount() -> None:
    """Each domain app's router, added here: config is the only place that knows them all."""
    from importlib import import_module

    for prefix, module in (
        ("/people", "sambandh.contacts.api_people"),
        ("/organizations", "sambandh.contacts.api_organizations"),
        ("/tags", "sambandh.contacts.api_tags"),
        ("/leads", "sambandh.sales.api_leads"),
        ("/deals", "sambandh.sales.api_deals"),
        ("/pipelines", "sambandh.sales.api_pipelines"),
        ("/activities", "sambandh.activities.api_activities"),
        ("/tasks", "sambandh.activities.api_tasks"),
        ("/users", "sambandh.administration.api_users"),
        ("/teams", "sambandh.administration.api_teams"),
        ("/company-settings", "sambandh.administration.api_company"),
        ("/search", "sambandh.search.api"),
        ("", "sambandh.accounts.api_access"),
    ):
        api.add_router(prefix, import_module(module).router)
    from sambandh.accounts.api_access import shares_router
    from sambandh.core import registry

    for record_type in registry.shareable_types():
        api.add_router(f"/{record_type.api_path}", shares_router(record_type))


_mount()
