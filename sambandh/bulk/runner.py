"""Running a bulk job, in the worker (tasks.run_bulk_job).

The job is claimed as a handler run is (events/runs.py): one conditional UPDATE sets a lease
and a token, so two workers never run it at once and a dead worker's job is taken over when its
lease runs out (jobs.py puts it back on the queue). Its records are then changed batch by
batch, oldest item first:

- each record through its own app's service (``registry`` hooks: ``update``, ``reassign``),
  with the version it was read at, in a savepoint of its own: a refusal (the policy, a field
  rule, a stale version) or a failure is that record's outcome and undoes only that record;
- the batch's outcomes and the job's counters commit in the batch's transaction, with the
  records' changes, and only while the token is still the job's: a job stopped halfway is never
  half-written, and a record is never changed twice;
- a type that declares ``reassign_many`` has its owner changes made a batch at a time, each
  record still its own write (version, audit row, event), in a few statements.
"""

from __future__ import annotations

import datetime
import decimal
import json
import logging
import secrets
import traceback
from collections import Counter, defaultdict
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import translation
from django.utils.translation import gettext as _

from sambandh.accounts import policy
from sambandh.accounts.models import User
from sambandh.bulk.models import BulkItem, BulkJob
from sambandh.bulk.services import not_found_reason
from sambandh.core import registry
from sambandh.core.audit import assignments_muted
from sambandh.core.errors import Conflict, ServiceError
from sambandh.core.listing import ListQuery
from sambandh.events import clock
from sambandh.events.log import record_event

logger = logging.getLogger("sambandh.bulk")

#: Records changed one at a time through their service, per transaction.
BATCH = 50
#: Records a type's batch service (``reassign_many``) hands over in one go.
FAST_BATCH = 500
MAX_ATTEMPTS = 5
Outcome = BulkItem.Outcome


class LeaseLost(Exception):
    """Another worker took the job over after our lease ran out: our batch must not commit."""


def lease() -> datetime.timedelta:
    return datetime.timedelta(seconds=int(getattr(settings, "EVENTS_LEASE_SECONDS", 300)))


# --- outcomes ---------------------------------------------------------------------------------
def _changed(item: BulkItem, before: Any, version: int | None) -> None:
    item.outcome, item.reason, item.before, item.version = Outcome.CHANGED, "", before, version


def _skipped(item: BulkItem, reason: str) -> None:
    item.outcome, item.reason = Outcome.SKIPPED, reason[:500]


def reason_of(exc: ServiceError) -> str:
    """A service's refusal as one line: its message, then what it said of each field."""
    parts = [exc.message, *(f"{k}: {v}" for k, v in exc.fields.items() if v != exc.message)]
    return " ".join(parts)


def _jsonable(value: Any) -> Any:
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    return value


def snapshot(rt: registry.RecordType, record: Any, values: dict[str, Any]) -> dict[str, Any]:
    """What ``record`` holds now of the fields ``values`` names, by the same names: sent back
    through ``update``, it puts them back."""
    out: dict[str, Any] = {}
    for key, value in values.items():
        if key == "tags" and rt.tag_names is not None:
            out[key] = rt.tag_names(record)
        elif key == "custom":
            current = record.custom or {}
            out[key] = {k: current.get(k) for k in value}
        else:
            out[key] = _jsonable(getattr(record, key))
    return out


