"""The REST API root: /api/v1/, bearer tokens, one error envelope for every failure."""

from __future__ import annotations

import functools
import json
import logging
import math
from collections.abc import Callable
from typing import Any

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.parser import Parser

from sambandh.accounts.api_auth import BearerToken
from sambandh.core.api import error_payload
from sambandh.core.errors import ServiceError, ValidationFailed
from sambandh.core.inputs import error_fields

logger = logging.getLogger(__name__)

#: How deep a request body may nest. Every body the API takes is at most three levels deep (an
#: object, a list in it, the objects of that list); a deeper one is refused before validation
#: walks it (a body nested thousands deep would otherwise meet Python's recursion limit, or the
#: database's JSON functions' depth limit, as a server error).
MAX_BODY_DEPTH = 32


def _finite(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):  # 1e400: JSON has no spelling for what it becomes
        raise ValueError(text)
    return number


def _refuse_constant(name: str) -> Any:
    raise ValueError(name)  # NaN, Infinity, -Infinity: Python reads them, JSON has no such thing


def _depth_at_most(data: Any, limit: int) -> bool:
    """Whether ``data`` nests at most ``limit`` objects and lists deep (walked level by level,
    without recursion)."""
    level = [data] if isinstance(data, dict | list) else []
    for _level in range(limit):
        if not level:
            return True
        level = [
            child
            for node in level
            for child in (node.values() if isinstance(node, dict) else node)
            if isinstance(child, dict | list)
        ]
    return not level


class JsonParser(Parser):
    """ninja's JSON body parser, stricter: standard JSON only (no NaN or Infinity, no number too
    large for a float) and at most MAX_BODY_DEPTH levels deep. ninja answers whatever it raises
    as a 400 "Cannot parse request body"."""

    def parse_body(self, request: HttpRequest) -> Any:
        data = json.loads(request.body, parse_float=_finite, parse_constant=_refuse_constant)
        if not _depth_at_most(data, MAX_BODY_DEPTH):
            raise ValueError("the body is nested too deep")
        return data


class SambandhAPI(NinjaAPI):
    def get_openapi_schema(self, **kwargs: Any) -> Any:
        """The document; as served (ninja's view passes ``path_params``), with the custom
        fields as they are defined now, read per request (customfields/openapi.py). Code that
        only walks the operations (tests, at import) reads no database."""
        document = super().get_openapi_schema(**kwargs)
        if kwargs.get("path_params") is None:
            return document
        from sambandh.customfields.openapi import with_custom_fields

        return with_custom_fields(document)


api = SambandhAPI(
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
    parser=JsonParser(),
)


def _error(
    request: HttpRequest, status: int, code: str, message: str, fields: dict[str, str] | None = None
) -> HttpResponse:
    return api.create_response(request, error_payload(code, message, fields), status=status)


@api.exception_handler(ServiceError)
def on_service_error(request: HttpRequest, exc: ServiceError) -> HttpResponse:
    response = _error(request, exc.status, exc.code, exc.message, exc.fields)
    retry_after = getattr(exc, "retry_after", None)
    if isinstance(retry_after, int):  # a rate limit: when to try again
        response["Retry-After"] = str(retry_after)
    return response


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return _error(
        request, 422, "validation_failed", _("Some fields are not valid."), error_fields(exc.errors)
    )


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


@api.exception_handler(SuspiciousOperation)
def on_suspicious(request: HttpRequest, exc: SuspiciousOperation) -> HttpResponse:
    """Django's refusals of a malformed request (more query parameters than
    DATA_UPLOAD_MAX_NUMBER_FIELDS, ...), which it answers 400 outside the API."""
    return _error(request, 400, "bad_request", _("The request is not valid."))


#: django-ninja's own refusals, which it words in English: the same words through gettext.
NINJA_MESSAGES = {
    "Cannot parse request body": gettext_lazy("Cannot parse request body"),
    "Unauthorized": gettext_lazy("Unauthorized"),
    "Forbidden": gettext_lazy("Forbidden"),
    "Too many requests.": gettext_lazy("Too many requests."),
    "CSRF check Failed": gettext_lazy("CSRF check Failed"),
}


def _ninja_message(message: str) -> str:
    for english, translated in NINJA_MESSAGES.items():
        if message == english or message.startswith(english + " ("):  # DEBUG adds the cause
            return str(translated)
    return message


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
    return _error(
        request, exc.status_code, code.get(exc.status_code, "error"), _ninja_message(str(exc))
    )


@api.exception_handler(Exception)
def on_unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("API error on %s %s", request.method, request.path)
    return _error(request, 500, "server_error", _("Something went wrong on our side."))


def not_found_view(request: HttpRequest, rest: str = "") -> HttpResponse:
    """Unknown paths under /api/v1/ answer the JSON envelope, not an HTML page."""
    return _error(request, 404, "not_found", _("No such API path."))


