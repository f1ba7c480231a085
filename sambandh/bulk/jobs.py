"""The sweep that keeps bulk jobs from being lost: a job whose task should have started and did
not, or whose worker died holding it, is put on the queue again (events/leased.py)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from sambandh.bulk.models import BulkJob
from sambandh.events import leased
from sambandh.events.jobs import JobContext, scheduled_job


@scheduled_job(
    "bulk.resume_stalled", every="minute", label=gettext_lazy("Resume stalled bulk actions")
)
def resume_stalled(context: JobContext) -> str:
    from sambandh.bulk.tasks import run_bulk_job

    resumed = leased.resume_stalled(BulkJob, run_bulk_job, now=context.now)
    return f"{resumed} jobs resumed"