# --- the work of each action ------------------------------------------------------------------
class Work:
    """Changes one batch of a job's items, each through its record's own service."""

    batch_size = BATCH
    conflict_reason = ""
    #: The columns to read of each record, when not all (None).
    columns: tuple[str, ...] | None = None

    def __init__(self, job: BulkJob, rt: registry.RecordType) -> None:
        self.job, self.rt, self.actor = job, rt, job.actor
        self.params = job.parameters or {}
        self.conflict_reason = _("Changed by someone else while the job ran: left as it is.")

    def records(self, items: list[BulkItem]) -> tuple[dict[int, Any], set[int]]:
        """The items' records the actor may still see, by id, and the ids they may change."""
        assert self.rt.list_matching is not None
        seen = self.rt.list_matching(viewer=self.actor, query=ListQuery())
        seen = seen.filter(pk__in=[i.record_id for i in items])
        if self.columns:
            seen = seen.only(*self.columns)
        found = {r.pk: r for r in seen}
        records = list(found.values())
        if self.rt.editable_among is not None:
            editable = self.rt.editable_among(self.actor, records)
        else:
            editable = policy.editable_among(self.actor, self.rt.key, records)
        return found, editable

    def allowed(self, items: list[BulkItem]) -> list[tuple[BulkItem, Any]]:
        """The items whose record the actor may change, with it; the others skipped."""
        found, editable = self.records(items)
        chosen = []
        for item in items:
            record = found.get(item.record_id)
            if record is None:
                _skipped(item, not_found_reason())
            elif record.pk not in editable:
                _skipped(item, _("You may not change this record."))
            else:
                chosen.append((item, record))
        return chosen

    def run(self, items: list[BulkItem]) -> None:
        for item, record in self.allowed(items):
            self.one(item, record)

    def one(self, item: BulkItem, record: Any) -> None:
        try:
            with transaction.atomic():
                self.apply(item, record)
        except Conflict:
            _skipped(item, self.conflict_reason)
        except ServiceError as exc:
            _skipped(item, reason_of(exc))
        except Exception:  # noqa: BLE001 - one record's failure is its outcome, not the job's
            logger.exception("bulk job %s: record %s failed", self.job.pk, item.record_id)
            item.outcome = Outcome.FAILED
            item.reason = _("Something went wrong on our side; it was left as it was.")

    def apply(self, item: BulkItem, record: Any) -> None:
        raise NotImplementedError

    def update(self, record: Any, values: dict[str, Any], version: int | None) -> Any:
        assert self.rt.update is not None
        return self.rt.update(actor=self.actor, record=record, values=values, version=version)


class UpdateWork(Work):
    def apply(self, item: BulkItem, record: Any) -> None:
        values = self.params["values"]
        before = snapshot(self.rt, record, values)
        changed = self.update(record, values, record.version)
        _changed(item, before, changed.version)


class TagWork(Work):
    def apply(self, item: BulkItem, record: Any) -> None:
        assert self.rt.tag_names is not None
        current = self.rt.tag_names(record)
        tags = self.params["tags"]
        if self.job.action == BulkJob.Action.TAG:
            have = {t.casefold() for t in current}
            new = current + [t for t in tags if t.casefold() not in have]
            unchanged = _("It already has these tags.")
        else:
            drop = {t.casefold() for t in tags}
            new = [t for t in current if t.casefold() not in drop]
            unchanged = _("It has none of these tags.")
        if new == current:
            _skipped(item, unchanged)
            return
        changed = self.update(record, {"tags": new}, record.version)
        _changed(item, {"tags": current}, changed.version)


