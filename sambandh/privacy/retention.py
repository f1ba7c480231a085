"""Retention policies: delete or anonymize the records of one type (in one residency, or any)
that have seen no activity for a number of days.

"No activity" means: the record was not changed (``updated_at``) and, for a type with a
timeline, no activity on it happened (``occurred_at``) within the period. Deleting goes through
the type's own delete service (the registry's ``delete``: into the recycle bin, purged after
RECYCLE_BIN_DAYS); anonymizing is offered for people (erasure.person_erase, without the
suppression list: nobody asked not to be contacted). A policy is created off; it is enabled
only after a dry run, whose report lists what it would do.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from sambandh.accounts import policy
from sambandh.core import registry
from sambandh.core.audit import audit_record
from sambandh.core.errors import ServiceError, ValidationFailed
from sambandh.core.records import lock_for_update
from sambandh.privacy.models import RetentionPolicy, RetentionRun

#: The most record ids a report keeps (the counts are always whole).
MAX_REPORT_IDS = 1000
MAX_DAYS = 36_500
ANONYMIZABLE = ("person",)
Action = RetentionPolicy.Action


def has_residency(record_type: str) -> bool:
    rt = registry.find(record_type)
    return rt is not None and any(f.name == "residency" for f in rt.model._meta.concrete_fields)


def retention_types() -> list[registry.RecordType]:
    """The record types a policy may name: those that can be deleted."""
    return [rt for rt in registry.record_types() if rt.delete is not None]


def _clean(data: dict[str, Any], instance: RetentionPolicy | None) -> dict[str, Any]:
    from sambandh.contacts.residency import clean_residency

    errors: dict[str, str] = {}
    out: dict[str, Any] = {}
    record_type = data.get("record_type", instance.record_type if instance else None)
    if "record_type" in data or instance is None:
        found = registry.find(str(record_type or ""))
        if found is None or found.delete is None:
            errors["record_type"] = _("Choose one of: %(choices)s.") % {
                "choices": ", ".join(rt.key for rt in retention_types())
            }
        else:
            out["record_type"] = record_type
    if "region" in data:
        try:
            region = clean_residency(data.get("region") or "")
        except ValidationFailed as exc:
            errors["region"] = exc.fields.get("residency", exc.message)
            region = ""
        if region and "record_type" in out and not has_residency(out["record_type"]):
            errors["region"] = _("This record type has no residency: choose any region.")
        out["region"] = region
    if "days" in data or instance is None:
        days = data.get("days")
        if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= MAX_DAYS:
            errors["days"] = _("Give a number of days from 1 to %(max)s.") % {"max": MAX_DAYS}
        else:
            out["days"] = days
    if "action" in data or instance is None:
        action = data.get("action")
        if action not in Action.values:
            errors["action"] = _("Choose delete or anonymize.")
        else:
            out["action"] = action
    final_type = out.get("record_type", instance.record_type if instance else "")
    final_action = out.get("action", instance.action if instance else "")
    if final_action == Action.ANONYMIZE and final_type and final_type not in ANONYMIZABLE:
        errors["action"] = _("Only people can be anonymized; choose delete for this type.")
    if errors:
        raise ValidationFailed(fields=errors)
    return out


def _audit(actor: Any, action: str, p: RetentionPolicy, changes: dict[str, Any]) -> None:
    audit_record(
        actor=actor,
        action=action,
        record_type="retention_policy",
        record_id=p.pk,
        changes=changes,
        summary=str(p),
    )


@transaction.atomic
def policy_create(*, actor: Any, data: dict[str, Any]) -> RetentionPolicy:
    policy.ensure_admin(actor)
    fields = _clean(data, None)
    fields.setdefault("region", "")
    p = RetentionPolicy.objects.create(**fields, created_by=actor)
    _audit(actor, "create", p, fields)
    return p


@transaction.atomic
def policy_update(
    *, actor: Any, p: RetentionPolicy, data: dict[str, Any], version: int | None = None
) -> RetentionPolicy:
    """Change a policy. ``enabled``: turning it on needs a dry run since its last change; any
    other change turns it off again (its report no longer says what it will do)."""
    policy.ensure_admin(actor)
    p = lock_for_update(p, version)
    fields = _clean({k: v for k, v in data.items() if k != "enabled"}, p)
    changes: dict[str, Any] = {}
    for name, value in fields.items():
        if getattr(p, name) != value:
            changes[name] = [getattr(p, name), value]
            setattr(p, name, value)
    if changes:
        p.enabled = False
        p.runs.filter(dry_run=True).delete()
    if "enabled" in data and not changes:
        enabled = data["enabled"]
        if not isinstance(enabled, bool):
            raise ValidationFailed(fields={"enabled": _("Give true or false.")})
        if enabled and not p.enabled and not p.runs.filter(dry_run=True).exists():
            raise ValidationFailed(
                _("Run a dry run first, and read its report, before enabling this policy."),
                fields={"enabled": _("No dry run yet.")},
            )
        if enabled != p.enabled:
            changes["enabled"] = [p.enabled, enabled]
            p.enabled = enabled
    if changes:
        p.version += 1
        p.save()
        _audit(actor, "update", p, changes)
    return p


@transaction.atomic
def policy_delete(*, actor: Any, p: RetentionPolicy, version: int | None = None) -> None:
    policy.ensure_admin(actor)
    p = lock_for_update(p, version)
    pk, text = p.pk, str(p)
    p.delete()
    audit_record(
        actor=actor, action="delete", record_type="retention_policy", record_id=pk, summary=text
    )


def candidates(p: RetentionPolicy, *, now: datetime.datetime) -> QuerySet[Any]:
    """The records ``p`` applies to now, oldest first."""
    rt = registry.get(p.record_type)
    cutoff = now - datetime.timedelta(days=p.days)
    qs = rt.model._default_manager.filter(updated_at__lt=cutoff)
    if p.region and has_residency(p.record_type):
        qs = qs.filter(residency=p.region)
    if rt.activity_link:
        activity = registry.find("activity")
        if activity is not None:
            recent = activity.model._default_manager.filter(
                occurred_at__gte=cutoff, **{f"{rt.activity_link}__isnull": False}
            ).values(rt.activity_link)
            qs = qs.exclude(pk__in=recent)
    if p.action == Action.ANONYMIZE and p.record_type == "person":
        from sambandh.privacy.erasure import PSEUDONYM_PREFIX

        qs = qs.exclude(full_name__startswith=PSEUDONYM_PREFIX)
    return qs.order_by("updated_at", "pk")


def _apply(p: RetentionPolicy, actor: Any, record: Any) -> None:
    rt = registry.get(p.record_type)
    if p.action == Action.ANONYMIZE:
        from sambandh.privacy.erasure import person_erase

        person_erase(actor=actor, person=record, suppress=False)
    else:
        assert rt.delete is not None
        rt.delete(actor=actor, record=record, version=None)


def _actor(p: RetentionPolicy) -> Any:
    """Who a real run acts as: the admin who made the policy, while still an active admin."""
    user = p.created_by
    if user is None or not user.is_active or not getattr(user, "is_admin", False):
        return None
    return user


def retention_run(
    *, p: RetentionPolicy, dry_run: bool, now: datetime.datetime | None = None
) -> RetentionRun:
    """Run ``p`` (for real only when it is enabled) and keep its report: how many records
    matched, their ids (the first MAX_REPORT_IDS), how many were done, and each failure."""
    now = now or timezone.now()
    if not dry_run and not p.enabled:
        raise ValidationFailed(_("This policy is not enabled."))
    ids = list(candidates(p, now=now).values_list("pk", flat=True))
    run = RetentionRun(
        policy=p, dry_run=dry_run, at=now, matched=len(ids), record_ids=ids[:MAX_REPORT_IDS]
    )
    if not dry_run:
        actor = _actor(p)
        failures: list[list[Any]] = []
        done = 0
        model = registry.get(p.record_type).model
        for pk in ids:
            if actor is None:
                failures.append(
                    [pk, _("The policy's author is no longer an active administrator.")]
                )
                continue
            try:
                with transaction.atomic():
                    record = model._default_manager.filter(pk=pk).first()
                    if record is not None:
                        _apply(p, actor, record)
                        done += 1
            except ServiceError as exc:
                failures.append([pk, exc.message])
        run.done, run.failures = done, failures[:MAX_REPORT_IDS]
    else:
        RetentionRun.objects.filter(policy=p, dry_run=True).delete()
    run.save()
    return run


@transaction.atomic
def retention_dry_run(*, actor: Any, p: RetentionPolicy) -> RetentionRun:
    """A dry run asked for by an admin (the page's button, the API)."""
    policy.ensure_admin(actor)
    return retention_run(p=p, dry_run=True)


def retention_run_all(*, now: datetime.datetime) -> tuple[int, int]:
    """The daily job: every enabled policy for real, every other one as a dry run. Answers how
    many policies ran and how many records were deleted or anonymized."""
    runs = done = 0
    for p in RetentionPolicy.objects.order_by("pk"):
        run = retention_run(p=p, dry_run=not p.enabled, now=now)
        runs += 1
        done += run.done
    return runs, done
