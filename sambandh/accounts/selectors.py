"""Reads for users and tokens."""

from __future__ import annotations

from typing import Any, cast

from django.db.models import Exists, Q, QuerySet
from django.db.models.functions import Now
from django.utils import timezone

from sambandh.accounts.models import ApiToken, User
from sambandh.accounts.services import token_digest
from sambandh.core.compiled import CompiledQuery, Placeholders


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


_USER_FIELDS = tuple(f.attname for f in User._meta.concrete_fields)
_TOKEN_FIELDS = ("id", "user_id", "digest", "last_used_at", "expires_at")
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
    row = _live_token.first(digest=token_digest(secret))
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
