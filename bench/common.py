"""What the benchmarks share: the database to run on (created, migrated and loaded with demo
data when empty), the servers (granian, as ``sambandh serve`` uses), and a small HTTP/1.1
load generator (asyncio, keep-alive connections, bounded in time and in requests).

Everything runs on this machine and talks to 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = f"sqlite:///{ROOT / 'var' / 'sambandh.sqlite3'}"
GRANIAN = str(Path(sys.executable).parent / "granian")
# The API requests are made as this user (a sales rep: reads go through the permission filter).
BENCH_SEED = 7


def add_common_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL),
        help="SQLite file (default var/sambandh.sqlite3) or postgres://.../db; "
        "a PostgreSQL database is created when missing (never use 'test')",
    )
    parser.add_argument(
        "--size",
        choices=["small", "large"],
        default="small",
        help="demo data to load when the database is empty",
    )
    parser.add_argument("--workers", type=int, default=2, help="server worker processes")
    parser.add_argument("--threads", type=int, default=4, help="blocking threads per worker")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per measurement")


# --- database --------------------------------------------------------------------------------
def prepare_database(url: str, size: str) -> None:
    """Point Django at ``url``, create the PostgreSQL database if missing, migrate, and load the
    demo data of ``size`` when there are no people yet."""
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    if url.startswith(("postgres://", "postgresql://")):
        _create_postgres_database(url)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    from sambandh.contacts.models import Person

    if not Person.objects.exists():
        print(f"Loading the {size} demo data into {url} (first run only)...", flush=True)
        call_command("demo", size=size)


def _create_postgres_database(url: str) -> None:
    from urllib.parse import urlparse, urlunparse

    import psycopg
    from psycopg import sql

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    if name in ("test", "postgres", "root", ""):
        raise SystemExit(
            f"Use a database of its own for benchmarks (e.g. sambandh_bench), not {name!r}"
        )
    admin_url = urlunparse(parsed._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def bench_user() -> Any:
    """The sales rep who owns the most people: the API's reads pass their permission filter."""
    from django.db.models import Count

    from sambandh.accounts.models import Role, User
    from sambandh.contacts.models import Person

    top = (
        Person.objects.values("owner_id")
        .annotate(n=Count("id"))
        .order_by("-n")
        .filter(owner__role=Role.SALES_REP)
        .first()
    )
    if top is None:
        raise SystemExit("No sales rep owns a person: load the demo data first.")
    return User.objects.get(pk=top["owner_id"])


def admin_user() -> Any:
    from sambandh.accounts.models import Role, User

    return User.objects.filter(role=Role.ADMIN, is_active=True).order_by("id").first()


def token_for(user: Any) -> str:
    from sambandh.accounts.services import token_create

    return token_create(user=user, name="bench")[1]


def visible_person_ids(user: Any, count: int = 5000) -> list[int]:
    """Random ids of people ``user`` may see (through the same selector the API uses)."""
    from sambandh.contacts.selectors import people_visible

    ids = list(people_visible(user).order_by("id").values_list("id", flat=True))
    rng = random.Random(BENCH_SEED)
    return rng.sample(ids, min(count, len(ids)))


def database_label(url: str) -> str:
    return "PostgreSQL" if url.startswith(("postgres://", "postgresql://")) else "SQLite"


