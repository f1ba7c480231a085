"""Shared fixtures: named users (owner, teammate, outsider, manager, admin, read-only) on a real
database, and API clients that authenticate with real bearer tokens."""

from __future__ import annotations

import os
from typing import Any

import pytest
from django.db import connection

from tests import factories
from tests.clients import SambandhClient

# The ``smtp_server`` fixture: a real SMTP server on 127.0.0.1 (tests/smtp.py).
pytest_plugins = ["tests.smtp"]

# A worker run inside a test's own process keeps the test run's priority (os.nice cannot be
# undone); the default of 10 is for deployments (sambandh/cli.py, --nice).
os.environ.setdefault("WORKER_NICE", "0")


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    """Tests marked ``postgres`` run only when the database is PostgreSQL."""
    engine = os.environ.get("DATABASE_URL", "")
    on_postgres = engine.startswith(("postgres://", "postgresql://"))
    skip = pytest.mark.skip(reason="needs PostgreSQL (run with DATABASE_URL=postgres://...)")
    for item in items:
        if "postgres" in item.keywords and not on_postgres:
            item.add_marker(skip)
        if "sqlite_only" in item.keywords and on_postgres:
            item.add_marker(pytest.mark.skip(reason="SQLite-specific"))


@pytest.fixture
def client() -> SambandhClient:
    """pytest-django's ``client``, with production's two middleware stacks."""
    return SambandhClient()


@pytest.fixture(autouse=True)
def site_language() -> Any:
    """Each test starts in the site's language. A web request leaves its user's language
    active on its thread (the next request sets its own: LocaleMiddleware); a test that then
    calls a service directly, on the same thread, would otherwise read its messages in the
    last request's language."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    """Named users get passwords; Argon2 at full cost would dominate the suite's time. (Login
    and reset tests still exercise Django's real hashing path.)"""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fresh_api_rate_counts() -> Any:
    """The API rate limit's per-process counts (security/api_limits.py) follow the database's,
    which each test rolls back."""
    from sambandh.security.api_limits import forget

    forget()
    yield
    forget()


@pytest.fixture(autouse=True)
def fresh_custom_fields() -> Any:
    """Custom field definitions are kept per process (customfields/selectors.py); a test's
    rolled-back fields must not outlive it."""
    from sambandh.customfields.selectors import forget_definitions

    forget_definitions()
    yield
    forget_definitions()


@pytest.fixture
def team(db: Any) -> Any:
    return factories.make_team("Sales India")


@pytest.fixture
def other_team(db: Any) -> Any:
    return factories.make_team("Sales Brazil")


@pytest.fixture
def owner(team: Any) -> Any:
    return factories.make_user(
        "sales_rep", email="owner@example.com", full_name="Olivia Owner", team=team
    )


@pytest.fixture
def teammate(team: Any) -> Any:
    return factories.make_user(
        "sales_rep", email="teammate@example.com", full_name="Tejas Teammate", team=team
    )


@pytest.fixture
def outsider(other_team: Any) -> Any:
    return factories.make_user(
        "sales_rep", email="outsider@example.com", full_name="Oscar Outsider", team=other_team
    )


@pytest.fixture
def manager(team: Any) -> Any:
    return factories.make_user(
        "manager", email="manager@example.com", full_name="Meera Manager", team=team
    )


@pytest.fixture
def admin_user(db: Any) -> Any:
    return factories.make_user("admin", email="admin@example.com", full_name="Ada Admin")


@pytest.fixture
def readonly(team: Any) -> Any:
    return factories.make_user(
        "read_only", email="reader@example.com", full_name="Rae Reader", team=team
    )


@pytest.fixture
def pipeline(admin_user: Any) -> Any:
    return factories.make_pipeline(admin_user)


class ApiClient:
    """A test client that sends a real bearer token and JSON bodies."""

    def __init__(self, user: Any, *, token: str | None = None, lane: bool = True):
        self.user = user
        self.token = token or factories.make_token(user)
        self.client = SambandhClient(lane=lane)

    @property
    def lane_answered(self) -> bool:
        """Whether the read lane (config/read_lane.py) answered the last request."""
        return self.client.lane_answered

    def _headers(self, headers: dict[str, str] | None) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}", **(headers or {})}

    def get(self, path: str, params: dict[str, Any] | None = None, **headers: str) -> Any:
        return self.client.get(path, params or {}, headers=self._headers(headers))

    def post(self, path: str, body: Any = None, **headers: str) -> Any:
        return self.client.post(
            path,
            body if body is not None else {},
            content_type="application/json",
            headers=self._headers(headers),
        )

    def patch(self, path: str, body: Any = None, **headers: str) -> Any:
        return self.client.patch(
            path,
            body if body is not None else {},
            content_type="application/json",
            headers=self._headers(headers),
        )

    def put(self, path: str, body: Any = None, **headers: str) -> Any:
        return self.client.put(
            path,
            body if body is not None else {},
            content_type="application/json",
            headers=self._headers(headers),
        )

    def delete(self, path: str, **headers: str) -> Any:
        return self.client.delete(path, headers=self._headers(headers))


@pytest.fixture
def api() -> Any:
    """``api(user)`` gives a client acting as ``user`` through a bearer token."""
    return ApiClient


@pytest.fixture
def browser_for() -> Any:
    """``browser_for(user)``: a test client with ``user`` signed in through the session."""

    def make(user: Any) -> Any:
        from django.test import Client

        client = Client()
        client.force_login(user)
        return client

    return make


@pytest.fixture
def queries() -> Any:
    from django.test.utils import CaptureQueriesContext

    return lambda: CaptureQueriesContext(connection)
