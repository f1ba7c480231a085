"""The API's authentication: ``Authorization: Bearer <token>``."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer

from sambandh.accounts.middleware import preferences_activate
from sambandh.accounts.selectors import token_authenticate
from sambandh.accounts.services import token_touch


class BearerToken(HttpBearer):
    """The request then acts as the token's user, in their language and time zone."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        api_token = token_authenticate(token)
        if api_token is None:
            return None
        token_touch(token=api_token)
        user = api_token.user
        request.user = user
        preferences_activate(request, user)
        return user
