"""The platform's own scheduled jobs."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.utils.translation import gettext_lazy

from sambandh.events.jobs import JobContext, scheduled_job
from sambandh.events.models import HandlerRun, JobRun, RunStatus


@scheduled_job(
    "events.purge_finished", every="nightly", label=gettext_lazy("Purge finished background work")
)
def purge_finished(context: JobContext) -> str:
    """Delete what is finished and old: task rows, succeeded handler runs and job runs older
    than EVENTS_KEEP_DAYS (failed ones are kept for an admin to see and retry). Events stay:
    they are the log that later readers (webhooks, analytics) read."""
    from django_tasks_db.models import DBTaskResult

    cutoff = context.now - datetime.timedelta(days=int(settings.EVENTS_KEEP_DAYS))
    tasks, _ = DBTaskResult.objects.finished().filter(finished_at__lt=cutoff).delete()
    runs, _ = HandlerRun.objects.filter(status=RunStatus.SUCCEEDED, finished_at__lt=cutoff).delete()
    jobs, _ = JobRun.objects.filter(status=RunStatus.SUCCEEDED, finished_at__lt=cutoff).delete()
    return f"{tasks} tasks, {runs} handler runs, {jobs} job runs"
