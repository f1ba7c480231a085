"""/api/v1/company-settings: the language, time zone and currency new users start with. Every
signed-in user reads them; administrators change them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema
from pydantic import Field

from sambandh.accounts import policy, selectors, services
from sambandh.accounts.models import CompanySettings
from sambandh.accounts.selectors import acting_user as viewer
from sambandh.core.api import ErrorOut, StrictSchema, expected_version, with_etag
from sambandh.sales.services import deal_reporting_refresh

router = Router(tags=["company settings"])
ERRORS: dict[int, Any] = {k: ErrorOut for k in (401, 403, 404, 409, 413, 422, 428)}


class CompanySettingsOut(Schema):
    language: str
    time_zone: str
    currency: str
    require_admin_mfa: bool
    version: int
    updated_at: datetime


class CompanySettingsIn(StrictSchema):
    language: str = Field(max_length=10, description="One of the interface languages.")
    time_zone: str = Field(max_length=64, description="An IANA time zone, e.g. Asia/Kolkata.")
    currency: str = Field(max_length=3, description="An ISO 4217 code, e.g. INR.")
    require_admin_mfa: bool | None = Field(
        None,
        description="Administrators must use multi-factor authentication (omitted: unchanged).",
    )
    version: int | None = Field(None, ge=1, description="Or send If-Match with the ETag.")


def company_out(row: CompanySettings) -> dict[str, Any]:
    return {
        "language": row.language,
        "time_zone": row.time_zone,
        "currency": row.currency,
        "require_admin_mfa": row.require_admin_mfa,
        "version": row.version,
        "updated_at": row.updated_at,
    }


@router.get("", response={200: CompanySettingsOut, **ERRORS})
def get_company_settings(request: HttpRequest, response: HttpResponse) -> Any:
    row = selectors.company_settings()
    with_etag(response, row.version)
    return company_out(row)


@router.put("", response={200: CompanySettingsOut, **ERRORS})
def put_company_settings(
    request: HttpRequest, response: HttpResponse, payload: CompanySettingsIn
) -> Any:
    """Replace the company's defaults (admins only). Users already there keep their own."""
    actor = viewer(request)
    policy.ensure_admin(actor)
    before = selectors.company_settings().currency
    row = services.company_settings_update(
        actor=actor,
        language=payload.language,
        time_zone=payload.time_zone,
        currency=payload.currency,
        version=expected_version(request, payload.version),
        require_admin_mfa=payload.require_admin_mfa,
    )
    if row.currency != before:
        # Deals keep their amount in the company currency for sorts and sums.
        deal_reporting_refresh()
    with_etag(response, row.version)
    return company_out(row)
