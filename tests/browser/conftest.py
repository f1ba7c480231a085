"""What every browser test shares: Debian's Chromium (Playwright never downloads a browser), and
a ``browser`` fixture that launches it for one test, or skips (fails under CI) without it."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

# Playwright's sync API runs an event loop in the test's thread; the live server's database
# calls are still synchronous (see test_sales_flow.py).
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


def require_chromium() -> None:
    if not Path(CHROMIUM).exists():
        reason = f"Debian's chromium is not installed at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)


@pytest.fixture
def browser() -> Iterator[Any]:
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="session")
def live_server(live_server: Any) -> Any:
    """pytest-django's live server, answering one request at a time on SQLite.

    On SQLite the test database lives in memory, and the live server's threads share the test
    thread's one connection to it (Django's LiveServerThread): two requests at once (a page's
    fetches, the notification poll, a picker's lookup) would interleave their transactions on
    it and fail now and then. Requests still arrive on their own threads (a browser's
    keep-alive connections do not block each other); their work, body included, is done one
    at a time."""
    thread = live_server.thread
    # The connections it shares: those of in-memory SQLite databases, none on PostgreSQL.
    if thread.connections_override and not getattr(thread.httpd, "_one_at_a_time", False):
        thread.httpd.set_app(_one_at_a_time(thread.httpd.get_app()))
        thread.httpd._one_at_a_time = True
    return live_server


def _one_at_a_time(app: Any) -> Any:
    lock = threading.Lock()

    def serve(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        with lock:
            result = app(environ, start_response)
            try:
                body = b"".join(result)
            finally:
                close = getattr(result, "close", None)
                if close is not None:
                    close()
        return [body]

    return serve
