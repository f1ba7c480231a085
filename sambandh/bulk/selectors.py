"""Reads of bulk jobs: only their actor, and administrators, see one (anyone else gets a 404,
as for a record they may not see)."""

from __future__ import annotations

from typing import Any

from django.urls import NoReverseMatch
from django.utils.translation import gettext as _

from sambandh.bulk.models import BulkItem, BulkJob
from sambandh.core import registry
from sambandh.core.errors import NotFound, ValidationFailed
from sambandh.core.listing import ListQuery
from sambandh.core.pagination import Page, paginate


def job_get(*, viewer: Any, job_id: int) -> BulkJob:
    job = BulkJob.objects.filter(pk=job_id).first()
    if job is None or not (job.actor_id == viewer.pk or getattr(viewer, "is_admin", False)):
        raise NotFound(_("No such job."))
    return job


def job_undone_by(*, job: BulkJob) -> BulkJob | None:
    """The job that undid ``job``, if any."""
    return job.undos.order_by("id").first()


def job_outcomes(
    *, job: BulkJob, outcome: str | None = None, limit: int = 50, cursor: str | None = None
) -> Page[BulkItem]:
    """The job's per-record outcomes in the order they were selected (``outcome``: only those
    changed, skipped, failed or pending)."""
    items = BulkItem.objects.filter(job=job)
    if outcome:
        if outcome not in BulkItem.Outcome.values:
            choose = _("Choose changed, skipped, failed or pending.")
            raise ValidationFailed(fields={"outcome": choose})
        items = items.filter(outcome=outcome)
    return paginate(items, order=["id"], limit=limit, cursor=cursor)


def shown_names(*, viewer: Any, job: BulkJob, items: list[BulkItem]) -> dict[int, tuple[str, str]]:
    """The name and page of each item's record that the viewer may see now (none for the
    others: a job's page never names a record its reader may not see)."""
    rt = registry.find(job.record_type)
    if rt is None or rt.list_matching is None or not items:
        return {}
    ids = [i.record_id for i in items]
    records = rt.list_matching(viewer=viewer, query=ListQuery()).filter(pk__in=ids)
    found = {}
    for record in records:
        try:
            url = rt.url(record.pk)
        except NoReverseMatch:  # a type without a page of its own
            url = ""
        found[record.pk] = (str(record), url)
    return found