# --- servers ---------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def server(
    target: str, *, workers: int, threads: int, env: dict[str, str] | None = None
) -> Iterator[int]:
    """Serve the WSGI ``target`` with granian on a free loopback port until the block ends."""
    port = free_port()
    command = [
        GRANIAN,
        "--interface",
        "wsgi",
        target,
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--blocking-threads",
        str(threads),
        "--log-level",
        "warning",
        "--no-ws",
        "--working-dir",
        str(ROOT),
    ]
    # Its own process group, so that stopping it stops its workers too.
    process = subprocess.Popen(
        command, cwd=ROOT, env={**os.environ, **(env or {})}, start_new_session=True
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                status, _ = get("127.0.0.1", port, "/health")
                if status == 200:
                    break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{target} did not start")
            time.sleep(0.2)
        yield port
    finally:
        _stop(process)


def _stop(process: subprocess.Popen) -> None:
    """SIGTERM to the server's process group; SIGKILL when it is still there after 10 s."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)
    except ProcessLookupError:
        return
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)  # a worker the leader left behind


def get(
    host: str, port: int, path: str, headers: dict[str, str] | None = None
) -> tuple[int, bytes]:
    import http.client

    conn = http.client.HTTPConnection(host, port, timeout=30)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


# --- load generator --------------------------------------------------------------------------
@dataclass
class Result:
    requests: int = 0
    errors: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def pct(self, p: float) -> float:
        """The ``p``-th percentile latency in milliseconds."""
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        index = min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))
        return ordered[index] * 1000

    @property
    def median(self) -> float:
        return statistics.median(self.latencies) * 1000 if self.latencies else float("nan")


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, int]:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    length, chunked = None, False
    for line in lines[1:]:
        name, _, value = line.partition(":")
        name = name.strip().lower()
        if name == "content-length":
            length = int(value.strip())
        elif name == "transfer-encoding" and "chunked" in value.lower():
            chunked = True
    size = 0
    if chunked:
        while True:
            size_line = await reader.readuntil(b"\r\n")
            chunk = int(size_line.split(b";")[0].strip(), 16)
            if chunk == 0:
                await reader.readuntil(b"\r\n")
                break
            await reader.readexactly(chunk + 2)
            size += chunk
    elif length:
        await reader.readexactly(length)
        size = length
    return status, size


async def _worker(
    port: int,
    next_path: Callable[[], str],
    headers: str,
    deadline: float,
    limit: int,
    result: Result,
    record: Callable[[], bool],
    body: Callable[[], bytes] | None = None,
    stop: Callable[[], bool] | None = None,
    pace: float = 0.0,
) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        while (
            time.perf_counter() < deadline
            and result.requests + result.errors < limit
            and not (stop and stop())
        ):
            if body is None:
                request = (
                    f"GET {next_path()} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{headers}\r\n"
                ).encode()
            else:
                payload = body()
                request = (
                    f"POST {next_path()} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{headers}"
                    f"Content-Type: application/json\r\nContent-Length: {len(payload)}\r\n\r\n"
                ).encode() + payload
            started = time.perf_counter()
            writer.write(request)
            status, _size = await _read_response(reader)
            elapsed = time.perf_counter() - started
            if pace > elapsed:
                await asyncio.sleep(pace - elapsed)
            if not record():
                continue
            if status in (200, 201):
                result.requests += 1
                result.latencies.append(elapsed)
            else:
                result.errors += 1
    finally:
        writer.close()


def load(
    port: int,
    next_path: Callable[[], str],
    *,
    headers: dict[str, str] | None = None,
    connections: int = 16,
    duration: float = 10.0,
    warmup: float = 2.0,
    limit: int = 2_000_000,
    body: Callable[[], bytes] | None = None,
    stop: Callable[[], bool] | None = None,
    pace: float = 0.0,
) -> Result:
    """``connections`` keep-alive connections sending GETs (POSTs of ``body()`` when given)
    back to back for ``warmup`` + ``duration`` seconds (at most ``limit`` requests, and until
    ``stop()`` answers true when given); the warm-up's requests are not counted. With
    ``pace``, each connection sends a request at most every ``pace`` seconds (people at work,
    not a flood: the latency is then the service's, not the queue the clients make)."""
    header_text = "".join(f"{k}: {v}\r\n" for k, v in (headers or {}).items())
    result = Result()

    async def main() -> None:
        start = time.perf_counter()
        measure_from = start + warmup
        deadline = measure_from + duration

        def record() -> bool:
            return time.perf_counter() >= measure_from

        await asyncio.gather(
            *(
                _worker(
                    port, next_path, header_text, deadline, limit, result, record, body, stop, pace
                )
                for _ in range(connections)
            )
        )
        result.seconds = time.perf_counter() - measure_from

    asyncio.run(main())
    return result


def sequential(
    port: int, paths: list[str], *, headers: dict[str, str] | None = None, repeat: int = 1
) -> Result:
    """One connection, one request at a time (a person typing): latency without queueing."""
    return load(
        port,
        iter(paths * repeat).__next__,
        headers=headers,
        connections=1,
        duration=3600,
        warmup=0,
        limit=len(paths) * repeat,
    )


# --- report ----------------------------------------------------------------------------------
@dataclass
class Row:
    name: str
    figure: str
    baseline: str
    ratio: float
    target: str
    passed: bool
    notes: str = ""


def print_table(rows: list[Row], title: str) -> None:
    headers = ("benchmark", "measured", "baseline", "ratio", "target", "ok", "notes")
    table = [headers] + [
        (
            r.name,
            r.figure,
            r.baseline,
            f"{r.ratio:.2f}",
            r.target,
            "yes" if r.passed else "NO",
            r.notes,
        )
        for r in rows
    ]
    widths = [max(len(str(row[i])) for row in table) for i in range(len(headers))]
    print(f"\n{title}")
    for i, row in enumerate(table):
        print("  ".join(str(cell).ljust(widths[j]) for j, cell in enumerate(row)).rstrip())
        if i == 0:
            print("  ".join("-" * w for w in widths))


# --- the context every benchmark runs in -----------------------------------------------------
@dataclass
class Context:
    args: argparse.Namespace
    label: str
    api_port: int
    bare_port: int
    ceiling_port: int  # bench/ceiling_app.py: the bare read inside Django, nothing else
    rep: Any
    admin: Any
    rep_token: str
    admin_token: str
    rep_ids: list[int]

    def auth(self, token: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {token}"}


@contextmanager
def context(args: argparse.Namespace) -> Iterator[Context]:
    """Prepare the database, then serve the API (config.wsgi, as ``sambandh serve`` does) and
    the bare baseline app with the same server and settings, until the block ends."""
    prepare_database(args.database_url, args.size)
    rep, admin = bench_user(), admin_user()
    rep_ids = visible_person_ids(rep)
    rep_token, admin_token = token_for(rep), token_for(admin)
    from django.db import connections

    connections.close_all()
    # One token sends far more than a person would (thousands of requests a minute): the
    # benchmarks measure the server, not the per-token rate limit (security/api_limits.py).
    env = {"DATABASE_URL": args.database_url, "API_RATE_LIMIT": "0"}
    with (
        server(
            "config.wsgi:application", workers=args.workers, threads=args.threads, env=env
        ) as api_port,
        server(
            "bench.bare_app:app", workers=args.workers, threads=args.threads, env=env
        ) as bare_port,
        server(
            "bench.ceiling_app:app", workers=args.workers, threads=args.threads, env=env
        ) as ceiling_port,
    ):
        yield Context(
            args=args,
            label=database_label(args.database_url),
            api_port=api_port,
            bare_port=bare_port,
            ceiling_port=ceiling_port,
            rep=rep,
            admin=admin,
            rep_token=rep_token,
            admin_token=admin_token,
            rep_ids=rep_ids,
        )


def parser(description: str) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=description)
    add_common_arguments(p)
    return p
