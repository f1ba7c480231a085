"""/api/v1/<records>/bulk (one router per record type that declares bulk actions) and
/api/v1/jobs/{id}: thin endpoints over bulk.services and bulk.selectors."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Status

from sambandh.accounts import scopes
from sambandh.accounts.selectors import acting_user as viewer
from sambandh.bulk import selectors, services
from sambandh.bulk.models import BulkJob
from sambandh.bulk.schemas import BulkIn, BulkJobCreated, BulkJobOut, OutcomeFilters
from sambandh.core import registry
from sambandh.core.api import ErrorOut, page_out
from sambandh.core.pagination import clamp_limit

ERRORS: dict[int, Any] = {k: ErrorOut for k in (401, 403, 404, 413, 422)}


def created(job: BulkJob) -> Status:
    return Status(202, {"id": job.pk, "status": job.status, "total": job.total})


def bulk_router(rt: registry.RecordType) -> Router:
    """``POST /api/v1/<api_path>/bulk`` for one record type."""
    router = Router(tags=["bulk"])
    key = rt.key

    @router.post(
        "/bulk",
        response={202: BulkJobCreated, **ERRORS},
        operation_id=f"bulk_{key}",
        summary=f"Bulk action on {rt.label_plural}",
    )
    def start(request: HttpRequest, payload: BulkIn) -> Any:
        """Select records by ``ids`` or by ``filter`` and act on every one you may change:
        ``assign`` (``owner_id``), ``update`` (``values``, as the PATCH body names them),
        ``tag`` or ``untag`` (``tags``), ``share`` (``user_id`` or ``team_id``, and
        ``access``: read or edit), ``delete``. Answers the job at once (202); the worker runs it,
        and ``GET /api/v1/jobs/{id}`` tells its progress and each record's outcome."""
        job = services.bulk_job_start(
            actor=viewer(request),
            record_type=key,
            action=payload.action,
            ids=payload.ids,
            filters=payload.filter,
            owner_id=payload.owner_id,
            values=payload.values,
            tags=payload.tags,
            user_id=payload.user_id,
            team_id=payload.team_id,
            access=payload.access,
        )
        return created(job)

    return router


#: /api/v1/jobs
router = Router(tags=["bulk"])


def job_out(job: BulkJob, filters: OutcomeFilters) -> dict[str, Any]:
    page = selectors.job_outcomes(
        job=job, outcome=filters.outcome, limit=clamp_limit(filters.limit), cursor=filters.cursor
    )
    undone_by = selectors.job_undone_by(job=job)
    return {
        "id": job.pk,
        "record_type": job.record_type,
        "action": job.action,
        "status": job.status,
        "total": job.total,
        "processed": job.processed,
        "changed": job.changed,
        "skipped": job.skipped,
        "failed": job.failed,
        "created_at": job.created_at,
        "started_at": job.started_at,
        "finished_at": job.finished_at,
        "undo_of": job.undo_of_id,
        "undone_by": undone_by.pk if undone_by else None,
        "outcomes": page_out(
            page,
            lambda i: {"record_id": i.record_id, "outcome": i.outcome, "reason": i.reason},
        ),
    }


@router.get("/{id:job_id}", response={200: BulkJobOut, **ERRORS})
def get_job(request: HttpRequest, job_id: int, filters: Query[OutcomeFilters]) -> Any:
    """A bulk job's status, its counts and its records' outcomes (a page; ``?outcome=skipped``
    for the skipped ones and why). Only its actor and administrators see it."""
    job = selectors.job_get(viewer=viewer(request), job_id=job_id)
    scopes.ensure_token_covers(request, job.record_type, write=False)
    return job_out(job, filters)


@router.post("/{id:job_id}/undo", response={202: BulkJobCreated, **ERRORS})
def undo_job(request: HttpRequest, job_id: int) -> Any:
    """Undo a finished bulk job, as a new job: each record it changed gets back what it held
    before, unless someone changed it since (then it is skipped, and says so)."""
    job = selectors.job_get(viewer=viewer(request), job_id=job_id)
    scopes.ensure_token_covers(request, job.record_type, write=True)
    return created(services.bulk_job_undo(actor=viewer(request), job=job))
