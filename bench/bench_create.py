"""Creating a person through the API, with the event log on and off: POST /api/v1/people with a
bearer token, 8 keep-alive connections, against two servers of the same code that differ only in
EVENTS_ENABLED; they take turns, three rounds each. Also the statements one create runs, counted
in this process through the same WSGI application.

Target (issue 7): with its event, a create costs no more than 10% of the requests per second
without it (today's figures: about 87/s on PostgreSQL, 64/s on SQLite, 21 statements).
"""

from __future__ import annotations

import io
import itertools
import json
import os
from typing import Any

from bench.common import Context, Result, Row, context, load, parser, print_table, server

ROUNDS = 3
CONNECTIONS = 8


def _merge(results: list[Result]) -> Result:
    return Result(
        requests=sum(r.requests for r in results),
        errors=sum(r.errors for r in results),
        seconds=sum(r.seconds for r in results),
        latencies=[x for r in results for x in r.latencies],
    )


def statements_per_create(token: str, *, events: bool) -> int:
    """Run one create through config.wsgi in this process and count its statements."""
    from django.conf import settings
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from config.wsgi import application

    body = json.dumps({"full_name": "Statement Count"}).encode()
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/api/v1/people",
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "CONTENT_TYPE": "application/json",
        "CONTENT_LENGTH": str(len(body)),
        "HTTP_AUTHORIZATION": f"Bearer {token}",
        "HTTP_HOST": "127.0.0.1",
        "wsgi.input": io.BytesIO(body),
        "wsgi.url_scheme": "http",
        "wsgi.errors": io.StringIO(),
        "wsgi.version": (1, 0),
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }
    statuses: list[str] = []
    was = settings.EVENTS_ENABLED
    settings.EVENTS_ENABLED = events
    try:
        # The first request warms the process (the token statement, compiled queries).
        for _ in range(2):
            environ["wsgi.input"] = io.BytesIO(body)
            with CaptureQueriesContext(connection) as queries:
                b"".join(application(environ, lambda status, _h: statuses.append(status)))
    finally:
        settings.EVENTS_ENABLED = was
    assert statuses[-1].startswith("201"), statuses
    return len(queries)


def run(ctx: Context) -> list[Row]:
    args = ctx.args
    counter = itertools.count()
    headers = ctx.auth(ctx.rep_token)

    def body() -> bytes:
        return json.dumps({"full_name": f"Bench Create {os.getpid()} {next(counter)}"}).encode()

    env = {"DATABASE_URL": args.database_url}
    share = args.duration / ROUNDS
    on_rounds: list[Result] = []
    off_rounds: list[Result] = []
    with (
        server(
            "config.wsgi:application",
            workers=args.workers,
            threads=args.threads,
            env={**env, "EVENTS_ENABLED": "0"},
        ) as off_port,
    ):
        for round_number in range(ROUNDS):
            warmup = 3.0 if round_number == 0 else 0.5
            for port, taken in ((off_port, off_rounds), (ctx.api_port, on_rounds)):
                taken.append(
                    load(
                        port,
                        lambda: "/api/v1/people",
                        headers=headers,
                        connections=CONNECTIONS,
                        duration=share,
                        warmup=warmup,
                        body=body,
                    )
                )
    on, off = _merge(on_rounds), _merge(off_rounds)
    ratio = on.rps / off.rps if off.rps else 0.0
    with_events = statements_per_create(ctx.rep_token, events=True)
    without = statements_per_create(ctx.rep_token, events=False)
    rounds = ", ".join(
        f"{a.rps / b.rps:.2f}" for a, b in zip(on_rounds, off_rounds, strict=True) if b.rps
    )
    return [
        Row(
            name=f"person create with its event ({ctx.label}, {CONNECTIONS} conn)",
            figure=f"{on.rps:,.1f} req/s, p50 {on.median:.1f} ms; {with_events} statements",
            baseline=f"events off {off.rps:,.1f} req/s; {without} statements",
            ratio=ratio,
            target="ratio >= 0.90",
            passed=ratio >= 0.9,
            notes=f"{on.errors + off.errors} errors; rounds {rounds}",
        )
    ]


if __name__ == "__main__":
    arguments: Any = parser(__doc__ or "").parse_args()
    with context(arguments) as ctx:
        print_table(run(ctx), "Person create")
