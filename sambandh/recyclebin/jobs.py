"""The recycle bin's scheduled job: each night, purge what has been in the bin for longer than
``RECYCLE_BIN_DAYS`` (each slot runs once: events/jobs.py)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from sambandh.events.jobs import JobContext, scheduled_job
from sambandh.recyclebin.services import bins_purge


@scheduled_job(
    "recyclebin.purge", every="daily", at="02:30", label=gettext_lazy("Empty the recycle bin")
)
def purge_expired(context: JobContext) -> str:
    """Purge the entries deleted more than RECYCLE_BIN_DAYS ago (30 by default)."""
    return f"{bins_purge(now=context.now)} purged"
