"""/api/v1/tokens: the signed-in user's own API tokens. Create one (its secret is in this answer
only, never again), list them, revoke one; each audited. The request's token needs an ``all``
scope (accounts/scopes.py), and a token never creates one with more scope, or a longer life,
than its own."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from sambandh.accounts import selectors, services
from sambandh.accounts.api_auth import TOKEN_ATTR
from sambandh.accounts.models import ApiToken
from sambandh.accounts.selectors import acting_user as viewer
from sambandh.core.api import ErrorOut, StrictSchema, page_out
from sambandh.core.errors import NotFound
from sambandh.core.pagination import clamp_limit, paginate

router = Router(tags=["tokens"])
ERRORS: dict[int, Any] = {k: ErrorOut for k in (401, 403, 404, 413, 422)}
SCOPES_HELP = (
    "Each <target>:read or <target>:write; the target is `all` or a record type's API path "
    "(people, organizations, deals, leads, activities...)."
)


class TokenIn(StrictSchema):
    name: str = Field("", max_length=100)
    scopes: list[str] = Field(min_length=1, max_length=40, description=SCOPES_HELP)
    expires_at: datetime | None = Field(
        None, description="ISO 8601 with its time zone; null: never (unless this token expires)."
    )


class TokenOut(Schema):
    id: int
    name: str
    prefix: str = Field(description="The secret's first characters, to tell tokens apart.")
    scopes: list[str]
    created_at: datetime
    last_used_at: datetime | None
    expires_at: datetime | None
    revoked_at: datetime | None


class TokenCreated(TokenOut):
    secret: str = Field(description="Shown in this answer only: it is stored hashed.")


class TokenPage(Schema):
    items: list[TokenOut]
    next: str | None


class TokenFilters(Schema):
    limit: int = Field(50, ge=1, le=200)
    cursor: str | None = Field(None, max_length=500)


def token_out(token: ApiToken) -> dict[str, Any]:
    return {
        "id": token.pk,
        "name": token.name,
        "prefix": token.prefix,
        "scopes": token.scopes.split(),
        "created_at": token.created_at,
        "last_used_at": token.last_used_at,
        "expires_at": token.expires_at,
        "revoked_at": token.revoked_at,
    }


@router.get("", response={200: TokenPage, **ERRORS})
def list_tokens(request: HttpRequest, filters: Query[TokenFilters]) -> Any:
    """The user's own tokens, newest first (revoked and expired ones too); never a secret."""
    user = viewer(request)
    page = paginate(
        selectors.token_list(user=user),
        order=["-created_at", "-id"],
        limit=clamp_limit(filters.limit),
        cursor=filters.cursor,
    )
    services.tokens_listed(user=user)
    return page_out(page, token_out)


@router.post("", response={201: TokenCreated, **ERRORS})
def create_token(request: HttpRequest, payload: TokenIn) -> Any:
    """A new token for the signed-in user, with the scopes and expiry given (at most those of
    the token making the request: 403 for a wider scope, 422 for a longer life)."""
    token, secret = services.token_create(
        user=viewer(request),
        name=payload.name,
        scopes=payload.scopes,
        expires_at=payload.expires_at,
        made_by=getattr(request, TOKEN_ATTR, None),
    )
    return Status(201, {**token_out(token), "secret": secret})


@router.delete("/{id:token_id}", response={204: None, **ERRORS})
def revoke_token(request: HttpRequest, token_id: int) -> Any:
    """Revoke one of the user's own tokens at once (this one too, if named); someone else's
    answers 404. Revoking a revoked token changes nothing."""
    user = viewer(request)
    token = selectors.token_list(user=user).filter(pk=token_id).first()
    if token is None:
        raise NotFound(_("No such token."))
    services.token_revoke(token=token, actor=user)
    return Status(204, None)
