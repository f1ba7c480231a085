"""Writes for the access policy: field permissions and record shares (accounts/policy.py reads
them)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from sambandh.accounts import policy
from sambandh.accounts.models import FieldRule, RecordShare, Role, Team, User
from sambandh.core import registry
from sambandh.core.audit import audit_record
from sambandh.core.errors import Forbidden, NotFound, ValidationFailed
from sambandh.core.records import FieldErrors


def _ensure_admin(actor: User) -> None:
    if not actor.is_admin:
        raise Forbidden(_("Only administrators can change field permissions."))


def _clean_roles(roles: Sequence[Any], field: str, errors: FieldErrors) -> list[str]:
    if not isinstance(roles, list | tuple):
        errors.add(field, _("A list of roles."))
        return []
    clean: list[str] = []
    for i, role in enumerate(roles):
        if role == Role.ADMIN:
            errors.add(f"{field}.{i}", _("Administrators always see and change every field."))
        elif role not in Role.values:
            errors.add(
                f"{field}.{i}",
                _("Unknown role. Choose from: %(roles)s.")
                % {"roles": ", ".join(r for r in Role.values if r != Role.ADMIN)},
            )
        elif role not in clean:
            clean.append(role)
    return clean


@transaction.atomic
def field_permission_set(
    *,
    actor: User,
    record_type: str,
    field: str,
    hidden_from: Sequence[str] = (),
    read_only_for: Sequence[str] = (),
) -> dict[str, Any]:
    """Set which roles a field is hidden from and read-only for (replacing what was set)."""
    _ensure_admin(actor)
    rt = registry.get(record_type)
    spec = rt.field(field)
    if spec is None:
        raise ValidationFailed(
            _("“%(field)s” is not a field of %(type)s. Choose one of: %(choices)s.")
            % {
                "field": str(field)[:60],
                "type": rt.label_plural,
                "choices": ", ".join(f.name for f in rt.all_fields),
            },
            fields={"field": _("Not a field of this record type.")},
        )
    errors = FieldErrors()
    hidden = _clean_roles(hidden_from, "hidden_from", errors)
    read_only = _clean_roles(read_only_for, "read_only_for", errors)
    if hidden and not spec.hideable:
        errors.add("hidden_from", _("This field identifies the record and cannot be hidden."))
    for role in set(hidden) & set(read_only):
        errors.add("read_only_for", _("“%(role)s” is already hidden from.") % {"role": role})
    errors.raise_if_any()
    before = field_permission_get(record_type=rt.key, field=spec.name)
    FieldRule.objects.filter(record_type=rt.key, field=spec.name).delete()
    FieldRule.objects.bulk_create(
        [
            *(
                FieldRule(
                    record_type=rt.key,
                    field=spec.name,
                    role=r,
                    access=FieldRule.Access.HIDDEN,
                    updated_by=actor,
                )
                for r in hidden
            ),
            *(
                FieldRule(
                    record_type=rt.key,
                    field=spec.name,
                    role=r,
                    access=FieldRule.Access.READ_ONLY,
                    updated_by=actor,
                )
                for r in read_only
            ),
        ]
    )
    after = {"hidden_from": sorted(hidden), "read_only_for": sorted(read_only)}
    audit_record(
        actor=actor,
        action="permission_change",
        record_type=rt.key,
        changes={
            "field": spec.name,
            "hidden_from": [before["hidden_from"], after["hidden_from"]],
            "read_only_for": [before["read_only_for"], after["read_only_for"]],
        },
        summary=f"{rt.key}.{spec.name}",
    )
    policy.forget_field_access(actor)
    return {"record_type": rt.key, "field": spec.name, **after}


def field_permission_get(*, record_type: str, field: str) -> dict[str, Any]:
    rows = FieldRule.objects.filter(record_type=record_type, field=field)
    return {
        "record_type": record_type,
        "field": field,
        "hidden_from": sorted(r.role for r in rows if r.access == FieldRule.Access.HIDDEN),
        "read_only_for": sorted(r.role for r in rows if r.access == FieldRule.Access.READ_ONLY),
    }


def field_permission_list(*, record_type: str | None = None) -> list[dict[str, Any]]:
    """Every field of every record type (or of one) with the roles it is hidden from and
    read-only for."""
    types = [registry.get(record_type)] if record_type else registry.record_types()
    rules: dict[tuple[str, str], dict[str, list[str]]] = {}
    for rule in FieldRule.objects.filter(record_type__in=[t.key for t in types]).order_by("role"):
        entry = rules.setdefault(
            (rule.record_type, rule.field), {"hidden_from": [], "read_only_for": []}
        )
        key = "hidden_from" if rule.access == FieldRule.Access.HIDDEN else "read_only_for"
        entry[key].append(rule.role)
    return [
        {
            "record_type": t.key,
            "field": f.name,
            "label": str(f.label),
            "hideable": f.hideable,
            **rules.get((t.key, f.name), {"hidden_from": [], "read_only_for": []}),
        }
        for t in types
        for f in t.all_fields
    ]


# --- shares ------------------------------------------------------------------------------------
SHARE_ACCESS = ("read", "edit")


def shared_record(*, viewer: User, record_type: str, record_id: int) -> Any:
    """The shareable record ``viewer`` may see, or NotFound."""
    rt = registry.find(record_type)
    if rt is None or not rt.shareable or rt.visible is None:
        raise NotFound()
    record = rt.visible(viewer).filter(pk=record_id).first()
    if record is None:
        raise NotFound(_("No such %(type)s.") % {"type": rt.label})
    return record


@transaction.atomic
def record_share_add(
    *,
    actor: User,
    record_type: str,
    record: Any,
    user: User | None = None,
    team: Team | None = None,
    access: str = "read",
    bulk_job_id: int | None = None,
) -> RecordShare:
    """Share ``record`` with one user or one team, for reading or editing (sharing again
    changes the access). Within a bulk share, ``bulk_job_id`` marks its event: the job tells
    the recipients once, for all its records (sambandh/bulk), not once per record."""
    if not policy.can_share(actor, record):
        raise Forbidden(_("Only the owner, their manager or an administrator can share this."))
    errors = FieldErrors()
    if (user is None) == (team is None):
        errors.add("user_id", _("Share with exactly one user or one team."))
    if user is not None and not user.is_active:
        errors.add("user_id", _("This user is deactivated."))
    if user is not None and user.pk == record.owner_id:
        errors.add("user_id", _("This user owns the record."))
    if access not in SHARE_ACCESS:
        errors.add("access", _("Choose read or edit."))
    errors.raise_if_any()
    share, created = RecordShare.objects.update_or_create(
        record_type=record_type,
        record_id=record.pk,
        user=user,
        team=team,
        defaults={"can_edit": access == "edit", "shared_by": actor},
    )
    audit_record(
        actor=actor,
        action="share",
        record_type=record_type,
        record_id=record.pk,
        changes={
            "user": user.pk if user else None,
            "team": team.pk if team else None,
            "access": access,
            "created": created,
        },
        summary=str(user or team),
        event_data={
            "user_id": user.pk if user else None,
            "team_id": team.pk if team else None,
            **({"bulk_job_id": bulk_job_id} if bulk_job_id is not None else {}),
        },
    )
    return share


@transaction.atomic
def record_share_remove(*, actor: User, record_type: str, record: Any, share_id: int) -> None:
    if not policy.can_share(actor, record):
        raise Forbidden(_("Only the owner, their manager or an administrator can unshare this."))
    share = RecordShare.objects.filter(
        pk=share_id, record_type=record_type, record_id=record.pk
    ).first()
    if share is None:
        raise NotFound(_("No such share."))
    audit_record(
        actor=actor,
        action="unshare",
        record_type=record_type,
        record_id=record.pk,
        changes={"user": share.user_id, "team": share.team_id, "can_edit": share.can_edit},
    )
    share.delete()


def record_shares(*, record_type: str, record: Any) -> list[RecordShare]:
    return list(
        RecordShare.objects.filter(record_type=record_type, record_id=record.pk)
        .select_related("user", "team", "shared_by")
        .order_by("created_at", "id")
    )
