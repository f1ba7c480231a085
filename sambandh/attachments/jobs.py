"""The attachments' scheduled job: each night, remove stored files no attachment names (an
upload whose transaction was rolled back after its file was written)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from sambandh.attachments.services import attachments_sweep_orphans
from sambandh.events.jobs import JobContext, scheduled_job


@scheduled_job(
    "attachments.sweep_orphans",
    every="daily",
    at="03:10",
    label=gettext_lazy("Remove orphaned files"),
)
def sweep_orphans(context: JobContext) -> str:
    return f"{attachments_sweep_orphans(now=context.now)} removed"
