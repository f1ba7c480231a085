"""Writes an administrator makes to background work: retrying a handler run that failed."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from sambandh.accounts import policy
from sambandh.core.audit import audit_record
from sambandh.core.errors import Conflict, NotFound
from sambandh.events import runs
from sambandh.events.models import Event, HandlerRun, RunStatus


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


#: Stored data, not interface text: an erased value in an event's payload.
ERASED = "[erased]"


def _keeps(key: str, value: Any) -> bool:
    """Ids of other records and users (the user a record was assigned to) stay: handlers
    still due may read them, and they say nothing about the erased person."""
    if not (key.endswith("_id") or key.endswith("_ids")):
        return False
    values = value if isinstance(value, list) else [value]
    return all(isinstance(v, int) and not isinstance(v, bool) for v in values)


def event_payloads_erase(*, refs: list[tuple[str, list[int]]]) -> int:
    """A data-subject erasure's change of the event log (sambandh/privacy/erasure.py): the
    payloads (``data``) of the events about the erased records lose their values (each becomes
    "[erased]", ids of other records aside); the type, record, actor, time and field names
    stay. ``refs``: (record type, ids). In the caller's transaction; answers how many events
    changed."""
    from django.db.models import Q

    where = Q()
    for record_type, ids in refs:
        if ids:
            where |= Q(record_type=record_type, record_id__in=ids)
    if not where:
        return 0
    done = 0
    for pk, data in Event.objects.filter(where).values_list("pk", "data").iterator():
        if not isinstance(data, dict) or not data:
            continue
        blank = {k: (v if _keeps(k, v) else ERASED) for k, v in data.items()}
        if blank != data:
            Event.objects.filter(pk=pk).update(data=blank)
            done += 1
    return done
