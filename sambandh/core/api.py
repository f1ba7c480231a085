"""Pieces every API router uses: the error envelope, versions and list pages."""

from __future__ import annotations

import datetime
import decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from ninja import Schema
from pydantic import ConfigDict, ValidationInfo, model_validator

from sambandh.core.errors import Conflict, ServiceError
from sambandh.core.pagination import Page

#: Values that django-ninja's attribute reader hands to pydantic as they are (no manager,
#: queryset, file or callable among them).
_PLAIN_VALUES = (
    str,
    int,
    float,
    bool,
    type(None),
    list,
    tuple,
    dict,
    datetime.date,
    datetime.datetime,
    datetime.time,
    decimal.Decimal,
)


class StrictSchema(Schema):
    """Input schema: unknown fields are refused, not silently dropped."""

    model_config = ConfigDict(extra="forbid", str_max_length=100_000)

    @model_validator(mode="wrap")
    @classmethod
    def _run_root_validator(cls, values: Any, handler: Any, info: ValidationInfo) -> Any:
        """django-ninja's root validator validates a forbid-extra schema twice: the input as
        given (to refuse unknown fields), then read through its attribute reader (for ORM
        objects and resolvers). For a dict of plain values and a schema without resolvers the
        reader answers each field's value as it is, so the second answer is the first: it is
        returned without validating again (an import validates thousands of inputs)."""
        if (
            type(values) is dict
            and not cls._ninja_resolvers
            and all(type(v) in _PLAIN_VALUES for v in values.values())
        ):
            return handler(values)
        return super()._run_root_validator(values, handler, info)  # type: ignore[operator]


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
