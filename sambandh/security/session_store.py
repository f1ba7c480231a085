"""The session engine (``SESSION_ENGINE``): Django's database sessions, stored in
``security.UserSession`` so that a user's sessions can be listed and revoked.

The extra columns are read from the session's own data (written by
``middleware.SessionSecurityMiddleware``), never from the request: whichever code saves a
session (a view, the test client, ``login()``) writes the same row."""

from __future__ import annotations

import datetime
import hashlib
from typing import Any

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DbSessionStore

#: Session data keys: when the user logged in and was last seen (epoch seconds), and from
#: which address and browser.
STARTED = "_sec_started"
SEEN = "_sec_seen"
IP = "_sec_ip"
AGENT = "_sec_ua"


def key_digest(session_key: str) -> str:
    return hashlib.sha256(session_key.encode()).hexdigest()


def _when(value: Any) -> datetime.datetime | None:
    if isinstance(value, int | float):
        return datetime.datetime.fromtimestamp(value, tz=datetime.UTC)
    return None


def _user_id(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class SessionStore(DbSessionStore):
    @classmethod
    def get_model_class(cls) -> Any:
        from sambandh.security.models import UserSession

        return UserSession

    def create_model_instance(self, data: dict[str, Any]) -> Any:
        return self._row(self._get_or_create_session_key(), data)  # type: ignore[attr-defined]

    async def acreate_model_instance(self, data: dict[str, Any]) -> Any:
        return self._row(await self._aget_or_create_session_key(), data)  # type: ignore[attr-defined]

    def _row(self, session_key: str, data: dict[str, Any]) -> Any:
        model: Any = self.model
        return model(
            session_key=session_key,
            session_data=self.encode(data),
            expire_date=self.get_expiry_date(),
            user_id=_user_id(data.get(SESSION_KEY)),
            key_digest=key_digest(session_key),
            ip=str(data.get(IP) or "")[:45],
            user_agent=str(data.get(AGENT) or "")[:300],
            started_at=_when(data.get(STARTED)),
            last_seen_at=_when(data.get(SEEN)),
        )
