"""The sweep that keeps bulk jobs from being lost: a job whose task should have started and did
not (its enqueue rolled back with a crash, or its task row was purged), or whose worker died
holding it (its lease ran out), is put on the queue again. The job's claim (runner.py) makes a
second task for a job harmless."""

from __future__ import annotations

import datetime

from django.db.models import Q
from django.utils.translation import gettext_lazy

from sambandh.bulk.models import BulkJob
from sambandh.events.jobs import JobContext, scheduled_job

#: How long a running job's task may go without news before it counts as lost (its lease has
#: run out too), and how long a job may wait in the queue (behind a long job, say) before it is
#: enqueued again: a second task for it is harmless, but pointless while the first still waits.
GRACE = datetime.timedelta(minutes=1)
WAITING = datetime.timedelta(minutes=5)


@scheduled_job(
    "bulk.resume_stalled", every="minute", label=gettext_lazy("Resume stalled bulk actions")
)
def resume_stalled(context: JobContext) -> str:
    from sambandh.bulk.tasks import run_bulk_job

    now = context.now
    never = Q(nudged_at__isnull=True)
    waiting = Q(status=BulkJob.Status.PENDING) & (never | Q(nudged_at__lt=now - WAITING))
    lost = Q(status=BulkJob.Status.RUNNING, lease_until__lt=now) & (
        never | Q(nudged_at__lt=now - GRACE)
    )
    stalled = list(BulkJob.objects.filter(waiting | lost).values_list("pk", flat=True)[:100])
    for job_id in stalled:
        run_bulk_job.enqueue(job_id)
    BulkJob.objects.filter(pk__in=stalled).update(nudged_at=now)
    return f"{len(stalled)} jobs resumed"
