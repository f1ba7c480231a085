"""The API's read lane: ``GET /api/v1/people/{id}`` answered in one statement, before Django's
request cycle.

Django's request cycle alone (request object, URL resolution, middleware, ninja's operation,
response) costs more per request than the whole budget the record-read benchmark allows
(bench/README.md; docs/decisions/0004-a-read-lane-for-record-reads.md). So the lane answers
the one thing it can answer exactly as the API would, a successful read, and hands everything
else to the API unchanged:

- it takes only ``GET`` of a record path with no query string and a bearer token;
- it remembers, per process, which user a token belongs to, and trusts nothing else it
  remembers: the one statement it runs checks the token is still live and still that user's,
  with the same role, and applies the same visibility rule (``scope_visible_q``) as every
  selector, so a revoked token, a deactivated user, a changed role or an unshared record take
  effect at once;
- on anything else (no such record, not visible, an unknown or dead token, a manager's scope,
  which needs their teams read first, a database error) it answers nothing, and the request
  goes through Django and the API as if the lane did not exist: errors, their envelope and
  their translations stay written once;
- when a field of the record type is marked sensitive (read in the same statement) it steps
  aside, so that the API answers and its middleware writes the read's audit row
  (docs/audit.md);
- when a field rule applies to the viewer's role it steps aside too: the API answers through
  its whole stack and the whole policy, but from what the lane's statement has just verified
  in this request (the token, the record and the role's rules, handed over in the environ:
  ``sambandh.accounts.api_auth.Handover``), so the record is not read twice.

The answer is byte for byte the API's: the same selector (``person_json``) builds the body, and
the API stack's security headers are added by Django's own middleware. A test compares the two
paths header by header.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.security import SecurityMiddleware
from django.utils import timezone

from sambandh.accounts import scopes
from sambandh.accounts.api_auth import HANDOVER_KEY, Handover
from sambandh.accounts.models import ApiToken, User
from sambandh.accounts.selectors import token_authenticate
from sambandh.accounts.services import token_digest, token_touch
from sambandh.contacts.selectors import Restricted, person_json_reader
from sambandh.core.api import etag
from sambandh.security.api_limits import ApiRateLimited, api_request_count
from sambandh.security.middleware import NO_STORE_HEADERS

logger = logging.getLogger(__name__)

# Per record path: the selector that makes a viewer's reader (record id -> JSON document and
# version, or None), checking the token in the same statement.
Reader = Callable[[int], Any]
_READERS: dict[str, Callable[..., Reader | None]] = {
    "people": person_json_reader,
}
_PATH = re.compile(r"/api/v1/(people)/([1-9][0-9]{0,17})")
_REMEMBERED_TOKENS = 10_000


class _Scheme(HttpRequest):
    """Just enough of a request for SecurityMiddleware: its scheme."""

    def __init__(self, secure: bool) -> None:
        super().__init__()
        self._secure = secure

    def _get_scheme(self) -> str:
        return "https" if self._secure else "http"


def _is_secure(environ: dict[str, Any]) -> bool:
    """``request.is_secure()`` without building a request (Django's rule: the trusted proxy
    header when it is set and present, else the server's scheme)."""
    proxy = settings.SECURE_PROXY_SSL_HEADER
    if proxy:
        header, secure_value = proxy
        value = environ.get(header)
        if value is not None:
            return bool(value.split(",", 1)[0].strip() == secure_value)
    return bool(environ.get("wsgi.url_scheme") == "https")


@dataclass(frozen=True)
class Answer:
    """A successful read, ready for the WSGI server (or the test client)."""

    body: bytes
    headers: list[tuple[str, str]]
    status: str = "200 OK"


@dataclass
class _Viewer:
    """What the lane remembers of a token: its user and that user's readers. Nothing here is
    trusted alone: every read re-checks the token in its statement."""

    user: User
    token: ApiToken
    readers: dict[str, Reader | None] = field(default_factory=dict)

    def reader(self, records: str) -> Reader | None:
        if records not in self.readers:
            self.readers[records] = _READERS[records](viewer=self.user, token=self.token)
        return self.readers[records]


class ReadLane:
    def __init__(self) -> None:
        self._viewers: dict[str, _Viewer] = {}
        self._lock = threading.Lock()
        self._warned_at = -60.0
        # The API stack's security headers, by scheme, as Django's middleware writes them, and
        # the API's no-store headers.
        security = SecurityMiddleware(lambda request: HttpResponse())
        self._security_headers = {
            secure: [
                (name, value)
                for name, value in security.process_response(
                    _Scheme(secure), HttpResponse()
                ).items()
                if name != "Content-Type"
            ]
            + list(NO_STORE_HEADERS)
            for secure in (False, True)
        }

    def _log_failure(self, path: str) -> None:
        """A warning with the traceback at most once a minute (a database that fails every
        statement would otherwise write one per request); the rest at debug level."""
        now = time.monotonic()
        if now - self._warned_at >= 60:
            self._warned_at = now
            logger.warning("read lane: handing %s to the API", path, exc_info=True)
        else:
            logger.debug("read lane: handing %s to the API", path, exc_info=True)

    def forget(self) -> None:
        with self._lock:
            self._viewers.clear()

    def _viewer(self, digest: str, secret: str) -> _Viewer | None:
        remembered = self._viewers.get(digest)
        if remembered is not None:
            return remembered
        token = token_authenticate(secret)
        if token is None:
            return None
        remembered = _Viewer(user=token.user, token=token)
        with self._lock:
            if len(self._viewers) >= _REMEMBERED_TOKENS:
                self._viewers.pop(next(iter(self._viewers)))
            self._viewers[digest] = remembered
        return remembered

    def _drop(self, digest: str) -> None:
        with self._lock:
            self._viewers.pop(digest, None)

    def serve(self, environ: dict[str, Any]) -> Answer | None:
        """The API's answer to this request if it is a successful record read, else None."""
        if environ.get("REQUEST_METHOD") != "GET" or environ.get("QUERY_STRING"):
            return None
        match = _PATH.fullmatch(environ.get("PATH_INFO", ""))
        if match is None:
            return None
        scheme, _, secret = environ.get("HTTP_AUTHORIZATION", "").partition(" ")
        if scheme.lower() != "bearer" or not secret or len(secret) > 200:
            return None
        secure = _is_secure(environ)
        if settings.SECURE_SSL_REDIRECT and not secure:
            return None  # the API stack redirects it
        try:
            found = self._read(match[1], int(match[2]), secret, environ)
        except Exception:
            # The API answers instead, with its own error handling; a broken connection is
            # closed by Django's request-start check before the API uses it.
            self._log_failure(match[0])
            return None
        if found is None:
            return None
        body, version = found
        data = body.encode()
        return Answer(
            body=data,
            headers=[
                ("Content-Type", "application/json"),
                ("ETag", etag(version)),
                *self._security_headers[secure],
                ("Content-Length", str(len(data))),
            ],
        )

    def _read(self, records: str, record_id: int, secret: str, environ: dict[str, Any]) -> Any:
        digest = token_digest(secret)
        viewer = self._viewer(digest, secret)
        if viewer is None:
            return None
        if viewer.token.expires_at and viewer.token.expires_at <= timezone.now():
            self._drop(digest)
            return None
        if not scopes.allows(viewer.token.scopes, records, scopes.READ):
            return None  # the API refuses it, in its words (a token's scopes never change)
        reader = viewer.reader(records)
        if reader is None:
            return None  # a manager's scope reads their teams first: the API's way
        found = reader(record_id)
        if isinstance(found, Restricted):
            environ[HANDOVER_KEY] = Handover(
                digest=digest,
                token=viewer.token,
                records=records,
                record_id=record_id,
                row=found.row,
            )
            return None
        if found is None:
            self._drop(digest)
            return None
        try:
            # The token's rate limit counts the lane's answers too; past it, the API answers
            # the 429 in its words (counting that request once more).
            api_request_count(token_id=viewer.token.pk)
        except ApiRateLimited:
            return None
        token_touch(token=viewer.token)
        return found
