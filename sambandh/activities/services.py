"""Writes for activities: notes, calls, meetings, logged emails and tasks."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sambandh.accounts import policy
from sambandh.accounts.models import User
from sambandh.accounts.visibility import visible_q
from sambandh.activities.mentions import record_mentions
from sambandh.activities.models import Activity
from sambandh.activities.schemas import ActivityChange, ActivityIn, TaskIn
from sambandh.core import registry
from sambandh.core.audit import audit_record, diff_fields, record_assigned
from sambandh.core.cleaning import clean_datetime, clean_long_text, clean_text
from sambandh.core.errors import Forbidden, ValidationFailed
from sambandh.core.inputs import NOT_SENT
from sambandh.core.records import FieldErrors, bump_version, lock_for_update
from sambandh.customfields.services import custom_values_clean
from sambandh.recyclebin.services import bin_record


def links() -> dict[str, registry.RecordType]:
    """The input names of an activity's links ("person_id") and the record types they point
    at: one per record type with a timeline."""
    return {f"{rt.activity_link}_id": rt for rt in registry.timeline_types()}


def _aware(value: datetime | None, field: str, errors: FieldErrors) -> datetime | None:
    # The input's type let only a time with its offset through; stored in UTC.
    return None if value is None else errors.run(clean_datetime, value, field=field)


def _assignee(actor: User, assignee_id: int | None, errors: FieldErrors) -> User | None:
    """The user ``assignee_id`` names (None: nobody), if the actor may see them."""
    if assignee_id is None:
        return None
    from sambandh.accounts.selectors import user_get

    assignee = user_get(viewer=actor, user_id=assignee_id)
    if assignee is None:
        errors.add("assignee_id", _("No such user."))
    return assignee


def _clean_activity(
    data: dict[str, Any], actor: User, errors: FieldErrors, instance: Activity | None
) -> dict[str, Any]:
    """The model fields from ``data``: the fields an input sent, by name (``kind`` as the
    write takes it)."""
    out: dict[str, Any] = {}
    if "kind" in data or instance is None:
        kind = data.get("kind")
        if kind not in Activity.Kind.values:
            errors.add("kind", _("Choose note, call, meeting, email or task."))
        elif instance is not None and kind != instance.kind:
            errors.add("kind", _("The kind of an activity cannot change."))
        out["kind"] = kind
    kind = out.get("kind") or (instance.kind if instance else None)
    if "subject" in data:
        out["subject"] = errors.run(clean_text, data["subject"], field="subject", max_length=300)
    if "body" in data:
        out["body"] = errors.run(clean_long_text, data["body"], field="body")
    for name in ("occurred_at", "ends_at", "due_at"):
        if name in data:
            out[name] = _aware(data[name], name, errors)
    if out.get("occurred_at") is None:
        out.pop("occurred_at", None)
    if "duration_seconds" in data and data["duration_seconds"] is not None:
        d = data["duration_seconds"]
        if not isinstance(d, int) or isinstance(d, bool) or not 0 <= d <= 7 * 86400:
            errors.add("duration_seconds", _("Enter a duration from 0 to 7 days, in seconds."))
        out["duration_seconds"] = d
    if "direction" in data:
        if (data["direction"] or "") not in Activity.Direction.values:
            errors.add("direction", _("Choose in or out."))
        out["direction"] = data["direction"] or ""
    if "outcome" in data:
        out["outcome"] = errors.run(clean_text, data["outcome"], field="outcome", max_length=100)
    if "custom" in data or instance is None:
        out["custom"] = errors.run(
            custom_values_clean,
            actor=actor,
            record_type="activity",
            value=data.get("custom"),
            current=instance.custom if instance else None,
            creating=instance is None,
        )
    if "assignee_id" in data:
        assignee = _assignee(actor, data["assignee_id"], errors)
        if assignee is not None and not assignee.is_active:
            errors.add("assignee_id", _("Assign to an active user."))
        out["assignee"] = assignee
    for key, rt in links().items():
        if key not in data:
            continue
        attr = rt.activity_link
        pk = data[key]
        if instance is not None and pk == getattr(instance, f"{attr}_id"):
            continue  # unchanged
        obj = None
        if pk is not None:
            obj = rt.model.objects.filter(visible_q(actor, rt.key), pk=pk).first()
            if obj is None:
                errors.add(key, _("No such record."))
        if instance is not None and not _sees_current_link(actor, instance, rt):
            # A link changes only by someone who sees both ends.
            raise Forbidden(
                _("You cannot change a link to a record you cannot see."),
                fields={key: _("You cannot change this link.")},
            )
        out[attr] = obj
    if kind == Activity.Kind.TASK:
        if instance is None and not out.get("subject"):
            errors.add("subject", _("A task needs a subject."))
    elif kind is not None and instance is None:
        if not any(out.get(rt.activity_link) for rt in links().values()):
            errors.add("person_id", _("Link the activity to a person, organization, deal or lead."))
        if kind == Activity.Kind.NOTE and not out.get("body") and not out.get("subject"):
            errors.add("body", _("A note needs some text."))
    ends, starts = out.get("ends_at"), out.get("occurred_at")
    if ends and starts and ends < starts:
        errors.add("ends_at", _("The end must be after the start."))
    return out


def _sees_current_link(actor: User, instance: Activity, rt: registry.RecordType) -> bool:
    current = getattr(instance, f"{rt.activity_link}_id")
    if current is None:
        return True
    return rt.model.objects.filter(visible_q(actor, rt.key), pk=current).exists()


def _fill_organization(fields: dict[str, Any]) -> None:
    """An activity on a person (or deal) also shows on their organization's timeline."""
    if fields.get("organization") is None:
        person, deal = fields.get("person"), fields.get("deal")
        if person is not None and person.organization_id:
            fields["organization"] = person.organization
        elif deal is not None and deal.organization_id:
            fields["organization"] = deal.organization