class AssignWork(Work):
    """Hands records to a user: the owner through ``reassign_many`` a batch at a time when the
    type declares it, else through ``reassign``; another input (an activity's assignee)
    through ``update``."""

    def __init__(self, job: BulkJob, rt: registry.RecordType) -> None:
        super().__init__(job, rt)
        self.key = rt.assign_input
        self.fast = rt.reassign_many is not None and self.key == "owner_id"
        self.batch_size = FAST_BATCH if self.fast else BATCH
        # The batch service locks and reads the rows itself: the policy needs only the owner.
        self.columns = ("id", "owner_id") if self.fast else None

    def owner(self, user_id: int) -> User | None:
        return User.objects.filter(pk=user_id).first()

    def already(self, user: Any) -> str:
        return _("Already assigned to %(name)s.") % {"name": user}

    def assign(self, record: Any, user: Any, version: int | None) -> Any:
        if self.key == "owner_id" and self.rt.reassign is not None:
            return self.rt.reassign(actor=self.actor, record=record, owner=user, version=version)
        return self.update(record, {self.key: user.pk}, version)

    def apply(self, item: BulkItem, record: Any) -> None:
        user = self.owner(self.params["owner_id"])
        current = getattr(record, self.key)
        if user is None:
            _skipped(item, _("The user to assign them to no longer exists."))
        elif current == user.pk:
            _skipped(item, self.already(user))
        else:
            changed = self.assign(record, user, record.version)
            _changed(item, {self.key: current}, changed.version)

    def run(self, items: list[BulkItem]) -> None:
        if not self.fast:
            return super().run(items)
        user = self.owner(self.params["owner_id"])
        chosen = []
        for item, record in self.allowed(items):
            if user is not None and record.owner_id == user.pk:
                _skipped(item, self.already(user))
            else:
                chosen.append(item)
        if user is None:
            for item in chosen:
                _skipped(item, _("The user to assign them to no longer exists."))
        elif chosen:
            self.many(chosen, user, expected=None)

    def many(self, items: list[BulkItem], user: Any, expected: dict[int, int] | None) -> None:
        """``reassign_many`` on these items' records, in a savepoint; when it fails for a
        reason of its own, each record is tried alone, so the failure is only its record's."""
        assert self.rt.reassign_many is not None
        try:
            with transaction.atomic():
                changed, moved_on = self.rt.reassign_many(
                    actor=self.actor,
                    ids=[i.record_id for i in items],
                    owner=user,
                    expected=expected,
                )
        except ServiceError as exc:
            for item in items:
                _skipped(item, reason_of(exc))
            return
        except Exception:  # noqa: BLE001 - retried record by record below
            logger.exception("bulk job %s: a batch reassignment failed", self.job.pk)
            for item, record in self.allowed(items):
                self.one(item, record)
            return
        by_id = {c.record_id: c for c in changed}
        for item in items:
            done = by_id.get(item.record_id)
            if done is not None:
                _changed(item, {"owner_id": done.owner_id}, done.version)
            elif item.record_id in moved_on:
                _skipped(item, self.conflict_reason)
            else:
                _skipped(item, self.already(user))


class UndoWork(AssignWork):
    """Puts back what each record of the undone job held before, through the same services,
    unless its version has moved on since (someone changed it): then it is left alone."""

    def __init__(self, job: BulkJob, rt: registry.RecordType) -> None:
        super().__init__(job, rt)
        self.conflict_reason = _("Changed since the bulk action: left as it is.")
        self.fast = self.fast and self.params.get("action") == BulkJob.Action.ASSIGN
        self.batch_size = FAST_BATCH if self.fast else BATCH
        self.columns = ("id", "owner_id", "version") if self.fast else None

    def allowed(self, items: list[BulkItem]) -> list[tuple[BulkItem, Any]]:
        """Every record still as the undone job left it (its version has not moved on). The
        actor's right to it is the job's: they (or an administrator) changed it then, and
        nobody has since, so putting it back is theirs to do even when the change took it
        out of their hands (a rep who assigned their people to a teammate)."""
        records = self.rt.model._default_manager.all()
        if self.columns:
            records = records.only(*self.columns)
        found = records.in_bulk([i.record_id for i in items])
        chosen = []
        for item in items:
            record = found.get(item.record_id)
            if record is None:
                _skipped(item, not_found_reason())
            elif item.expected_version is not None and record.version != item.expected_version:
                _skipped(item, self.conflict_reason)
            else:
                chosen.append((item, record))
        return chosen

    def apply(self, item: BulkItem, record: Any) -> None:
        restore = item.restore or {}
        version = item.expected_version
        if list(restore) == [self.key]:
            current = getattr(record, self.key)
            user = self.owner(restore[self.key]) if restore[self.key] is not None else None
            if user is None and restore[self.key] is not None:
                _skipped(item, _("The user it belonged to no longer exists."))
                return
            if user is not None:
                changed = self.assign(record, user, version)
                _changed(item, {self.key: current}, changed.version)
                return
        before = snapshot(self.rt, record, restore)
        changed = self.update(record, restore, version)
        _changed(item, before, changed.version)

    def run(self, items: list[BulkItem]) -> None:
        if not self.fast:
            return Work.run(self, items)
        groups: dict[int, list[BulkItem]] = defaultdict(list)
        for item, _record in self.allowed(items):
            groups[(item.restore or {}).get("owner_id") or 0].append(item)
        for user_id, group in groups.items():
            user = self.owner(user_id)
            if user is None:
                for item in group:
                    _skipped(item, _("The user it belonged to no longer exists."))
                continue
            expected = {i.record_id: i.expected_version or 0 for i in group}
            self.many(group, user, expected=expected)


