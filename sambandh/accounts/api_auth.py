"""The API's authentication: ``Authorization: Bearer <token>``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models.base import ModelState
from django.http import HttpRequest
from ninja.security import HttpBearer

from sambandh.accounts import policy, scopes
from sambandh.accounts.middleware import preferences_activate
from sambandh.accounts.models import ApiToken, User
from sambandh.accounts.selectors import token_authenticate
from sambandh.accounts.services import token_digest, token_touch
from sambandh.security.api_limits import api_request_count

#: The WSGI environ key under which the read lane (config/read_lane.py) hands a read it did not
#: answer to the API, with what its statement verified. No client can set it: headers reach the
#: environ only as ``HTTP_*`` keys.
HANDOVER_KEY = "sambandh.read_lane.handover"
#: The request attribute holding the API token that authenticated it (the tokens API reads
#: it: a token may not create one with more scope, or a longer life, than its own).
TOKEN_ATTR = "sambandh_api_token"  # noqa: S105 (an attribute name, not a secret)


@dataclass(frozen=True)
class Handover:
    """A record read the read lane stepped aside from (a field rule applies to the viewer's
    role), with what its one statement verified in this same request: the token (``digest``)
    was live and its user's, with the same role, and the record visible to them (``row``: the
    selector's row, field rules included). The API answers the request through its whole stack
    and the whole policy, without reading the token and the record a second time."""

    digest: str
    token: ApiToken
    records: str
    record_id: int
    row: tuple[Any, ...]


def handover(request: HttpRequest, records: str, record_id: int) -> tuple[Any, ...] | None:
    """The lane's verified row for this record read, if it handed this request over."""
    found = request.META.get(HANDOVER_KEY)
    if isinstance(found, Handover) and (found.records, found.record_id) == (records, record_id):
        return found.row
    return None


def _own_copy(user: User) -> User:
    """This request's own copy of a user the lane shares between the requests of a token: what
    a request caches on its user (the field rules it read, say) stays with the request."""
    clone = User.__new__(User)
    clone.__dict__.update(user.__dict__)
    clone.__dict__.pop(policy.FIELD_CACHE_ATTR, None)
    clone._state = ModelState()
    clone._state.db, clone._state.adding = user._state.db, False
    return clone


class BearerToken(HttpBearer):
    """The request then acts as the token's user, in their language and time zone."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        lane = request.META.get(HANDOVER_KEY)
        if isinstance(lane, Handover) and lane.digest == token_digest(token):
            api_token = lane.token
            user = _own_copy(api_token.user)
        else:
            found = token_authenticate(token)
            if found is None:
                return None
            api_token, user = found, found.user
        # A token may do only what its scopes allow (a 403 naming the missing scope), checked
        # before anything else reads or writes.
        scopes.ensure_allowed(api_token.scopes, request.method or "GET", request.path_info)
        setattr(request, TOKEN_ATTR, api_token)
        request.user = user
        preferences_activate(request, user)
        # Then its rate limit (429 with Retry-After past it, in the user's language), before
        # the operation does any work.
        api_request_count(token_id=api_token.pk)
        token_touch(token=api_token)
        return user
