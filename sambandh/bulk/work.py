"""The work of each bulk action on one batch of a job's items (runner.py runs the batches):
each record through its own app's service (``registry`` hooks: ``update``, ``reassign``,
``delete``; the shares service for a share), with the version it was read at, in a savepoint of
its own, so that a refusal or a failure is that record's outcome and undoes only that record.
"""

from __future__ import annotations

import datetime
import decimal
import logging
from collections import defaultdict
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from sambandh.accounts import policy
from sambandh.accounts.models import User
from sambandh.bulk.models import BulkItem, BulkJob
from sambandh.bulk.services import not_found_reason
from sambandh.core import registry
from sambandh.core.errors import Conflict, ServiceError
from sambandh.core.listing import ListQuery

logger = logging.getLogger("sambandh.bulk")

#: Records changed one at a time through their service, per transaction.
BATCH = 50
#: Records a type's batch service (``reassign_many``) hands over in one go (on the large data
#: set, 1,000 a batch took a bulk assign of 100,000 people from 66 s to 50 s against 500).
FAST_BATCH = 1000
Outcome = BulkItem.Outcome


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


class ShareWork(Work):
    """Shares each record the actor may share (the policy's ``can_share``: its owner, their
    manager, an administrator) with the job's user or team, through the shares service (its
    audit row and its "<type>.shared" event, marked as the job's so that the recipient is told
    once, for the whole job). A record already shared so is skipped; one shared with other
    access gets the job's, and its undo puts the old access back."""

    def __init__(self, job: BulkJob, rt: registry.RecordType) -> None:
        from sambandh.accounts.models import Team

        super().__init__(job, rt)
        user_id, team_id = self.params.get("user_id"), self.params.get("team_id")
        self.user = User.objects.filter(pk=user_id).first() if user_id else None
        self.team = Team.objects.filter(pk=team_id).first() if team_id else None
        self.access = self.params.get("access") or "read"

    def allowed(self, items: list[BulkItem]) -> list[tuple[BulkItem, Any]]:
        found, _editable = self.records(items)
        chosen = []
        for item in items:
            record = found.get(item.record_id)
            if record is None:
                _skipped(item, not_found_reason())
            elif not policy.can_share(self.actor, record):
                _skipped(item, _("Only its owner, their manager or an administrator can share it."))
            else:
                chosen.append((item, record))
        return chosen

    def apply(self, item: BulkItem, record: Any) -> None:
        from sambandh.accounts.models import RecordShare
        from sambandh.accounts.services_access import record_share_add

        if self.user is None and self.team is None:
            _skipped(item, _("The user or team to share with no longer exists."))
            return
        if self.user is not None and record.owner_id == self.user.pk:
            _skipped(item, _("It belongs to %(name)s.") % {"name": self.user})
            return
        existing = RecordShare.objects.filter(
            record_type=self.rt.key, record_id=record.pk, user=self.user, team=self.team
        ).first()
        if existing is not None and existing.can_edit == (self.access == "edit"):
            _skipped(item, _("Already shared with %(name)s.") % {"name": self.user or self.team})
            return
        share = record_share_add(
            actor=self.actor,
            record_type=self.rt.key,
            record=record,
            user=self.user,
            team=self.team,
            access=self.access,
            bulk_job_id=self.job.pk,
        )
        previous = None if existing is None else ("edit" if existing.can_edit else "read")
        _changed(item, {"share_id": share.pk, "access": previous, "set": self.access}, None)


class ShareUndoWork(Work):
    """Undoes a bulk share: removes each share the job added, or puts back the access of one
    it changed, unless the share was removed or its access changed since (left as it is)."""

    def allowed(self, items: list[BulkItem]) -> list[tuple[BulkItem, Any]]:
        found = self.rt.model._default_manager.in_bulk([i.record_id for i in items])
        chosen = []
        for item in items:
            record = found.get(item.record_id)
            if record is None:
                _skipped(item, not_found_reason())
            else:
                chosen.append((item, record))
        return chosen

    def apply(self, item: BulkItem, record: Any) -> None:
        from sambandh.accounts.models import RecordShare
        from sambandh.accounts.services_access import record_share_add, record_share_remove

        restore = item.restore or {}
        share_id = restore.get("share_id")
        share = RecordShare.objects.filter(
            pk=share_id if isinstance(share_id, int) else 0,
            record_type=self.rt.key,
            record_id=record.pk,
        ).first()
        if share is None:
            _skipped(item, _("No longer shared: nothing to undo."))
            return
        if share.can_edit != (restore.get("set") == "edit"):
            _skipped(item, _("Its access was changed since the bulk action: left as it is."))
            return
        if restore.get("access") is None:
            record_share_remove(
                actor=self.actor, record_type=self.rt.key, record=record, share_id=share.pk
            )
        else:
            record_share_add(
                actor=self.actor,
                record_type=self.rt.key,
                record=record,
                user=share.user,
                team=share.team,
                access=restore["access"],
                bulk_job_id=self.job.pk,
            )
        _changed(item, None, None)


WORK: dict[str, type[Work]] = {
    BulkJob.Action.UPDATE: UpdateWork,
    BulkJob.Action.ASSIGN: AssignWork,
    BulkJob.Action.TAG: TagWork,
    BulkJob.Action.UNTAG: TagWork,
    BulkJob.Action.DELETE: DeleteWork,
    BulkJob.Action.SHARE: ShareWork,
    BulkJob.Action.UNDO: UndoWork,
}
#: The undo of an action that is not a change of fields.
UNDO_WORK: dict[str, type[Work]] = {
    BulkJob.Action.DELETE: BinUndoWork,
    BulkJob.Action.SHARE: ShareUndoWork,
}


def work_for(job: BulkJob) -> type[Work]:
    if job.action == BulkJob.Action.UNDO:
        return UNDO_WORK.get((job.parameters or {}).get("action", ""), UndoWork)
    return WORK[job.action]