class DeleteWork(Work):
    """Deletes each record through its type's service, which puts it in the recycle bin (an
    entry of its own); the entry is what an undo restores."""

    def apply(self, item: BulkItem, record: Any) -> None:
        from sambandh.recyclebin.selectors import latest_for_record

        assert self.rt.delete is not None
        self.rt.delete(actor=self.actor, record=record, version=record.version)
        entry = latest_for_record(
            viewer=self.actor, record_type=self.rt.key, record_id=item.record_id
        )
        _changed(item, {"bin_entry_id": entry.pk if entry is not None else None}, None)


class BinUndoWork(Work):
    """Undoes a bulk delete: restores each record's recycle bin entry (with everything that
    went with it), unless it was restored or purged since."""

    def run(self, items: list[BulkItem]) -> None:
        for item in items:
            self.one(item, None)

    def apply(self, item: BulkItem, record: Any) -> None:
        from sambandh.recyclebin.services import bin_restore

        entry_id = (item.restore or {}).get("bin_entry_id")
        if not isinstance(entry_id, int):
            _skipped(item, _("It is not in the recycle bin."))
            return
        try:
            bin_restore(actor=self.actor, entry_id=entry_id)
        except Conflict as exc:  # restored already, or its id is taken: say which
            _skipped(item, exc.message)
            return
        _changed(item, None, None)


WORK: dict[str, type[Work]] = {
    BulkJob.Action.UPDATE: UpdateWork,
    BulkJob.Action.ASSIGN: AssignWork,
    BulkJob.Action.TAG: TagWork,
    BulkJob.Action.UNTAG: TagWork,
    BulkJob.Action.DELETE: DeleteWork,
    BulkJob.Action.UNDO: UndoWork,
}


def work_for(job: BulkJob) -> type[Work]:
    if job.action == BulkJob.Action.UNDO and (job.parameters or {}).get("action") == "delete":
        return BinUndoWork
    return WORK[job.action]


# --- the job ----------------------------------------------------------------------------------
def _claim(job_id: int) -> str | None:
    now = clock.now()
    token = secrets.token_hex(16)
    claimable = Q(status=BulkJob.Status.PENDING) | Q(
        status=BulkJob.Status.RUNNING, lease_until__lt=now
    )
    claimed = BulkJob.objects.filter(claimable, pk=job_id).update(
        status=BulkJob.Status.RUNNING,
        token=token,
        lease_until=now + lease(),
        attempts=F("attempts") + 1,
        started_at=Coalesce("started_at", now),
    )
    return token if claimed else None


def _save_outcomes(items: list[BulkItem]) -> None:
    """Every item's outcome in one UPDATE from a VALUES list (Django's bulk_update builds a
    CASE per field and row: for a batch of 500 that took longer than changing the records)."""
    table = connection.ops.quote_name(BulkItem._meta.db_table)
    rows = ", ".join(["(%s, %s, %s, %s, %s)"] * len(items))
    params: list[Any] = []
    for item in items:
        before = None if item.before is None else json.dumps(item.before)
        params += [item.pk, item.outcome, item.reason, before, item.version]
    if connection.vendor == "postgresql":
        before_value, version_value = "CAST(v.column4 AS jsonb)", "CAST(v.column5 AS integer)"
    else:
        before_value, version_value = "v.column4", "v.column5"
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET outcome = v.column2, reason = v.column3, "  # noqa: S608 - ours
            f"before = {before_value}, version = {version_value} "
            f"FROM (VALUES {rows}) AS v WHERE {table}.id = v.column1",
            params,
        )