def _custom_filters_of(operation: Any) -> str:
    """The record type whose ``custom.<key>`` filters an operation takes: a list's filter
    schema declares it (``custom_filters = "person"``)."""
    for model in operation.models:
        if model.__ninja_param_source__ == "query":
            for f in model.model_fields.values():
                found = getattr(f.annotation, "custom_filters", "")
                if found:
                    return str(found)
    return ""


def _declared_query(operation: Any) -> frozenset[str]:
    """The query parameters an operation declares: its Query schemas' fields and its plain
    scalar arguments (DELETE's ``version``)."""
    names: set[str] = set()
    for model in operation.models:
        if model.__ninja_param_source__ == "query":
            flat = getattr(model, "__ninja_flatten_map__", None)
            names.update(flat or (f.alias or name for name, f in model.model_fields.items()))
    return frozenset(names)


def refuse_unknown_query(view: Callable[..., Any]) -> Callable[..., Any]:
    """Every operation answers 422 naming each query parameter it does not declare, as unknown
    body fields are (StrictSchema): a misspelt or unsupported filter would otherwise be
    ignored, and a list would answer everything. Runs after authentication and after the
    declared parameters are validated, inside the operation (so its errors get the envelope)."""
    declared = _declared_query(view._ninja_operation)  # type: ignore[attr-defined]
    custom_type = _custom_filters_of(view._ninja_operation)  # type: ignore[attr-defined]

    @functools.wraps(view)
    def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        errors = {}
        for name in request.GET:
            if name in declared:
                continue
            if custom_type and name.startswith("custom."):
                from sambandh.customfields.selectors import filter_known

                if not filter_known(custom_type, name):
                    errors[name[:100]] = _("Unknown custom field.")
                continue
            errors[name[:100]] = _("Unknown field.")
        if errors:
            raise ValidationFailed(fields=errors)
        return view(request, *args, **kwargs)

    return checked


api.add_decorator(refuse_unknown_query, mode="operation")


def _mount() -> None:
    """Each domain app's router, added here: config is the only place that knows them all."""
    from importlib import import_module

    for prefix, module in (
        ("/people", "sambandh.contacts.api_people"),
        ("/organizations", "sambandh.contacts.api_organizations"),
        ("/tags", "sambandh.contacts.api_tags"),
        ("", "sambandh.contacts.api_merge"),
        ("/leads", "sambandh.sales.api_leads"),
        ("/deals", "sambandh.sales.api_deals"),
        ("/pipelines", "sambandh.sales.api_pipelines"),
        ("/activities", "sambandh.activities.api_activities"),
        ("/tasks", "sambandh.activities.api_tasks"),
        ("/scheduling", "sambandh.activities.api_scheduling"),
        ("/users", "sambandh.administration.api_users"),
        ("/teams", "sambandh.administration.api_teams"),
        ("/company-settings", "sambandh.administration.api_company"),
        ("/exchange-rates", "sambandh.currencies.api"),
        ("/search", "sambandh.search.api"),
        ("/custom-fields", "sambandh.customfields.api"),
        ("/scheduled-jobs", "sambandh.events.api"),
        ("/notifications", "sambandh.notifications.api"),
        ("/jobs", "sambandh.bulk.api"),
        ("/imports", "sambandh.imports.api"),
        ("/people", "sambandh.consents.api"),
        ("/emails", "sambandh.emails.api"),
        ("/attachments", "sambandh.attachments.api"),
        ("/recycle-bin", "sambandh.recyclebin.api"),
        ("/privacy", "sambandh.privacy.api"),
        ("/audit", "sambandh.history.api"),
        ("/tokens", "sambandh.accounts.api_tokens"),
        ("", "sambandh.accounts.api_access"),
    ):
        api.add_router(prefix, import_module(module).router)
    from sambandh.accounts.api_access import shares_router
    from sambandh.activities.api_timeline import timeline_router
    from sambandh.core import registry

    for record_type in registry.shareable_types():
        api.add_router(f"/{record_type.api_path}", shares_router(record_type))
    for record_type in registry.timeline_types():
        api.add_router(f"/{record_type.api_path}", timeline_router(record_type))
    from sambandh.attachments.api import attachments_router

    for record_type in registry.record_types():
        if record_type.visible is not None:
            api.add_router(f"/{record_type.api_path}", attachments_router(record_type))
    from sambandh.bulk.api import bulk_router
    from sambandh.bulk.services import supports_bulk

    for record_type in registry.record_types():
        if supports_bulk(record_type):
            api.add_router(f"/{record_type.api_path}", bulk_router(record_type))
    from sambandh.exports.api import export_routers

    for prefix, router in export_routers():
        api.add_router(prefix, router)


_mount()
