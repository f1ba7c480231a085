"""Schemathesis over /api/v1/openapi.json against a live server (granian serving config.wsgi, as
``sambandh serve`` does) on a database of its own, loaded with the small demo data: ``--examples``
generated requests per operation in each mode (positive and negative), sent with an
administrator's token, ids grounded in rows that exist (tests/api/fuzzing.py). Prints the count
of server errors (target: zero) and each one's request as a curl command.

    .venv/bin/python bench/api_fuzz.py --examples 500     # 1,000 cases an operation
    .venv/bin/python bench/api_fuzz.py --examples 500 --operations 'people|deals'

Hypothesis stops an operation early when it has tried every input it can make (an operation
without parameters), so such an operation gets fewer cases.

The database is a scratch one (default var/api_fuzz.sqlite3): the run creates, changes and
deletes records at random.

A full run takes hours on two cores, so it can be split and resumed. ``--log FILE`` appends one
JSON line per finished operation (its cases and server errors); ``--resume`` skips the
operations that file already holds; ``--shard K/N`` takes every N-th operation from the K-th
(1-based), for N runs side by side, each with its own ``--database-url`` and ``--log``.
``--summary FILE [FILE ...]`` reads logs back and prints the totals, so a run finished over
several sittings is reported as one:

    .venv/bin/python bench/api_fuzz.py --examples 500 --resume --shard 1/2 \
        --log bench/api_fuzz_logs/shard-1.jsonl --database-url sqlite:///var/fuzz-1.sqlite3
    .venv/bin/python bench/api_fuzz.py --examples 1000 --summary bench/api_fuzz_logs/*.jsonl

The logs of the run under way are kept in the repository (bench/api_fuzz_logs/), each line
with the commit it ran on, so a later sitting resumes where the last one stopped. An operation
run again (after a fix) is logged again: within a file the later line counts, across files the
later file given to ``--summary`` (so a re-run's log is named to sort last: ``zz-rerun.jsonl``).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import admin_user, prepare_database, server, token_for  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--examples",
        type=int,
        default=100,
        help="cases per operation and mode (with --summary: the cases an operation needs)",
    )
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
    parser.add_argument("--log", type=Path, help="append one JSON line per finished operation")
    parser.add_argument("--resume", action="store_true", help="skip what --log already holds")
    parser.add_argument("--shard", default="1/1", help="K/N: every N-th operation from the K-th")
    parser.add_argument("--summary", type=Path, nargs="+", help="only report these logs")
    args = parser.parse_args(argv)
    if args.summary:
        return summarize(args.summary, args.examples)
    try:
        shard, shards = (int(part) for part in args.shard.split("/"))
        if not 1 <= shard <= shards:
            raise ValueError
    except ValueError:
        parser.error("--shard is K/N with 1 <= K <= N")
    done = set(read_log(args.log)) if args.resume and args.log else set()

    # The run sends thousands of requests a minute with one token, by design.
    os.environ["API_RATE_LIMIT"] = "0"
    prepare_database(args.database_url, "small")
    import schemathesis

    from tests.api.fuzzing import describe, run

    token = token_for(admin_user())
    from django.db import connections

    connections.close_all()
    pattern = re.compile(args.operations) if args.operations else None
    order: dict[str, int] = {}

    def wanted(op: object) -> bool:
        label = f"{op.method.upper()} {op.path}"  # type: ignore[attr-defined]
        index = order.setdefault(label, len(order))
        if index % shards != shard - 1 or label in done:
            return False
        return not pattern or bool(pattern.search(label))

    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()

    def finished(label: str, cases: int, errors: list) -> None:  # type: ignore[type-arg]
        if args.log is None:
            return
        args.log.parent.mkdir(parents=True, exist_ok=True)
        line = {
            "operation": label,
            "examples": args.examples,
            "commit": commit,
            "cases": cases,
            "errors": [
                {"status": e.status, "request": e.request, "answer": e.answer} for e in errors
            ],
        }
        with args.log.open("a", encoding="utf-8") as log:
            log.write(json.dumps(line) + "\n")

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
            only=wanted,
            progress=lambda line: print(line, flush=True),
            finished=finished,
        )
    print(describe(report))
    return 1 if any(e.status >= 500 for e in report.errors) else 0


def read_log(path: Path) -> dict[str, dict]:  # type: ignore[type-arg]
    """The operations a log holds, by label (the last line of each wins)."""
    if not path.exists():
        return {}
    found = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            entry = json.loads(line)
            found[entry["operation"]] = entry
    return found


def summarize(paths: list[Path], examples: int) -> int:
    """Prints the totals of finished logs; exit 1 when one holds a server error."""
    entries: dict[str, dict] = {}  # type: ignore[type-arg]
    for path in paths:
        entries.update(read_log(path))
    server = [
        (label, error)
        for label, entry in entries.items()
        for error in entry["errors"]
        if error["status"] >= 500
    ]
    short = sorted(label for label, entry in entries.items() if entry["cases"] < examples)
    cases = sum(entry["cases"] for entry in entries.values())
    print(
        f"{len(entries)} operations, {cases} cases, {len(server)} server errors"
        + (
            f"; fewer than {examples} cases (the space ran out): {', '.join(short)}"
            if short
            else ""
        )
    )
    for label, error in server[:50]:
        print(f"- {error['status']} {label}\n  {error['request']}\n  {error['answer']}")
    return 1 if server else 0


if __name__ == "__main__":
    raise SystemExit(main())
