"""/api/v1/users: the directory of colleagues, read only (names for owner and assignee pickers).

Never answers password hashes, tokens, or anything but the fields below.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from sambandh.accounts import selectors
from sambandh.accounts.models import User
from sambandh.accounts.selectors import acting_user as viewer
from sambandh.core.api import ErrorOut, page_out
from sambandh.core.errors import NotFound
from sambandh.core.pagination import clamp_limit, paginate

router = Router(tags=["users"])
ERRORS: dict[int, Any] = {k: ErrorOut for k in (401, 403, 404, 413, 422)}


class UserOut(Schema):
    id: int
    full_name: str
    email: str
    role: str
    language: str
    time_zone: str
    currency: str
    is_active: bool


class UserPage(Schema):
    items: list[UserOut]
    next: str | None


class UserFilters(Schema):
    limit: int = Field(50, ge=1, le=200)
    cursor: str | None = Field(None, max_length=500)
    q: str | None = Field(None, max_length=200, description="Name or email contains")


def user_out(u: User) -> dict[str, Any]:
    return {
        "id": u.pk,
        "full_name": u.full_name,
        "email": u.email,
        "role": u.role,
        "language": u.language,
        "time_zone": u.time_zone,
        "currency": u.currency,
        "is_active": u.is_active,
    }


@router.get("", response={200: UserPage, **ERRORS})
def list_users(request: HttpRequest, filters: Query[UserFilters]) -> Any:
    qs = selectors.user_list(viewer=viewer(request), q=(filters.q or "").strip())
    page = paginate(
        qs, order=["full_name", "id"], limit=clamp_limit(filters.limit), cursor=filters.cursor
    )
    return page_out(page, user_out)


@router.get("/me", response={200: UserOut, **ERRORS})
def get_me(request: HttpRequest) -> Any:
    return user_out(viewer(request))


@router.get("/{id:user_id}", response={200: UserOut, **ERRORS})
def get_user(request: HttpRequest, user_id: int) -> Any:
    user = selectors.user_get(viewer=viewer(request), user_id=user_id)
    if user is None:
        raise NotFound(_("No such user."))
    return user_out(user)
