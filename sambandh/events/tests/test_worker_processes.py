"""Real worker processes (`sambandh worker`) against one database, SQLite or PostgreSQL: two
workers never run the same handler run or job slot, a slot missed during downtime runs once, and
a worker killed with SIGKILL mid-handler loses nothing. Time is passed in with --now."""

from __future__ import annotations

import datetime
import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[3]
SAMBANDH = str(Path(sys.executable).parent / "sambandh")


def _postgres_url() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else None


@pytest.fixture(scope="module")
def database(tmp_path_factory: Any) -> Any:
    """A migrated database of its own (the test database is in memory on SQLite, and these
    processes must share one)."""
    base = _postgres_url()
    if base is None:
        url = f"sqlite:///{tmp_path_factory.mktemp('workers')}/workers.sqlite3"
        drop = None
    else:
        import psycopg

        name = f"workers_{uuid.uuid4().hex[:10]}"
        prefix, _old = base.rsplit("/", 1)
        url = f"{prefix}/{name}"
        admin = f"{prefix}/postgres"
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')

        def drop() -> None:
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": url,
        "PYTHONPATH": str(ROOT),
        "EVENTS_EXTRA_MODULES": "tests.events_workload",
        "SAMBANDH_DATA_DIR": str(tmp_path_factory.mktemp("data")),
    }
    done = subprocess.run(  # noqa: S603 - our own console script
        [SAMBANDH, "migrate", "--verbosity", "0"], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    yield env
    if drop is not None:
        drop()


@pytest.fixture
def env(database: Any, tmp_path: Path) -> dict[str, str]:
    return {**database, "EVENTS_TEST_LOG": str(tmp_path / "executions.log")}


def _cli(env: dict[str, str], *args: str) -> Any:
    done = subprocess.run(  # noqa: S603 - our own test module
        [sys.executable, "-m", "tests.events_workload_cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout) if args[0] == "report" else None


def _worker(env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(  # noqa: S603 - our own console script
        [SAMBANDH, "worker", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _finish(*workers: subprocess.Popen[str]) -> None:
    for worker in workers:
        _out, err = worker.communicate(timeout=180)
        assert worker.returncode == 0, err


def _log(env: dict[str, str]) -> list[list[str]]:
    path = Path(env["EVENTS_TEST_LOG"])
    return [line.split() for line in path.read_text().splitlines()] if path.exists() else []


def _iso(at: datetime.datetime) -> str:
    return at.isoformat()


def test_two_workers_run_every_handler_run_exactly_once(env: dict[str, str]) -> None:
    # given 40 events, each with one handler run, committed
    before = {r["event_id"] for r in _cli(env, "report")["runs"]}
    _cli(env, "emit", "40")
    new = [r for r in _cli(env, "report")["runs"] if r["event_id"] not in before]
    assert len(new) == 40
    # when two workers run at the same time until idle
    _finish(_worker(env, "--until-idle"), _worker(env, "--until-idle"))
    # then each event's handler started and finished exactly once, across both workers
    log = _log(env)
    starts = Counter(int(line[1]) for line in log if line[0] == "start")
    dones = Counter(int(line[1]) for line in log if line[0] == "done")
    ids = {r["event_id"] for r in new}
    assert {k: v for k, v in starts.items() if k in ids} == dict.fromkeys(ids, 1)
    assert {k: v for k, v in dones.items() if k in ids} == dict.fromkeys(ids, 1)
    after = [r for r in _cli(env, "report")["runs"] if r["event_id"] in ids]
    assert {(r["status"], r["attempts"]) for r in after} == {("succeeded", 1)}


def test_two_workers_run_a_job_slot_once_and_catch_up_a_missed_slot_once(
    env: dict[str, str],
) -> None:
    at = datetime.datetime(2031, 3, 1, 10, 30, tzinfo=datetime.UTC)
    # when two workers start at 10:30 at the same time
    _finish(
        _worker(env, "--until-idle", "--now", _iso(at)),
        _worker(env, "--until-idle", "--now", _iso(at)),
    )
    # then the 10:00 slot of the hourly job ran once
    first = [line[1] for line in _log(env) if line[0] == "job"]
    assert first == ["2031-03-01T10:00:00+00:00"]
    # when the workers were down until 13:20 and both start again
    later = at + datetime.timedelta(hours=2, minutes=50)
    _finish(
        _worker(env, "--until-idle", "--now", _iso(later)),
        _worker(env, "--until-idle", "--now", _iso(later)),
    )
    # then the missed slot (the latest, 13:00) ran once, and 11:00 and 12:00 were not replayed
    jobs = [line[1] for line in _log(env) if line[0] == "job"]
    assert jobs == ["2031-03-01T10:00:00+00:00", "2031-03-01T13:00:00+00:00"]
    # and a third start within the same hour runs nothing more
    _finish(_worker(env, "--until-idle", "--now", _iso(later + datetime.timedelta(minutes=5))))
    assert [line[1] for line in _log(env) if line[0] == "job"] == jobs
    report = [j for j in _cli(env, "report")["jobs"] if j["slot"].startswith("2031-03-01")]
    assert [(j["slot"], j["status"]) for j in report] == [
        ("2031-03-01T10:00:00+00:00", "succeeded"),
        ("2031-03-01T13:00:00+00:00", "succeeded"),
    ]


def test_a_worker_killed_mid_handler_loses_nothing(env: dict[str, str]) -> None:
    # given one event whose handler is slow
    before = {r["event_id"] for r in _cli(env, "report")["runs"]}
    _cli(env, "emit", "1")
    (run,) = [r for r in _cli(env, "report")["runs"] if r["event_id"] not in before]
    event_id = run["event_id"]
    # when a worker starts it and is killed with SIGKILL in the middle
    slow = _worker({**env, "EVENTS_TEST_SLOW": "1"}, "--until-idle")
    deadline = time.monotonic() + 60
    while not any(line[:2] == ["start", str(event_id)] for line in _log(env)):
        assert time.monotonic() < deadline, "the handler never started"
        assert slow.poll() is None, slow.communicate()
        time.sleep(0.1)
    os.kill(slow.pid, signal.SIGKILL)
    slow.wait(timeout=30)
    (claimed,) = [r for r in _cli(env, "report")["runs"] if r["event_id"] == event_id]
    assert (claimed["status"], claimed["attempts"]) == ("running", 1)
    # then a worker started while the dead worker's lease still holds leaves the run alone
    _finish(_worker(env, "--until-idle"))
    assert [line[0] for line in _log(env) if line[1] == str(event_id)] == ["start"]
    # and once the lease has expired, the next worker runs it to success, once
    after_lease = datetime.datetime.now(datetime.UTC) + datetime.timedelta(seconds=400)
    _finish(_worker(env, "--until-idle", "--now", _iso(after_lease)))
    assert [line[0] for line in _log(env) if line[1] == str(event_id)] == ["start", "start", "done"]
    (finished,) = [r for r in _cli(env, "report")["runs"] if r["event_id"] == event_id]
    assert (finished["status"], finished["attempts"]) == ("succeeded", 2)
    # and running the worker again does not run it a second time
    _finish(_worker(env, "--until-idle", "--now", _iso(after_lease + datetime.timedelta(hours=1))))
    assert [line[0] for line in _log(env) if line[1] == str(event_id)] == ["start", "start", "done"]


def test_a_worker_stops_on_sigterm_with_status_0(env: dict[str, str]) -> None:
    # given a worker running (not until idle), waiting for work (-v: it logs when it started)
    worker = _worker(env, "--interval", "0.2", "-v")
    lines: list[str] = []
    started = threading.Event()

    def read() -> None:
        assert worker.stderr is not None
        for line in worker.stderr:
            lines.append(line)
            if "started" in line:
                started.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    if not started.wait(timeout=90):
        worker.kill()
        raise AssertionError(f"the worker never said it started: {lines}")
    assert worker.poll() is None
    # when it is asked to stop
    worker.send_signal(signal.SIGTERM)
    # then it stops by itself, with status 0
    assert worker.wait(timeout=30) == 0, lines
    reader.join(timeout=10)
    assert any("stopped" in line for line in lines), lines