def _ensure_may_change(actor: User, activity: Activity) -> None:
    if not policy.can_change_activity(actor, activity):
        raise Forbidden(
            _("Only the author, the assignee, their managers or an admin can change this.")
        )


@transaction.atomic
def activity_create(*, actor: User, data: ActivityIn | TaskIn) -> Activity:
    """A new activity from ``data`` (the API's body or the composer's input); a TaskIn is a
    task, and a task nobody is assigned to is the actor's."""
    policy.ensure_can_write(actor)
    errors = FieldErrors()
    values = data.given()
    if isinstance(data, TaskIn):
        values["kind"] = Activity.Kind.TASK
    fields = _clean_activity(values, actor, errors, None)
    errors.raise_if_any()
    policy.guard_write(actor, "activity", fields=fields)
    _fill_organization(fields)
    if fields["kind"] == Activity.Kind.TASK:
        fields.setdefault("assignee", actor)
        if fields["assignee"] is None:
            fields["assignee"] = actor
    activity = Activity.objects.create(owner=actor, **fields)
    audit_record(
        actor=actor,
        action="create",
        record_type="activity",
        record_id=activity.pk,
        changes={"kind": activity.kind, "subject": activity.subject},
    )
    if activity.kind == Activity.Kind.TASK:
        record_assigned(
            actor=actor,
            record_type="activity",
            record_id=activity.pk,
            user_id=activity.assignee_id,
            field="assignee",
        )
    record_mentions(actor=actor, activity=activity)
    return activity


@transaction.atomic
def activity_update(
    *, actor: User, activity: Activity, data: ActivityChange, version: int | None
) -> Activity:
    """Change the fields ``data`` sent (``done`` marks a task done or not; a ``done`` of None
    leaves it); ``version`` is the one the writer read (None: no check)."""
    policy.ensure_can_write(actor)
    activity = lock_for_update(activity, version)
    _ensure_may_change(actor, activity)
    errors = FieldErrors()
    fields = _clean_activity(data.given(exclude=("done", "version")), actor, errors, activity)
    _keep_sent_email(activity, fields, errors)
    if data.done is not NOT_SENT and data.done is not None:
        if activity.kind != Activity.Kind.TASK:
            errors.add("done", _("Only tasks can be marked done."))
        else:
            fields["done_at"] = (activity.done_at or timezone.now()) if data.done else None
    errors.raise_if_any()
    policy.guard_write(actor, "activity", fields=fields, instance=activity)
    before = f"{activity.subject}\n{activity.body}"
    changes = diff_fields(activity, fields)
    bump_version(activity)
    activity.save()
    audit_record(
        actor=actor, action="update", record_type="activity", record_id=activity.pk, changes=changes
    )
    if "assignee" in changes:
        record_assigned(
            actor=actor,
            record_type="activity",
            record_id=activity.pk,
            user_id=activity.assignee_id,
            field="assignee",
        )
    if "subject" in changes or "body" in changes:
        record_mentions(actor=actor, activity=activity, before=before)
    return activity


