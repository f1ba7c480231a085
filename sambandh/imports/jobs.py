"""The sweep that keeps imports from being lost: an import whose task should have started and
did not, or whose worker died holding it (its lease ran out), is put on the queue again; it
resumes after its last committed row (engine/runner.py)."""

from __future__ import annotations

import datetime

from django.db.models import Q
from django.utils.translation import gettext_lazy

from sambandh.events.jobs import JobContext, scheduled_job
from sambandh.imports.models import ImportJob

GRACE = datetime.timedelta(minutes=1)
WAITING = datetime.timedelta(minutes=5)


@scheduled_job(
    "imports.resume_stalled", every="minute", label=gettext_lazy("Resume stalled imports")
)
def resume_stalled(context: JobContext) -> str:
    from sambandh.imports.tasks import run_import_job

    now = context.now
    never = Q(nudged_at__isnull=True)
    waiting = Q(status=ImportJob.Status.PENDING) & (never | Q(nudged_at__lt=now - WAITING))
    lost = Q(status=ImportJob.Status.RUNNING, lease_until__lt=now) & (
        never | Q(nudged_at__lt=now - GRACE)
    )
    stalled = list(ImportJob.objects.filter(waiting | lost).values_list("pk", flat=True)[:100])
    for job_id in stalled:
        run_import_job.enqueue(job_id)
    ImportJob.objects.filter(pk__in=stalled).update(nudged_at=now)
    return f"{len(stalled)} imports resumed"


@scheduled_job(
    "imports.purge_abandoned",
    every="hourly",
    minute=17,
    label=gettext_lazy("Delete abandoned import uploads"),
)
def purge_abandoned(context: JobContext) -> str:
    """Delete the uploads (and the imports asked for) never started within a day (by default;
    IMPORT_ABANDONED_HOURS): see services_purge.py."""
    from sambandh.imports.services_purge import abandoned_uploads_purge

    done = abandoned_uploads_purge(now=context.now)
    return f"{done.files} files and {done.jobs} imports deleted"
