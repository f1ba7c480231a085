"""Run every benchmark against one database and print one table.

    .venv/bin/python bench/run.py                                    # SQLite, var/sambandh.sqlite3
    .venv/bin/python bench/run.py --database-url postgres://postgres@127.0.0.1:5432/sambandh_bench

See bench/README.md.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import (  # noqa: E402
    bench_bulk,
    bench_create,
    bench_custom,
    bench_list,
    bench_lists,
    bench_pages,
    bench_read,
    bench_search,
)
from bench.common import context, parser, print_table  # noqa: E402

BENCHMARKS = {
    "read": bench_read,
    "list": bench_list,
    "search": bench_search,
    "lists": bench_lists,
    "pages": bench_pages,
    "custom": bench_custom,
    "create": bench_create,
    "bulk": bench_bulk,
}


def main() -> int:
    p = parser("Run the Sambandh benchmarks and print their figures as ratios to raw baselines.")
    p.add_argument(
        "--only", choices=sorted(BENCHMARKS), action="append", help="run only these (repeatable)"
    )
    args = p.parse_args()
    rows = []
    started = time.monotonic()
    with context(args) as ctx:
        from sambandh.contacts.models import Person

        people = Person.objects.count()
        for name in args.only or list(BENCHMARKS):
            print(f"running {name}...", flush=True)
            measured = BENCHMARKS[name].run(ctx)
            print_table(measured, name)
            rows += measured
    print_table(
        rows,
        f"Sambandh benchmarks on {ctx.label}, {people:,} people, "
        f"{args.workers} workers x {args.threads} threads "
        f"({time.monotonic() - started:.0f} s)",
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
