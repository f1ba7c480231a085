"""Two middleware stacks in one process: the web's, and a lean one for the REST API.

The API authenticates every request with a bearer token and answers JSON, so it needs none of
the web stack's sessions, CSRF, messages, locale negotiation or static files, which cost more
than a whole record read (docs/decisions/0004). Requests under ``/api/`` go to a handler built
from ``settings.API_MIDDLEWARE`` instead of ``settings.MIDDLEWARE``. Both handlers are ordinary
Django handlers: URL resolution, views, exception handling and signals are Django's own.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections

API_PREFIX = "/api/"
_loading = threading.Lock()


def is_api_path(path: str) -> bool:
    return path.startswith(API_PREFIX)


@contextmanager
def _api_middleware_setting() -> Any:
    """Django builds a handler's stack from ``settings.MIDDLEWARE``; while one API handler is
    built, that setting names the API stack. Handlers are built once, at start-up (or on a
    test client's first request), under a lock."""
    with _loading:
        web_stack = settings.MIDDLEWARE
        settings.MIDDLEWARE = settings.API_MIDDLEWARE
        try:
            yield
        finally:
            settings.MIDDLEWARE = web_stack


class ApiStackMixin:
    """Builds a handler's middleware from ``settings.API_MIDDLEWARE`` (the test client's API
    handler uses it too, so tests run the stack production runs)."""

    def load_middleware(self, is_async: bool = False) -> None:
        with _api_middleware_setting():
            super().load_middleware(is_async)  # type: ignore[misc]


class ApiWSGIHandler(ApiStackMixin, WSGIHandler):
    """The WSGI handler for ``/api/``."""


StartResponse = Callable[..., Any]


class Application:
    """The WSGI application: ``/api/`` to the API stack (a successful record read straight from
    the read lane, config/read_lane.py), everything else to the web stack."""

    def __init__(self) -> None:
        from config.read_lane import ReadLane

        self.web = WSGIHandler()
        self.api = ApiWSGIHandler()
        self.lane = ReadLane()

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if not is_api_path(environ.get("PATH_INFO", "")):
            return self.web(environ, start_response)
        if environ.get("REQUEST_METHOD") == "GET":
            # What Django does at a request's start: close connections that are too old or
            # broke during the last request.
            close_old_connections()
            answer = self.lane.serve(environ)
            if answer is not None:
                start_response(answer.status, answer.headers)
                return [answer.body]
        return self.api(environ, start_response)
