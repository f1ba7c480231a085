"""The sweep that keeps imports from being lost: an import whose task should have started and
did not, or whose worker died holding it, is put on the queue again (events/leased.py); it
resumes after its last committed row (engine/runner.py)."""

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