def _run_batch(job: BulkJob, token: str, work: Work, after: int) -> int:
    """Change the next batch of the job's records, past the item ``after`` (the last one of
    the batch before: the pending items are read along the (job, id) index from there, not
    from the start each time); answers the batch's last item, 0 when none is left."""
    pending = job.items.filter(outcome=Outcome.PENDING, id__gt=after).order_by("id")
    items = list(pending[: work.batch_size])
    if not items:
        return 0
    with transaction.atomic():
        work.run(items)
        for item in items:
            if item.outcome == Outcome.PENDING:  # an action that forgot one: never loop on it
                item.outcome, item.reason = Outcome.FAILED, _("It was not processed.")
        _save_outcomes(items)
        counts = Counter(item.outcome for item in items)
        kept = BulkJob.objects.filter(pk=job.pk, token=token).update(
            processed=F("processed") + len(items),
            changed=F("changed") + counts[Outcome.CHANGED],
            skipped=F("skipped") + counts[Outcome.SKIPPED],
            failed=F("failed") + counts[Outcome.FAILED],
            lease_until=clock.now() + lease(),
        )
        if not kept:
            raise LeaseLost(job.pk)
    return items[-1].pk


def _end(job: BulkJob, token: str, status: str, error: str = "") -> None:
    BulkJob.objects.filter(pk=job.pk, token=token, status=BulkJob.Status.RUNNING).update(
        status=status, finished_at=clock.now(), lease_until=None, error=error
    )


def execute(job_id: int) -> str:
    """Claim the job and change its records; answers "done", "failed", or "skipped" when the
    job was not ours to run (finished, or claimed by a live worker)."""
    token = _claim(job_id)
    if token is None:
        return "skipped"
    job = BulkJob.objects.select_related("actor").get(pk=job_id)
    if job.attempts > MAX_ATTEMPTS:
        # Claimed again and again after its workers died: stop rather than kill workers forever.
        _end(job, token, BulkJob.Status.FAILED, f"its worker stopped {job.attempts - 1} times")
        return "failed"
    try:
        with translation.override(job.actor.language or settings.LANGUAGE_CODE):
            work = work_for(job)(job, registry.get(job.record_type))
            after = 0
            with assignments_muted():  # the new owner is told once, below
                while after := _run_batch(job, token, work, after):
                    pass
    except LeaseLost:
        logger.warning("bulk job %s: lease lost, its last batch rolled back", job_id)
        return "skipped"
    except Exception as exc:  # noqa: BLE001 - recorded on the job; what committed stays
        logger.exception("bulk job %s failed", job_id)
        _end(job, token, BulkJob.Status.FAILED, "".join(traceback.format_exception(exc))[-4000:])
        return "failed"
    _end(job, token, BulkJob.Status.DONE)
    _tell_assignee(job_id)
    return "done"


def _tell_assignee(job_id: int) -> None:
    """One event for a finished assignment ("<type>.bulk_assigned": the user and how many
    records they got), which the notifications read: not one per record."""
    job = BulkJob.objects.get(pk=job_id)
    user_id = (job.parameters or {}).get("owner_id")
    if job.action != BulkJob.Action.ASSIGN or not job.changed or not isinstance(user_id, int):
        return
    with transaction.atomic():
        record_event(
            type=f"{job.record_type}.bulk_assigned",
            record_type=job.record_type,
            actor=job.actor,
            fields=["owner"],
            data={"user_id": user_id, "count": job.changed, "job_id": job.pk},
        )
