"""The retention policies' scheduled job: each day, every enabled policy runs, and every policy
not yet enabled gets a fresh dry-run report (what it would do), for an admin to read before
enabling it."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from sambandh.events.jobs import JobContext, scheduled_job
from sambandh.privacy.retention import retention_run_all


@scheduled_job(
    "privacy.retention", every="daily", at="03:40", label=gettext_lazy("Apply retention policies")
)
def apply_retention(context: JobContext) -> str:
    runs, done = retention_run_all(now=context.now)
    return f"{runs} policies, {done} records"
