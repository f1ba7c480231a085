"""Reads for users, teams, the company's defaults and tokens."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from django.conf import settings
from django.db.models import Exists, Prefetch, Q, QuerySet
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.translation import gettext as _

from sambandh.accounts.models import ApiToken, CompanySettings, Team, TeamMembership, User
from sambandh.accounts.services import token_digest
from sambandh.core import registry
from sambandh.core.compiled import CompiledQuery, Placeholders
from sambandh.core.errors import NotFound, ValidationFailed
from sambandh.core.pagination import Page, decode_cursor, encode_cursor


def user_list(*, viewer: User, q: str = "") -> QuerySet[User]:
    """Every signed-in user may see the directory of active colleagues (names are needed for
    owner pickers and assignment); inactive ones only by admins."""
    qs = User.objects.all()
    if not viewer.is_admin:
        qs = qs.filter(is_active=True)
    if q:
        qs = qs.filter(Q(full_name__icontains=q) | Q(email__icontains=q))
    return qs.order_by("full_name", "id")


def user_get(*, viewer: User, user_id: int) -> User | None:
    return user_list(viewer=viewer).filter(pk=user_id).first()


def with_teams(users: QuerySet[User]) -> QuerySet[User]:
    """``users`` with their teams (``user.teams.all()``, by name) in one more query."""
    return users.prefetch_related(Prefetch("teams", queryset=Team.objects.order_by("name", "id")))


def user_for_input(user_id: int | None, *, field: str = "user_id") -> User:
    """The user an input names by id, active or not; an unknown id is a 422 naming ``field``."""
    user = User.objects.filter(pk=user_id).first() if user_id else None
    if user is None:
        raise ValidationFailed(fields={field: _("No such user.")})
    return user


def user_admin_get(*, user_id: int) -> User:
    """A user for the settings area (active or not), with their teams; 404 when missing."""
    user = with_teams(User.objects.filter(pk=user_id)).first()
    if user is None:
        raise NotFound(_("No such user."))
    return user


@dataclass(frozen=True)
class OwnedCount:
    record_type: registry.RecordType
    count: int


def owned_records(*, user: User) -> list[OwnedCount]:
    """How many records of each type that can be reassigned ``user`` owns (for an
    administrator about to reassign them)."""
    return [
        OwnedCount(rt, rt.model._default_manager.filter(owner_id=user.pk).count())
        for rt in registry.record_types()
        if rt.reassign is not None
    ]


# --- teams -----------------------------------------------------------------------------------
def _teams(viewer: User) -> QuerySet[Team]:
    """Teams with their members by name; a non-admin sees only active members (as in the
    directory)."""
    members = User.objects.order_by("full_name", "id")
    if not viewer.is_admin:
        members = members.filter(is_active=True)
    return Team.objects.prefetch_related(Prefetch("members", queryset=members))


def team_tree(*, viewer: User) -> list[Team]:
    """Every team, parents before their sub-teams (siblings by name), each with ``depth`` set
    (0 at the top) and its members."""
    teams = list(_teams(viewer).order_by("name", "id"))
    children: dict[int | None, list[Team]] = {}
    for team in teams:
        children.setdefault(team.parent_id, []).append(team)
    ordered: list[Team] = []

    def walk(parent_id: int | None, depth: int) -> None:
        for team in children.get(parent_id, ()):
            team.depth = depth  # type: ignore[attr-defined]
            ordered.append(team)
            walk(team.pk, depth + 1)

    walk(None, 0)
    return ordered


def team_tree_page(*, viewer: User, limit: int, cursor: str | None = None) -> Page[Team]:
    """A page of ``team_tree``: the cursor names the last team of the previous page."""
    teams = team_tree(viewer=viewer)
    start = 0
    if cursor:
        (after,) = decode_cursor(cursor, Team.objects.all(), ["id"])
        start = next((i + 1 for i, t in enumerate(teams) if t.pk == after), -1)
        if start < 0:  # that team is gone: the place in the tree is lost
            raise ValidationFailed(
                _("The cursor is not valid."), fields={"cursor": _("Not valid.")}
            )
    items = teams[start : start + limit]
    more = start + limit < len(teams)
    return Page(items, encode_cursor([items[-1].pk]) if more and items else None)


def team_get(*, viewer: User, team_id: int) -> Team:
    team = _teams(viewer).filter(pk=team_id).first()
    if team is None:
        raise NotFound(_("No such team."))
    return team


def team_depth(*, team: Team) -> int:
    """How many teams ``team`` sits inside (0 at the top)."""
    parents = dict(Team.objects.values_list("id", "parent_id"))
    depth, parent = 0, team.parent_id
    while parent is not None and depth <= len(parents):
        depth, parent = depth + 1, parents.get(parent)
    return depth


def team_subtree_ids(*, team: Team) -> set[int]:
    """The team and every team below it (those it cannot be moved under)."""
    parents = dict(Team.objects.values_list("id", "parent_id"))
    found = {team.pk}
    changed = True
    while changed:
        changed = False
        for team_id, parent_id in parents.items():
            if parent_id in found and team_id not in found:
                found.add(team_id)
                changed = True
    return found


def team_for_input(team_id: int | None, *, field: str) -> Team | None:
    """The team an input names by id (None for none); an unknown id is a 422 naming ``field``."""
    if team_id is None:
        return None
    team = Team.objects.filter(pk=team_id).first()
    if team is None:
        raise ValidationFailed(fields={field: _("No such team.")})
    return team


def teams_for_input(team_ids: Sequence[int], *, field: str = "team_ids") -> list[Team]:
    found = Team.objects.in_bulk(list(team_ids))
    missing = {
        f"{field}.{i}": _("No such team.") for i, pk in enumerate(team_ids) if pk not in found
    }
    if missing:
        raise ValidationFailed(fields=missing)
    return [found[pk] for pk in dict.fromkeys(team_ids)]


def team_member_ids(*, team: Team) -> set[int]:
    return set(TeamMembership.objects.filter(team=team).values_list("user_id", flat=True))


# --- the company's defaults -----------------------------------------------------------------
def company_settings() -> CompanySettings:
    """The company's defaults; before an administrator sets them, those of the settings file
    (not saved: a read writes nothing)."""
    row = CompanySettings.objects.filter(pk=CompanySettings.SINGLETON_ID).first()
    if row is not None:
        return row
    return CompanySettings(
        pk=CompanySettings.SINGLETON_ID,
        language=settings.LANGUAGE_CODE,
        time_zone=settings.TIME_ZONE,
        currency=settings.DEFAULT_CURRENCY,
        version=1,
    )


_USER_FIELDS = tuple(f.attname for f in User._meta.concrete_fields)
_TOKEN_FIELDS = ("id", "user_id", "digest", "last_used_at", "expires_at", "scopes")
# Every API request starts here, so the lookup is compiled once (sambandh/core/compiled.py).
_live_token = CompiledQuery(
    lambda p: (
        ApiToken.objects.filter(
            digest=p.text("digest"), revoked_at__isnull=True, user__is_active=True
        )
        .order_by()
        .values_list(*_TOKEN_FIELDS, *(f"user__{name}" for name in _USER_FIELDS))
    )
)


def token_authenticate(secret: str) -> ApiToken | None:
    """The live token for ``secret`` with its user, or None."""
    if not secret or len(secret) > 200:
        return None
    # The first statement of an API request: it is the connection check too.
    row = _live_token.first(digest=token_digest(secret), health_check="retry")
    if row is None:
        return None
    split = len(_TOKEN_FIELDS)
    token = ApiToken.from_db("default", _TOKEN_FIELDS, row[:split])
    if token.expires_at and token.expires_at <= timezone.now():
        return None
    token.user = User.from_db("default", _USER_FIELDS, row[split:])
    return token


def token_still_live(p: Placeholders) -> Exists:
    """For a compiled statement that trusts a user remembered from an earlier request: true
    while the token (slot ``token_digest``) is live and still belongs to the active user
    ``token_user`` with role ``token_role``, checked in the same statement, so a revoked or
    expired token, a deactivated user or a changed role stop it at once."""
    return Exists(
        ApiToken.objects.filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=Now()),
            digest=p.text("token_digest"),
            user_id=p.integer("token_user"),
            user__role=p.text("token_role"),
            user__is_active=True,
            revoked_at__isnull=True,
        )
    )


def acting_user(request: Any) -> User:
    """The signed-in user of a request that authentication has already let through (the API's
    bearer auth, or a login-required view)."""
    return cast(User, request.user)


def token_list(*, user: User) -> QuerySet[ApiToken]:
    """A user's own API tokens, newest first (only their prefixes are readable)."""
    return ApiToken.objects.filter(user_id=user.pk).order_by("-created_at", "-id")
