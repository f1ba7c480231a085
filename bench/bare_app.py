"""The raw baseline: a bare WSGI app that reads one person row with the database driver and
answers it as JSON. No Django, no authentication, no permissions: what the API's record read
is compared with, served by the same server (granian) with the same number of workers.

    DATABASE_URL=... granian --interface wsgi bench.bare_app:app --workers 2 --port 8102
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable, Iterable
from typing import Any

COLUMNS = (
    "id",
    "full_name",
    "given_name",
    "family_name",
    "job_title",
    "email",
    "phone",
    "organization_id",
    "owner_id",
    "preferred_language",
    "time_zone",
    "country",
    "version",
    "updated_at",
)
SQL = f"SELECT {', '.join(COLUMNS)} FROM contacts_person WHERE id = "  # noqa: S608

_local = threading.local()


def _database() -> tuple[str, dict[str, Any]]:
    import dj_database_url

    url = os.environ.get("DATABASE_URL") or "sqlite:///var/sambandh.sqlite3"
    config = dj_database_url.parse(url)
    if config["ENGINE"].endswith("sqlite3"):
        return "sqlite", {"path": str(config["NAME"])}
    return "postgres", {"conninfo": url}


KIND, PARAMS = _database()


def _connection() -> Any:
    conn = getattr(_local, "conn", None)
    if conn is None:
        if KIND == "sqlite":
            import sqlite3

            conn = sqlite3.connect(PARAMS["path"], check_same_thread=False)
            conn.execute("PRAGMA query_only = ON")
        else:
            import psycopg

            conn = psycopg.connect(PARAMS["conninfo"], autocommit=True)
        _local.conn = conn
    return conn


def _read(person_id: int) -> dict[str, Any] | None:
    conn = _connection()
    mark = "?" if KIND == "sqlite" else "%s"
    row = conn.execute(SQL + mark, (person_id,)).fetchone()
    if row is None:
        return None
    return {
        name: (str(value) if name == "updated_at" else value)
        for name, value in zip(COLUMNS, row, strict=True)
    }


def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    path = environ.get("PATH_INFO", "")
    status, body = "404 Not Found", b'{"error": "not found"}'
    if path == "/health":
        status, body = "200 OK", b'{"status": "ok"}'
    elif path.startswith("/people/"):
        try:
            person = _read(int(path.removeprefix("/people/")))
        except ValueError:
            person = None
        if person is not None:
            status, body = "200 OK", json.dumps(person, ensure_ascii=False).encode()
    start_response(
        status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
    )
    return [body]