#: What a sent email keeps as it went out: its links (person, organization, deal) may change.
_AS_SENT = ("subject", "body", "occurred_at", "direction")


def _keep_sent_email(activity: Activity, fields: dict[str, Any], errors: FieldErrors) -> None:
    """An email sent from the record (it has an outbound email: emails/models.py) stays as it
    went out: its subject, body, time and direction are what the recipient got."""
    if activity.kind != Activity.Kind.EMAIL:
        return
    changed = [k for k in _AS_SENT if k in fields and fields[k] != getattr(activity, k)]
    if changed and Activity.objects.filter(pk=activity.pk, outbound_email__isnull=False).exists():
        for key in changed:
            errors.add(key, _("This email was sent from Sambandh: it stays as it was sent."))


def task_complete(
    *, actor: User, task: Activity, done: bool = True, version: int | None = None
) -> Activity:
    if task.kind != Activity.Kind.TASK:
        raise ValidationFailed(_("Only tasks can be marked done."))
    return activity_update(
        actor=actor, activity=task, data=ActivityChange(done=done), version=version
    )


@transaction.atomic
def note_pin(
    *, actor: User, activity: Activity, pinned: bool, version: int | None = None
) -> Activity:
    """Pin a note to the top of the timelines it is on, or unpin it (only notes; by those who
    may change it). Pinning a pinned note keeps its first pin time."""
    policy.ensure_can_write(actor)
    activity = lock_for_update(activity, version)
    _ensure_may_change(actor, activity)
    if activity.kind != Activity.Kind.NOTE:
        raise ValidationFailed(fields={"kind": _("Only notes can be pinned.")})
    if pinned == (activity.pinned_at is not None):
        return activity
    before = activity.pinned_at
    activity.pinned_at = timezone.now() if pinned else None
    bump_version(activity)
    activity.save(update_fields=["pinned_at", "version", "updated_at"])
    audit_record(
        actor=actor,
        action="update",
        record_type="activity",
        record_id=activity.pk,
        changes={"pinned": [before is not None, pinned]},
        event="activity.pinned" if pinned else "activity.unpinned",
    )
    return activity


@transaction.atomic
def activity_delete(*, actor: User, activity: Activity, version: int | None = None) -> None:
    policy.ensure_can_write(actor)
    activity = lock_for_update(activity, version)
    _ensure_may_change(actor, activity)
    pk = activity.pk
    bin_record(actor=actor, record_type="activity", record=activity)
    activity.delete()
    audit_record(actor=actor, action="delete", record_type="activity", record_id=pk)


@transaction.atomic
def activities_move(*, actor: User, record_type: str, record: Any, to: dict[str, Any]) -> int:
    """Put every activity on ``record`` onto other records instead (a converted lead's history
    moves to its person, organization and deal): ``to`` maps links ("person") to records or
    None. Each activity is changed as one write: new version, one audit row. Answers how many
    moved."""
    policy.ensure_can_write(actor)
    link = registry.get(record_type).activity_link
    allowed = {rt.activity_link for rt in registry.timeline_types()}
    unknown = set(to) - allowed
    if not link or unknown:
        raise ValidationFailed(fields={"to": _("Not a link of an activity.")})
    moved = 0
    for activity in Activity.objects.select_for_update().filter(**{link: record}).order_by("pk"):
        changes = diff_fields(activity, dict(to))
        if not changes:
            continue
        bump_version(activity)
        activity.save()
        audit_record(
            actor=actor,
            action="update",
            record_type="activity",
            record_id=activity.pk,
            changes=changes,
            summary=_("moved from %(type)s %(id)s") % {"type": record_type, "id": record.pk},
        )
        moved += 1
    return moved
