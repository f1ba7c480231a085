"""Writes for teams and their members (re-exported by accounts.services)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from sambandh.accounts import policy
from sambandh.accounts.models import (
    RecordShare,
    Team,
    TeamMembership,
    User,
)
from sambandh.accounts.visibility import forget_scope
from sambandh.core.audit import audit_record, diff_fields
from sambandh.core.cleaning import clean_text
from sambandh.core.errors import NotFound, ValidationFailed
from sambandh.core.records import FieldErrors

# --- teams -----------------------------------------------------------------------------------
_UNCHANGED: Any = object()


def _clean_team_name(name: str, errors: FieldErrors, team: Team | None = None) -> str | None:
    clean = errors.run(clean_text, name, field="name", max_length=120, required=True)
    if clean:
        taken = Team.objects.filter(name__iexact=clean)
        if team is not None:
            taken = taken.exclude(pk=team.pk)
        if taken.exists():
            errors.add("name", _("A team with this name already exists."))
    return clean


@transaction.atomic
def team_create(*, name: str, parent: Team | None = None, actor: User | None = None) -> Team:
    if actor is not None:
        policy.ensure_admin(actor)
    errors = FieldErrors()
    clean_name = _clean_team_name(name, errors)
    errors.raise_if_any()
    team = Team.objects.create(name=clean_name or "", parent=parent)
    audit_record(
        actor=actor,
        action="create",
        record_type="team",
        record_id=team.pk,
        changes={"name": clean_name, "parent": parent},
    )
    return team


@transaction.atomic
def team_update(
    *, actor: User, team: Team, name: str | None = None, parent: Team | None = _UNCHANGED
) -> Team:
    """Rename a team or move it under another (``parent=None``: to the top). A team cannot be
    put inside itself or one of its sub-teams."""
    policy.ensure_admin(actor)
    errors = FieldErrors()
    data: dict[str, Any] = {}
    if name is not None:
        data["name"] = _clean_team_name(name, errors, team)
    if parent is not _UNCHANGED:
        # Every team is locked while the tree changes, so two moves cannot make a circle.
        parents = dict(
            Team.objects.select_for_update().order_by("pk").values_list("id", "parent_id")
        )
        ancestor = parent.pk if parent is not None else None
        while ancestor is not None:
            if ancestor == team.pk:
                errors.add(
                    "parent_id", _("A team cannot be inside itself or one of its sub-teams.")
                )
                break
            ancestor = parents.get(ancestor)
        data["parent"] = parent
    errors.raise_if_any()
    team = Team.objects.select_for_update().get(pk=team.pk)
    changes = diff_fields(team, data)
    if changes:
        team.save(update_fields=list(changes))
        audit_record(
            actor=actor, action="update", record_type="team", record_id=team.pk, changes=changes
        )
    forget_scope(actor)  # a manager's scope covers the teams below theirs
    return team


def _member_ids(team: Team) -> list[int]:
    """The team's members' ids, in order: what an audit row of a membership change holds
    before and after."""
    return sorted(TeamMembership.objects.filter(team=team).values_list("user_id", flat=True))


@transaction.atomic
def team_add_member(*, team: Team, user: User, actor: User | None = None) -> None:
    if actor is not None:
        policy.ensure_admin(actor)
    if not user.is_active:
        raise ValidationFailed(fields={"user_id": _("This user is deactivated.")})
    _membership, created = TeamMembership.objects.get_or_create(team=team, user=user)
    if created:
        after = _member_ids(team)
        audit_record(
            actor=actor,
            action="update",
            record_type="team",
            record_id=team.pk,
            changes={"members": [[pk for pk in after if pk != user.pk], after]},
        )
    _forget_scopes(user, actor)


@transaction.atomic
def team_remove_member(*, actor: User, team: Team, user: User) -> None:
    policy.ensure_admin(actor)
    deleted, _rows = TeamMembership.objects.filter(team=team, user=user).delete()
    if not deleted:
        raise NotFound(_("This user is not a member of this team."))
    after = _member_ids(team)
    audit_record(
        actor=actor,
        action="update",
        record_type="team",
        record_id=team.pk,
        changes={"members": [sorted([*after, user.pk]), after]},
    )
    _forget_scopes(user, actor)


@transaction.atomic
def team_delete(*, actor: User, team: Team) -> None:
    """Delete a team that has no sub-teams: its members leave it, and what was shared with it
    is no longer (an unshare row on each record)."""
    policy.ensure_admin(actor)
    team = Team.objects.select_for_update().get(pk=team.pk)
    if Team.objects.filter(parent=team).exists():
        raise ValidationFailed(
            _("This team has sub-teams. Move or delete them first."),
            fields={"team": _("This team has sub-teams.")},
        )
    members = list(team.memberships.order_by("user_id").values_list("user_id", flat=True))
    shares = list(RecordShare.objects.filter(team=team).order_by("pk"))
    for share in shares:
        audit_record(
            actor=actor,
            action="unshare",
            record_type=share.record_type,
            record_id=share.record_id,
            changes={"user": None, "team": team.pk, "can_edit": share.can_edit},
            summary=f"team {team.name} deleted",
        )
    RecordShare.objects.filter(pk__in=[s.pk for s in shares]).delete()
    team.memberships.all().delete()
    pk, name = team.pk, team.name
    team.delete()
    audit_record(
        actor=actor,
        action="delete",
        record_type="team",
        record_id=pk,
        changes={"members": members, "shares": len(shares)},
        summary=name,
    )
    forget_scope(actor)


def _forget_scopes(*users: User | None) -> None:
    """Scopes are cached per user object for one request; after a membership change the ones
    this request holds are dropped, and later requests read the change."""
    for user in users:
        if user is not None:
            forget_scope(user)


# --- the company's defaults -----------------------------------------------------------------
