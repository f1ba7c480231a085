"""/api/v1/users: the directory of colleagues, which every signed-in user reads (names for owner
and assignee pickers), and its administration: invite, change, deactivate, reassign records.

Never answers password hashes, tokens, or anything but the fields below.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from sambandh.accounts import policy, selectors, services
from sambandh.accounts.models import User
from sambandh.accounts.selectors import acting_user as viewer
from sambandh.core.api import ErrorOut, StrictSchema, page_out
from sambandh.core.errors import NotFound
from sambandh.core.ids import RecordId
from sambandh.core.pagination import clamp_limit, paginate

router = Router(tags=["users"])
ERRORS: dict[int, Any] = {k: ErrorOut for k in (401, 403, 404, 413, 422)}
ROLES = "admin, manager, sales_rep, support_agent, marketer, read_only"
Id = RecordId


class UserOut(Schema):
    id: int
    full_name: str
    email: str
    role: str
    language: str
    time_zone: str
    currency: str
    format_locale: str = Field(
        description="How numbers and dates are written; blank: the language's own."
    )
    native_digits: bool
    is_active: bool
    team_ids: list[int]


class UserPage(Schema):
    items: list[UserOut]
    next: str | None


class UserFilters(Schema):
    limit: int = Field(50, ge=1, le=200)
    cursor: str | None = Field(None, max_length=500)
    q: str | None = Field(None, max_length=200, description="Name or email contains")


class InviteIn(StrictSchema):
    email: str = Field(max_length=254)
    full_name: str = Field("", max_length=200)
    role: str = Field(max_length=20, description=f"One of: {ROLES}.")
    team_ids: list[Id] = Field(default_factory=list, max_length=100)


class UserPatch(StrictSchema):
    full_name: str | None = Field(None, max_length=200)
    role: str | None = Field(None, max_length=20, description=f"One of: {ROLES}.")
    is_active: bool | None = Field(
        None, description="false: they cannot log in and their tokens stop working."
    )


class PreferencesPatch(StrictSchema):
    full_name: str | None = Field(None, max_length=200)
    language: str | None = Field(None, max_length=10, description="One of the interface languages.")
    time_zone: str | None = Field(None, max_length=64, description="An IANA zone: Asia/Kolkata.")
    currency: str | None = Field(None, max_length=3, description="ISO 4217")
    format_locale: str | None = Field(
        None,
        max_length=10,
        description="en-US, en-GB, en-IN, te, gu, hi, es, pt-BR, fr, de, ja or ar; "
        "blank: the language's own.",
    )
    native_digits: bool | None = Field(None, description="Numbers in the language's own digits.")


class ReassignIn(StrictSchema):
    to_user_id: Id


class ReassignOut(Schema):
    user_id: int
    to_user_id: int
    counts: dict[str, int] = Field(description="How many records of each type moved.")


def user_out(u: User) -> dict[str, Any]:
    return {
        "id": u.pk,
        "full_name": u.full_name,
        "email": u.email,
        "role": u.role,
        "language": u.language,
        "time_zone": u.time_zone,
        "currency": u.currency,
        "format_locale": u.format_locale,
        "native_digits": u.native_digits,
        "is_active": u.is_active,
        "team_ids": sorted(t.pk for t in u.teams.all()),
    }


@router.get("", response={200: UserPage, **ERRORS})
def list_users(request: HttpRequest, filters: Query[UserFilters]) -> Any:
    qs = selectors.user_list(viewer=viewer(request), q=(filters.q or "").strip())
    page = paginate(
        selectors.with_teams(qs),
        order=["full_name", "id"],
        limit=clamp_limit(filters.limit),
        cursor=filters.cursor,
    )
    return page_out(page, user_out)


@router.post("", response={201: UserOut, **ERRORS})
def invite_user(request: HttpRequest, payload: InviteIn) -> Any:
    """Invite a user (admins only): they get an email with a link to choose their password,
    and start with the company's language, time zone and currency."""
    actor = viewer(request)
    policy.ensure_admin(actor)
    user = services.user_invite(
        actor=actor,
        email=payload.email,
        full_name=payload.full_name,
        role=payload.role,
        teams=selectors.teams_for_input(payload.team_ids),
    )
    return Status(201, user_out(selectors.user_admin_get(user_id=user.pk)))


@router.get("/me", response={200: UserOut, **ERRORS})
def get_me(request: HttpRequest) -> Any:
    return user_out(viewer(request))


@router.patch("/me", response={200: UserOut, **ERRORS})
def update_me(request: HttpRequest, payload: PreferencesPatch) -> Any:
    """Change your own name, language, time zone, currency, number and date format, or digits;
    fields left out stay as they are."""
    me = viewer(request)
    services.user_update_preferences(
        user=me,
        full_name=me.full_name if payload.full_name is None else payload.full_name,
        language=payload.language or me.language,
        time_zone=payload.time_zone or me.time_zone,
        currency=payload.currency or me.currency,
        format_locale=payload.format_locale,
        native_digits=payload.native_digits,
    )
    return user_out(selectors.user_admin_get(user_id=me.pk))


@router.get("/{id:user_id}", response={200: UserOut, **ERRORS})
def get_user(request: HttpRequest, user_id: int) -> Any:
    user = selectors.user_get(viewer=viewer(request), user_id=user_id)
    if user is None:
        raise NotFound(_("No such user."))
    return user_out(user)


@router.patch("/{id:user_id}", response={200: UserOut, **ERRORS})
def update_user(request: HttpRequest, user_id: int, payload: UserPatch) -> Any:
    """Change a user's name, role or whether they may log in (admins only). A change that would
    leave no active administrator is refused (422 naming ``role`` or ``is_active``)."""
    actor = viewer(request)
    policy.ensure_admin(actor)
    user = selectors.user_admin_get(user_id=user_id)
    services.user_update(
        actor=actor,
        user=user,
        full_name=payload.full_name,
        role=payload.role,
        is_active=payload.is_active,
    )
    return user_out(selectors.user_admin_get(user_id=user_id))


@router.post("/{id:user_id}/reassign", response={200: ReassignOut, **ERRORS})
def reassign_records(request: HttpRequest, user_id: int, payload: ReassignIn) -> Any:
    """Give every record the user owns (people, organizations, deals, leads: every record type
    that can be reassigned) to another active user, in one transaction (admins only)."""
    actor = viewer(request)
    policy.ensure_admin(actor)
    user = selectors.user_admin_get(user_id=user_id)
    to_user = selectors.user_for_input(payload.to_user_id, field="to_user_id")
    counts = services.user_records_reassign(actor=actor, user=user, to_user=to_user)
    return {"user_id": user.pk, "to_user_id": to_user.pk, "counts": counts}
