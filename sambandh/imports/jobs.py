"""The imports' scheduled jobs. The sweep that keeps imports from being lost: an import whose
task should have started and did not, or whose worker died holding it, is put on the queue
again (events/leased.py); it resumes after its last committed row (engine/runner.py). The purge
of uploads nobody imported (services_purge.py)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from sambandh.events import leased
from sambandh.events.jobs import JobContext, scheduled_job
from sambandh.imports.models import ImportJob


@scheduled_job(
    "imports.resume_stalled", every="minute", label=gettext_lazy("Resume stalled imports")
)
def resume_stalled(context: JobContext) -> str:
    from sambandh.imports.tasks import run_import_job

    resumed = leased.resume_stalled(ImportJob, run_import_job, now=context.now)
    return f"{resumed} imports resumed"


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
