"""/api/v1/privacy: data-subject requests (access, correction, erasure), the access export
(downloadable once), retention policies with their dry-run reports, and the privacy settings.
Administrators only: anyone else gets 403."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema, Status
from pydantic import AwareDatetime, Field

from sambandh.accounts import policy
from sambandh.accounts.selectors import acting_user as viewer
from sambandh.core.api import ErrorOut, StrictSchema
from sambandh.core.ids import RecordId
from sambandh.core.inputs import NOT_SENT, NotSent
from sambandh.privacy import retention, selectors, services
from sambandh.privacy.models import DataSubjectRequest, RetentionPolicy, RetentionRun

router = Router(tags=["privacy"])
ERRORS: dict[int, Any] = {k: ErrorOut for k in (401, 403, 404, 409, 410, 422)}


class RequestIn(StrictSchema):
    type: Literal["access", "correction", "erasure"]
    person_id: RecordId
    regime: Literal["gdpr", "ccpa", "lgpd", "dpdp"] | None = Field(
        None, description="The law; by default the one the person's residency suggests, else gdpr."
    )
    received_at: AwareDatetime | None = Field(None, description="When it was received (now).")
    notes: str = Field("", max_length=10_000)


class RequestOut(Schema):
    id: int
    version: int
    type: str
    regime: str
    person_id: int | None
    status: str
    received_at: datetime
    due_on: date
    overdue: bool
    notes: str
    created_at: datetime
    completed_at: datetime | None
    export_ready: bool
    export_downloaded_at: datetime | None
    outcome: dict[str, Any]
    error: str


class RequestPage(Schema):
    items: list[RequestOut]
    next: str | None


class RequestFilters(Schema):
    overdue: bool = False
    status: Literal["received", "in_progress", "ready", "done", "failed"] | None = None
    limit: int = Field(50, ge=1, le=200)
    # An offset: at most nine digits (a larger one names no page, and would overflow the
    # database's integer).
    cursor: str | None = Field(None, max_length=9, pattern=r"^\d{1,9}$")


class CompleteIn(StrictSchema):
    notes: str = Field("", max_length=10_000)
    version: int | None = None


class VersionIn(StrictSchema):
    version: int | None = None


def _request_out(r: DataSubjectRequest) -> dict[str, Any]:
    return {
        "id": r.pk,
        "version": r.version,
        "type": r.type,
        "regime": r.regime,
        "person_id": r.person_id,
        "status": r.status,
        "received_at": r.received_at,
        "due_on": r.due_on,
        "overdue": selectors.is_overdue(r),
        "notes": r.notes,
        "created_at": r.created_at,
        "completed_at": r.completed_at,
        "export_ready": r.status == DataSubjectRequest.Status.READY and bool(r.export_file),
        "export_downloaded_at": r.export_downloaded_at,
        "outcome": r.outcome or {},
        "error": r.error,
    }


@router.get("/requests", response={200: RequestPage, **ERRORS})
def list_requests(request: HttpRequest, filters: Query[RequestFilters]) -> Any:
    """The requests, nearest deadline first; ``overdue=true``: only open ones past it."""
    qs = selectors.request_list(
        viewer=viewer(request), overdue=filters.overdue, status=filters.status or ""
    )
    start = int(filters.cursor or 0)
    rows = list(qs[start : start + filters.limit + 1])
    more = len(rows) > filters.limit
    return {
        "items": [_request_out(r) for r in rows[: filters.limit]],
        "next": str(start + filters.limit) if more else None,
    }


@router.post("/requests", response={201: RequestOut, **ERRORS})
def create_request(request: HttpRequest, payload: RequestIn) -> Any:
    """Record a request; its deadline follows the law (GDPR one month, CCPA 45 days, LGPD 15
    days, DPDP the company's notified days). An access request's export is built in the
    background: ``export_ready`` tells when it can be downloaded."""
    created = services.request_create(
        actor=viewer(request),
        type=payload.type,
        person_id=payload.person_id,
        regime=payload.regime,
        received_at=payload.received_at,
        notes=payload.notes,
    )
    return Status(201, _request_out(created))


@router.get("/requests/{id:request_id}", response={200: RequestOut, **ERRORS})
def get_request(request: HttpRequest, request_id: int) -> Any:
    return _request_out(selectors.request_get(viewer=viewer(request), request_id=request_id))


@router.get("/requests/{id:request_id}/export", response={200: None, **ERRORS})
def download_export(request: HttpRequest, request_id: int) -> Any:
    """The access export (a zip of JSON and CSV files), once: a second download answers 410
    and is recorded in the audit trail; 409 while it is being built."""
    user = viewer(request)
    found = selectors.request_get(viewer=user, request_id=request_id)
    name, data = services.export_download(actor=user, request=found)
    response = HttpResponse(data, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


@router.post("/requests/{id:request_id}/erase", response={200: RequestOut, **ERRORS})
def erase(request: HttpRequest, request_id: int, payload: VersionIn) -> Any:
    """Carry out an erasure request (irreversible): see docs/privacy.md."""
    user = viewer(request)
    found = selectors.request_get(viewer=user, request_id=request_id)
    return _request_out(services.request_erase(actor=user, request=found, version=payload.version))


@router.post("/requests/{id:request_id}/complete", response={200: RequestOut, **ERRORS})
def complete(request: HttpRequest, request_id: int, payload: CompleteIn) -> Any:
    """Close a correction request once the person's record is corrected."""
    user = viewer(request)
    found = selectors.request_get(viewer=user, request_id=request_id)
    done = services.request_complete(
        actor=user, request=found, notes=payload.notes, version=payload.version
    )
    return _request_out(done)


# --- retention --------------------------------------------------------------------------------
class PolicyIn(StrictSchema):
    record_type: str = Field(max_length=40)
    region: str = Field("", max_length=10, description='A residency tag ("eu"), or "" for any.')
    days: int = Field(ge=1, le=retention.MAX_DAYS, description="Days without activity.")
    action: Literal["delete", "anonymize"]


class PolicyPatch(StrictSchema):
    record_type: str | NotSent = Field(default=NOT_SENT, max_length=40)
    region: str | NotSent = Field(default=NOT_SENT, max_length=10)
    days: int | NotSent = Field(default=NOT_SENT, ge=1, le=retention.MAX_DAYS)
    action: Literal["delete", "anonymize"] | NotSent = Field(default=NOT_SENT)
    enabled: bool | NotSent = Field(default=NOT_SENT, description="Needs a dry run first.")
    version: int | None = None


class RunOut(Schema):
    id: int
    dry_run: bool
    at: datetime
    matched: int
    done: int
    record_ids: list[int]
    failures: list[Any]


class PolicyOut(Schema):
    id: int
    version: int
    record_type: str
    region: str
    days: int
    action: str
    enabled: bool
    created_at: datetime
    last_dry_run: RunOut | None
    last_run: RunOut | None


def _run_out(run: RetentionRun | None) -> dict[str, Any] | None:
    if run is None:
        return None
    return {
        "id": run.pk,
        "dry_run": run.dry_run,
        "at": run.at,
        "matched": run.matched,
        "done": run.done,
        "record_ids": run.record_ids,
        "failures": run.failures,
    }


def _policy_out(p: RetentionPolicy) -> dict[str, Any]:
    return {
        "id": p.pk,
        "version": p.version,
        "record_type": p.record_type,
        "region": p.region,
        "days": p.days,
        "action": p.action,
        "enabled": p.enabled,
        "created_at": p.created_at,
        "last_dry_run": _run_out(selectors.latest_run(p, dry_run=True)),
        "last_run": _run_out(selectors.latest_run(p, dry_run=False)),
    }


@router.get("/retention-policies", response={200: list[PolicyOut], **ERRORS})
def list_policies(request: HttpRequest) -> Any:
    return [_policy_out(p) for p in selectors.policy_list(viewer=viewer(request))]


@router.post("/retention-policies", response={201: PolicyOut, **ERRORS})
def create_policy(request: HttpRequest, payload: PolicyIn) -> Any:
    """A new policy, off: run a dry run, read its report, then enable it."""
    p = retention.policy_create(actor=viewer(request), data=payload.model_dump())
    return Status(201, _policy_out(p))


@router.get("/retention-policies/{id:policy_id}", response={200: PolicyOut, **ERRORS})
def get_policy(request: HttpRequest, policy_id: int) -> Any:
    return _policy_out(selectors.policy_get(viewer=viewer(request), policy_id=policy_id))


@router.patch("/retention-policies/{id:policy_id}", response={200: PolicyOut, **ERRORS})
def update_policy(request: HttpRequest, policy_id: int, payload: PolicyPatch) -> Any:
    """Change a policy; a change of what it does turns it off until a new dry run."""
    user = viewer(request)
    p = selectors.policy_get(viewer=user, policy_id=policy_id)
    data = {k: v for k, v in payload.model_dump().items() if v is not NOT_SENT and k != "version"}
    return _policy_out(retention.policy_update(actor=user, p=p, data=data, version=payload.version))


@router.delete("/retention-policies/{id:policy_id}", response={204: None, **ERRORS})
def delete_policy(request: HttpRequest, policy_id: int) -> Any:
    user = viewer(request)
    retention.policy_delete(actor=user, p=selectors.policy_get(viewer=user, policy_id=policy_id))
    return Status(204, None)


@router.post("/retention-policies/{id:policy_id}/dry-run", response={200: RunOut, **ERRORS})
def dry_run(request: HttpRequest, policy_id: int) -> Any:
    """What the policy would delete or anonymize now: counts and ids; nothing is changed."""
    user = viewer(request)
    p = selectors.policy_get(viewer=user, policy_id=policy_id)
    return _run_out(retention.retention_dry_run(actor=user, p=p))


# --- settings ---------------------------------------------------------------------------------
class SettingsOut(Schema):
    dpdp_days: int
    export_rules: dict[str, list[str]]
    version: int


class SettingsIn(StrictSchema):
    dpdp_days: int | None = Field(None, ge=1, le=365)
    export_rules: dict[str, list[str]] | None = Field(
        None, description='{residency: [roles allowed to export it]}, e.g. {"eu": ["admin"]}.'
    )


def _settings_out() -> dict[str, Any]:
    s = selectors.privacy_settings()
    return {"dpdp_days": s.dpdp_days, "export_rules": s.export_rules or {}, "version": s.version}


@router.get("/settings", response={200: SettingsOut, **ERRORS})
def get_settings(request: HttpRequest) -> Any:
    policy.ensure_admin(viewer(request))
    return _settings_out()


@router.put("/settings", response={200: SettingsOut, **ERRORS})
def put_settings(request: HttpRequest, payload: SettingsIn) -> Any:
    services.settings_update(
        actor=viewer(request), dpdp_days=payload.dpdp_days, export_rules=payload.export_rules
    )
    return _settings_out()
