"""Reads for users and tokens."""

from __future__ import annotations

from typing import Any, cast

from django.db.models import Q, QuerySet
from django.utils import timezone

from sambandh.accounts.models import ApiToken, User
from sambandh.accounts.services import token_digest


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


def token_authenticate(secret: str) -> ApiToken | None:
    """The live token for ``secret`` with its user, or None."""
    if not secret or len(secret) > 200:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=token_digest(secret), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None or (token.expires_at and token.expires_at <= timezone.now()):
        return None
    return token


def acting_user(request: Any) -> User:
    """The signed-in user of a request that authentication has already let through (the API's
    bearer auth, or a login-required view)."""
    return cast(User, request.user)


def token_list(*, user: User) -> QuerySet[ApiToken]:
    """A user's own API tokens, newest first (only their prefixes are readable)."""
    return ApiToken.objects.filter(user_id=user.pk).order_by("-created_at", "-id")
