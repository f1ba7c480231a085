"""/api/v1/teams: the teams, as a tree, with their members. Every signed-in user reads them;
administrators create, rename, move and delete teams and change their members."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from sambandh.accounts import policy, selectors, services
from sambandh.accounts.models import Team
from sambandh.accounts.selectors import acting_user as viewer
from sambandh.core.api import ErrorOut, StrictSchema, page_out
from sambandh.core.ids import RecordId
from sambandh.core.pagination import clamp_limit

router = Router(tags=["teams"])
ERRORS: dict[int, Any] = {k: ErrorOut for k in (401, 403, 404, 413, 422)}
Id = RecordId


class MemberOut(Schema):
    id: int
    full_name: str
    email: str


class TeamOut(Schema):
    id: int
    name: str
    parent_id: int | None
    depth: int = Field(description="0 for a top-level team, 1 for a team inside it, and so on.")
    members: list[MemberOut]
    created_at: datetime


class TeamPage(Schema):
    items: list[TeamOut]
    next: str | None


class TeamIn(StrictSchema):
    name: str = Field(max_length=120)
    parent_id: Id | None = Field(None, description="The team it sits inside; null: top level.")


class TeamPatch(StrictSchema):
    name: str | None = Field(None, max_length=120)
    parent_id: Id | None = Field(
        None, description="Leave it out to keep the parent; null moves the team to the top."
    )


class MemberIn(StrictSchema):
    user_id: Id


def team_out(team: Team) -> dict[str, Any]:
    return {
        "id": team.pk,
        "name": team.name,
        "parent_id": team.parent_id,
        "depth": getattr(team, "depth", 0),
        "members": [
            {"id": m.pk, "full_name": m.full_name, "email": m.email} for m in team.members.all()
        ],
        "created_at": team.created_at,
    }


def _one(request: HttpRequest, team_id: int) -> dict[str, Any]:
    team = selectors.team_get(viewer=viewer(request), team_id=team_id)
    team.depth = selectors.team_depth(team=team)  # type: ignore[attr-defined]
    return team_out(team)


class TeamFilters(Schema):
    limit: int = Field(50, ge=1, le=200)
    cursor: str | None = Field(None, max_length=500)


@router.get("", response={200: TeamPage, **ERRORS})
def list_teams(request: HttpRequest, filters: Query[TeamFilters]) -> Any:
    """Every team, parents before the teams inside them (siblings by name)."""
    page = selectors.team_tree_page(
        viewer=viewer(request), limit=clamp_limit(filters.limit), cursor=filters.cursor
    )
    return page_out(page, team_out)


@router.post("", response={201: TeamOut, **ERRORS})
def create_team(request: HttpRequest, payload: TeamIn) -> Any:
    actor = viewer(request)
    policy.ensure_admin(actor)
    team = services.team_create(
        actor=actor,
        name=payload.name,
        parent=selectors.team_for_input(payload.parent_id, field="parent_id"),
    )
    return Status(201, _one(request, team.pk))


@router.get("/{id:team_id}", response={200: TeamOut, **ERRORS})
def get_team(request: HttpRequest, team_id: int) -> Any:
    return _one(request, team_id)


@router.patch("/{id:team_id}", response={200: TeamOut, **ERRORS})
def update_team(request: HttpRequest, team_id: int, payload: TeamPatch) -> Any:
    """Rename a team or move it (``parent_id``). A team cannot go inside itself or one of its
    sub-teams (422 naming ``parent_id``)."""
    actor = viewer(request)
    policy.ensure_admin(actor)
    team = selectors.team_get(viewer=actor, team_id=team_id)
    changes: dict[str, Any] = {"name": payload.name}
    if "parent_id" in payload.model_fields_set:
        changes["parent"] = selectors.team_for_input(payload.parent_id, field="parent_id")
    services.team_update(actor=actor, team=team, **changes)
    return _one(request, team_id)


@router.delete("/{id:team_id}", response={204: None, **ERRORS})
def delete_team(request: HttpRequest, team_id: int) -> Any:
    """Delete a team without sub-teams: its members leave it and its shares are removed."""
    actor = viewer(request)
    policy.ensure_admin(actor)
    team = selectors.team_get(viewer=actor, team_id=team_id)
    services.team_delete(actor=actor, team=team)
    return Status(204, None)


@router.post("/{id:team_id}/members", response={201: TeamOut, **ERRORS})
def add_member(request: HttpRequest, team_id: int, payload: MemberIn) -> Any:
    actor = viewer(request)
    policy.ensure_admin(actor)
    team = selectors.team_get(viewer=actor, team_id=team_id)
    user = selectors.user_for_input(payload.user_id, field="user_id")
    services.team_add_member(actor=actor, team=team, user=user)
    return Status(201, _one(request, team_id))


@router.delete("/{id:team_id}/members/{id:user_id}", response={204: None, **ERRORS})
def remove_member(request: HttpRequest, team_id: int, user_id: int) -> Any:
    actor = viewer(request)
    policy.ensure_admin(actor)
    team = selectors.team_get(viewer=actor, team_id=team_id)
    user = selectors.user_admin_get(user_id=user_id)
    services.team_remove_member(actor=actor, team=team, user=user)
    return Status(204, None)
