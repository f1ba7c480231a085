"""Writes an administrator makes to background work: retrying a handler run that failed."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from sambandh.accounts import policy
from sambandh.core.audit import audit_record
from sambandh.core.errors import Conflict, NotFound
from sambandh.events import runs
from sambandh.events.models import HandlerRun, RunStatus


class NotFailed(Conflict):
    """A retry of a handler run that has not failed (it is pending, running or succeeded)."""

    code = "not_failed"


@transaction.atomic
def handler_run_retry(*, actor: Any, run_id: int) -> HandlerRun:
    """Give a failed handler run a fresh set of attempts, due now; the worker runs it next."""
    policy.ensure_admin(actor)
    run = HandlerRun.objects.select_for_update().filter(pk=run_id).first()
    if run is None:
        raise NotFound(_("No such handler run."))
    if run.status != RunStatus.FAILED:
        raise NotFailed(_("Only a failed handler run can be retried."))
    runs.retry_now(run)
    audit_record(
        actor=actor,
        action="update",
        record_type="handler_run",
        record_id=run.pk,
        changes={"status": [RunStatus.FAILED, RunStatus.PENDING]},
        summary=run.handler,
    )
    run.refresh_from_db()
    return run
