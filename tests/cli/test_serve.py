"""`sambandh serve` end to end: a real server process (granian, config.wsgi) on loopback, with
its own SQLite file, written and read through the API as a customer's script would."""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.sqlite_only

SAMBANDH = str(Path(sys.executable).parent / "sambandh")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _run(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(  # noqa: S603 - our own console script
        [SAMBANDH, *args], env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def _request(port: int, method: str, path: str, token: str, body: object = None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    headers = {"Authorization": f"Bearer {token}"}
    payload = None
    if body is not None:
        payload = json.dumps(body)
        headers["Content-Type"] = "application/json"
    conn.request(method, path, body=payload, headers=headers)
    resp = conn.getresponse()
    data = resp.read()
    conn.close()
    return resp.status, resp.headers, json.loads(data) if data else None


@pytest.fixture
def server(tmp_path):
    database = tmp_path / "sambandh.sqlite3"
    env = {
        **os.environ,
        # The product's own settings (the test run's add a record type of the tests').
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": f"sqlite:///{database}",
        "SAMBANDH_DATA_DIR": str(tmp_path),
    }
    _run(env, "migrate", "--verbosity", "0")
    _run(
        env,
        "user",
        "create",
        "--email",
        "rep@example.com",
        "--role",
        "sales_rep",
        "--password",
        "a long enough passphrase 1",
    )
    token = _run(env, "token", "create", "--email", "rep@example.com").strip().splitlines()[-1]
    port = _free_port()
    process = subprocess.Popen(  # noqa: S603 - our own console script
        [SAMBANDH, "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own process group: the workers go with it
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                conn.request("GET", "/health")
                if conn.getresponse().status == 200:
                    break
            except OSError:
                pass
            assert process.poll() is None, process.stderr.read() if process.stderr else ""
            assert time.monotonic() < deadline, "sambandh serve did not answer /health"
            time.sleep(0.2)
        yield port, token, database
    finally:
        _stop(process)


def _stop(process: subprocess.Popen) -> None:
    """SIGTERM to the server's process group, SIGKILL if it is still there after 10 s (granian
    has been seen to miss a SIGTERM that arrives while it starts its workers)."""
    group = process.pid  # start_new_session: the group's id is the leader's pid
    try:
        os.killpg(group, signal.SIGTERM)
        process.wait(timeout=10)
    except ProcessLookupError:
        return  # already gone
    except subprocess.TimeoutExpired:
        os.killpg(group, signal.SIGKILL)
        process.wait(timeout=10)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(group, signal.SIGKILL)  # a worker the leader left behind


def test_a_script_creates_reads_and_loses_access_on_revocation(server):
    port, token, database = server
    # when a script creates a person through the API
    status, headers, created = _request(
        port,
        "POST",
        "/api/v1/people",
        token,
        {"full_name": "Ravi Rao", "emails": [{"email": "ravi@example.in", "is_primary": True}]},
    )
    assert status == 201, created
    path = f"/api/v1/people/{created['id']}"
    # then reading it twice answers the same record (the second read through the read lane),
    # with its ETag and the security headers
    first = _request(port, "GET", path, token)
    second = _request(port, "GET", path, token)
    assert first[0] == second[0] == 200
    assert first[2] == second[2] == created
    assert second[1]["ETag"] == 'W/"1"' == headers["ETag"]
    assert second[1]["X-Content-Type-Options"] == "nosniff"
    assert second[1]["Content-Type"] == "application/json"
    # when the token is revoked (here straight in the database, as another process would)
    with sqlite3.connect(database) as db:
        db.execute("UPDATE accounts_apitoken SET revoked_at = CURRENT_TIMESTAMP")
    # then the very next read is refused with the API's envelope
    status, _headers, body = _request(port, "GET", path, token)
    assert status == 401
    assert body["error"]["code"] == "unauthorized"


def test_the_worker_beside_the_server_runs_what_follows_a_change(server):
    port, token, database = server
    # when a script renames an organization (its people's search documents follow in the
    # background)
    status, _headers, org = _request(port, "POST", "/api/v1/organizations", token, {"name": "Old"})
    assert status == 201, org
    status, _headers, _body = _request(
        port, "PATCH", f"/api/v1/organizations/{org['id']}", token, {"name": "New", "version": 1}
    )
    assert status == 200, _body
    # then the worker that `serve` started runs the handler, without a second command
    deadline = time.monotonic() + 60
    while True:
        with sqlite3.connect(database) as db:
            runs = db.execute(
                "SELECT status FROM events_handlerrun WHERE handler = ?",
                ["contacts.organization_renamed"],
            ).fetchall()
        if runs and all(status == "succeeded" for (status,) in runs):
            break
        assert time.monotonic() < deadline, runs
        time.sleep(0.3)
