"""Pieces every API router uses: the error envelope, versions and list pages."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from ninja import Schema
from pydantic import ConfigDict

from sambandh.core.errors import Conflict, ServiceError
from sambandh.core.pagination import Page


class StrictSchema(Schema):
    """Input schema: unknown fields are refused, not silently dropped."""

    model_config = ConfigDict(extra="forbid", str_max_length=100_000)


class ErrorBody(Schema):
    code: str
    message: str
    fields: dict[str, str] = {}


class ErrorOut(Schema):
    error: ErrorBody


def error_payload(code: str, message: str, fields: dict[str, str] | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": str(message), "fields": fields or {}}}


class VersionRequired(ServiceError):
    status = 428
    code = "version_required"
    default_message = _lazy(
        "Send the version you are changing: an If-Match header or a version field."
    )


def expected_version(request: HttpRequest, body_version: int | None) -> int:
    """The version the caller is changing, from If-Match (an ETag we issued) or the body."""
    header = request.headers.get("If-Match", "").strip()
    if header:
        raw = header.removeprefix("W/").strip('"')
        try:
            from_header = int(raw)
        except ValueError:
            raise ServiceError(
                _("If-Match must be an ETag this API issued."), fields={"If-Match": _("Not valid.")}
            ) from None
        if body_version is not None and body_version != from_header:
            raise Conflict(_("If-Match and version disagree."))
        return from_header
    if body_version is None:
        raise VersionRequired(
            _("Send the version you are changing: an If-Match header or a version field."),
            fields={"version": _("This field is required.")},
        )
    return body_version


def etag(version: int) -> str:
    return f'W/"{version}"'


def with_etag(response: HttpResponse, version: int) -> HttpResponse:
    response["ETag"] = etag(version)
    return response


def page_out(page: Page[Any], to_out: Any) -> dict[str, Any]:
    return {"items": [to_out(item) for item in page.items], "next": page.next_cursor}
