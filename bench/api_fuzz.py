"""Schemathesis over /api/v1/openapi.json against a live server (granian serving config.wsgi, as
``sambandh serve`` does) on a database of its own, loaded with the small demo data: ``--examples``
generated requests per operation in each mode (positive and negative), sent with an
administrator's token, ids grounded in rows that exist (tests/api/fuzzing.py). Prints the count
of server errors (target: zero) and each one's request as a curl command.

    .venv/bin/python bench/api_fuzz.py --examples 1000
    .venv/bin/python bench/api_fuzz.py --examples 1000 --operations 'people|deals'

The database is a scratch one (default var/api_fuzz.sqlite3): the run creates, changes and
deletes records at random.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import admin_user, prepare_database, server, token_for  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=100, help="cases per operation and mode")
    parser.add_argument(
        "--operations", default="", help="a regular expression: only 'METHOD path' that match"
    )
    parser.add_argument(
        "--database-url",
        default=f"sqlite:///{ROOT / 'var' / 'api_fuzz.sqlite3'}",
        help="a scratch database (SQLite file or postgres://.../db, created when missing)",
    )
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args(argv)

    # The run sends thousands of requests a minute with one token, by design.
    os.environ["API_RATE_LIMIT"] = "0"
    prepare_database(args.database_url, "small")
    import schemathesis

    from tests.api.fuzzing import describe, run

    token = token_for(admin_user())
    from django.db import connections

    connections.close_all()
    pattern = re.compile(args.operations) if args.operations else None
    env = {"DATABASE_URL": args.database_url, "API_RATE_LIMIT": "0"}
    with server(
        "config.wsgi:application", workers=args.workers, threads=args.threads, env=env
    ) as port:
        base = f"http://127.0.0.1:{port}"
        schema = schemathesis.openapi.from_url(f"{base}/api/v1/openapi.json")
        report = run(
            schema,
            token=token,
            examples=args.examples,
            call=lambda case, headers: case.call(base_url=base, headers=headers, timeout=60),
            only=(
                (lambda op: bool(pattern.search(f"{op.method.upper()} {op.path}")))
                if pattern
                else None
            ),
            progress=lambda line: print(line, flush=True),
        )
    print(describe(report))
    return 1 if any(e.status >= 500 for e in report.errors) else 0


if __name__ == "__main__":
    raise SystemExit(main())
