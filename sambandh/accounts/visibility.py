"""Who sees which records: written once here, applied by every selector.

- an admin sees everything;
- a manager (and a read-only user) sees the records owned by anyone in their teams and the teams
  below them, plus what is shared with them or their teams;
- everyone else sees the records they own plus what is shared with them or one of their teams.

The interface, the API, search and exports all read through selectors that call ``visible_q``,
so they always agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from sambandh.accounts.models import RecordShare, Role, Team, TeamMembership
from sambandh.core.compiled import Placeholders

_CACHE_ATTR = "_sambandh_scope"


@dataclass(frozen=True)
class Scope:
    user_id: int
    everything: bool
    owner_ids: frozenset[int]
    team_ids: frozenset[int] | None  # None: the user's teams, looked up inside the query
    can_write: bool


def _subtree(team_ids: set[int]) -> set[int]:
    parents = dict(Team.objects.values_list("id", "parent_id"))
    result = set(team_ids)
    changed = True
    while changed:
        changed = False
        for team_id, parent_id in parents.items():
            if parent_id in result and team_id not in result:
                result.add(team_id)
                changed = True
    return result


def scope_for(user: Any) -> Scope:
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        scope = Scope(0, False, frozenset(), frozenset(), False)
    elif user.role == Role.ADMIN:
        scope = Scope(user.pk, True, frozenset(), frozenset(), True)
    elif user.role in (Role.MANAGER, Role.READ_ONLY):
        team_ids = set(
            TeamMembership.objects.filter(user_id=user.pk).values_list("team_id", flat=True)
        )
        owner_ids = {user.pk}
        if team_ids:
            owner_ids |= set(
                TeamMembership.objects.filter(team_id__in=_subtree(team_ids)).values_list(
                    "user_id", flat=True
                )
            )
        scope = Scope(
            user.pk, False, frozenset(owner_ids), frozenset(team_ids), user.role != Role.READ_ONLY
        )
    else:
        # Everyone else sees their own records and what is shared with them or their teams: the
        # teams are read inside the same query (team_ids=None), saving a round trip per request.
        scope = Scope(user.pk, False, frozenset({user.pk}), None, True)
    if user is not None:
        setattr(user, _CACHE_ATTR, scope)
    return scope


def forget_scope(user: Any) -> None:
    """Drop the cached scope (after team membership changes)."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def _shares(scope: Scope, record_type: str, *, editable: bool) -> Any:
    who = Q(user_id=scope.user_id)
    if scope.team_ids is None:
        who |= Q(team_id__in=TeamMembership.objects.filter(user_id=scope.user_id).values("team_id"))
    elif scope.team_ids:
        who |= Q(team_id__in=scope.team_ids)
    shares = RecordShare.objects.filter(who, record_type=record_type)
    if editable:
        shares = shares.filter(can_edit=True)
    return shares.values("record_id")


def _owned(scope: Scope, owner_field: str) -> Q:
    if len(scope.owner_ids) == 1:
        return Q(**{owner_field: next(iter(scope.owner_ids))})
    return Q(**{f"{owner_field}__in": sorted(scope.owner_ids)})


def scope_visible_q(
    scope: Scope, record_type: str, *, owner_field: str = "owner_id", id_field: str = "id"
) -> Q:
    """The rule itself: the records of ``record_type`` that ``scope`` may see."""
    if scope.everything:
        return Q()
    if not scope.user_id:
        return Q(pk__in=[])
    return _owned(scope, owner_field) | Q(
        **{f"{id_field}__in": _shares(scope, record_type, editable=False)}
    )


def visible_q(
    user: Any, record_type: str, *, owner_field: str = "owner_id", id_field: str = "id"
) -> Q:
    """A filter for the records of ``record_type`` that ``user`` may see."""
    return scope_visible_q(scope_for(user), record_type, owner_field=owner_field, id_field=id_field)


def visible_branches(
    user: Any, record_type: str, *, owner_field: str = "owner_id", id_field: str = "id"
) -> list[Q]:
    """``visible_q`` split at its OR, for lists: what the scope owns, and what is shared with it
    (core.pagination.paginate reads each along its own index and merges the pages)."""
    scope = scope_for(user)
    if scope.everything:
        return [Q()]
    if not scope.user_id:
        return [Q(pk__in=[])]
    return [
        _owned(scope, owner_field),
        Q(**{f"{id_field}__in": _shares(scope, record_type, editable=False)}),
    ]


def editable_q(
    user: Any, record_type: str, *, owner_field: str = "owner_id", id_field: str = "id"
) -> Q:
    """A filter for the records of ``record_type`` that ``user`` may change."""
    scope = scope_for(user)
    if not scope.can_write:
        return Q(pk__in=[])
    if scope.everything:
        return Q()
    return _owned(scope, owner_field) | Q(
        **{f"{id_field}__in": _shares(scope, record_type, editable=True)}
    )


# --- the same rule in compiled queries (sambandh/core/compiled.py) ----------------------------
@dataclass(frozen=True)
class ScopeShape:
    """What decides the SQL of a scope's filter; the ids are bound as values."""

    everything: bool
    signed_in: bool
    owners: int
    teams_inline: bool
    teams: int
    can_write: bool


def scope_binding(user: Any) -> tuple[ScopeShape, dict[str, Any]]:
    """The shape of ``user``'s scope and the values its placeholders take."""
    scope = scope_for(user)
    shape = ScopeShape(
        everything=scope.everything,
        signed_in=bool(scope.user_id),
        owners=len(scope.owner_ids),
        teams_inline=scope.team_ids is None,
        teams=len(scope.team_ids or ()),
        can_write=scope.can_write,
    )
    values: dict[str, Any] = {}
    if shape.signed_in and not shape.everything:
        values = {
            "scope_user": scope.user_id,
            "scope_owners": sorted(scope.owner_ids),
            "scope_teams": sorted(scope.team_ids or ()),
        }
    return shape, values


def placeholder_scope(p: Placeholders, shape: ScopeShape) -> Scope:
    """A scope of ``shape`` made of placeholders, for compiling ``scope_visible_q``."""
    if not shape.signed_in:
        return Scope(0, False, frozenset(), frozenset(), False)
    if shape.everything:  # no id takes part in the SQL
        return Scope(1, True, frozenset(), frozenset(), shape.can_write)
    return Scope(
        user_id=p.integer("scope_user"),
        everything=False,
        owner_ids=frozenset(p.integers("scope_owners")),
        team_ids=None if shape.teams_inline else frozenset(p.integers("scope_teams")),
        can_write=shape.can_write,
    )


def can_see_owner(user: Any, owner_id: int) -> bool:
    scope = scope_for(user)
    return scope.everything or owner_id in scope.owner_ids
