"""The people import against PostgreSQL's COPY of the same file, in the same run.

    .venv/bin/python -m bench.bench_import --rows 100000 \\
        --database-url postgres://postgres@127.0.0.1:5432/h_x

It writes a people CSV of ``--rows`` rows (external id, names, email, phone, city, country, job
title, one of 200 companies), then:

1. times ``COPY staging FROM STDIN (FORMAT csv, HEADER)`` of the file into an unlogged staging
   table of text columns (the floor: no cleaning, no checks, no history);
2. times the product's import of the same file (``imports.services.import_start`` run in this
   process, as ``sambandh import`` runs it: reading, mapping, cleaning, the external-id and email
   duplicate checks, the suppression list, each person through the contacts service with its
   audit row, event and search document, one ImportRow per row);

3. measures the database's own floor for what the import wrote (bench/import_floor.py): every
   row the import's transactions wrote, in every table (found by ``xmin``: the person, its
   email, phone, address and affiliation rows, its audit row, its event, its search document
   and the text and phone rows its trigger makes, its ImportRow, its external id, the job), is
   dumped with ``COPY (SELECT ...) TO STDOUT`` and loaded with ``COPY ... FROM STDIN`` into
   empty logged clones of those tables (``LIKE ... INCLUDING ALL``: the same columns, indexes
   and checks; the foreign keys, triggers and storage parameters added, which LIKE does not
   copy) in one transaction, the commit timed with it; then the person rows alone into a
   people clone. Both ``--floor-runs`` times (3), on fresh clones, the fastest kept (the
   machine is shared). The floor rate is the imported rows over those seconds: what the import
   would reach with no Python cost at all (a bound from below on its time: the clones start
   empty, there is one commit, and none of the import's reads are made).

It prints the first two rates and their ratio, the peak resident memory during the import
(sampled every 0.2 s: flat means the peak of the last tenth of the run is not above the first
tenth's), the longest time the job's ``processed_rows`` went without moving (what a progress bar
shows), the load average, then the floor: rows and seconds per table, the floor rate, its ratio
to the staging COPY, whether 0.25 of the staging COPY rate is above the floor, and the COPY
rate of the people rows alone. (The CSV itself cannot be COPYed into the people table: its
columns are not the table's.) PostgreSQL only (COPY).
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COLUMNS = [
    "Id",
    "First Name",
    "Last Name",
    "Email",
    "Phone",
    "City",
    "Country",
    "Job Title",
    "Company",
]
MAPPING = {
    "First Name": "given_name",
    "Last Name": "family_name",
    "Email": "email",
    "Phone": "phone",
    "City": "city",
    "Country": "country",
    "Job Title": "job_title",
    "Company": "organization",
}
GIVEN = ["Asha", "Ravi", "Maria", "João", "Chloé", "Jürgen", "Yuki", "Fatima", "Arjun", "Meera"]
FAMILY = ["Rao", "Kumar", "Silva", "Müller", "Dubois", "Tanaka", "Haddad", "Patel", "Iyer", "Costa"]
TITLES = ["Engineer", "Manager", "Director", "Analyst", "Consultant", ""]
CITIES = ["Bengaluru", "Mumbai", "Pune", "Chennai", "Hyderabad"]


def write_people(path: Path, rows: int, seed: int = 11) -> None:
    rng = random.Random(seed)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for i in range(rows):
            writer.writerow(
                [
                    f"B-{i}",
                    rng.choice(GIVEN),
                    rng.choice(FAMILY),
                    f"person{i}@bench-import.example",
                    f"+91 98{i:08d}",
                    rng.choice(CITIES),
                    "IN",
                    rng.choice(TITLES),
                    f"Company {rng.randrange(200)}",
                ]
            )


def _rss_mb() -> float:
    with open("/proc/self/statm") as handle:
        pages = int(handle.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 1_048_576


def time_copy(url: str, path: Path) -> float:
    import psycopg

    conn_url = url.replace("postgres://", "postgresql://", 1)
    with psycopg.connect(conn_url, autocommit=True) as conn:
        cols = ", ".join(f"c{i} text" for i in range(len(COLUMNS)))
        conn.execute("DROP TABLE IF EXISTS bench_import_staging")
        conn.execute(f"CREATE UNLOGGED TABLE bench_import_staging ({cols})")
        started = time.perf_counter()
        with (
            conn.cursor() as cursor,
            path.open("rb") as handle,
            cursor.copy(
                "COPY bench_import_staging FROM STDIN WITH (FORMAT csv, HEADER true)"
            ) as copy,
        ):
            while chunk := handle.read(1 << 20):
                copy.write(chunk)
        elapsed = time.perf_counter() - started
        conn.execute("DROP TABLE bench_import_staging")
    return elapsed


class Watch:
    """Samples the process's memory and the job's progress in a thread."""

    def __init__(self) -> None:
        self.rss: list[tuple[float, float]] = []
        self.moves: list[tuple[float, int]] = []
        self.stop = threading.Event()

    def run(self) -> None:
        from django.db import connection

        from sambandh.imports.models import ImportJob

        last = -1
        try:
            while not self.stop.is_set():
                now = time.perf_counter()
                self.rss.append((now, _rss_mb()))
                job = ImportJob.objects.order_by("-id").values("processed_rows", "status").first()
                if job and job["status"] == "running" and job["processed_rows"] != last:
                    last = job["processed_rows"]
                    self.moves.append((now, last))
                time.sleep(0.2)
        finally:
            connection.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL", ""),
        help="postgres://... (a database of your own: it gets the demo data and the people)",
    )
    parser.add_argument(
        "--floor-runs",
        type=int,
        default=3,
        help="times the floor is measured (the best kept); 0 skips it",
    )
    args = parser.parse_args(argv)
    if not args.database_url.startswith(("postgres://", "postgresql://")):
        parser.error("--database-url must be a PostgreSQL URL (the baseline is COPY)")
    sys.path.insert(0, str(ROOT))
    from bench import import_floor
    from bench.common import admin_user, prepare_database

    prepare_database(args.database_url, "small")
    from sambandh.contacts.models import Person
    from sambandh.imports.services import import_start

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "people.csv"
        write_people(path, args.rows)
        size_mb = path.stat().st_size / 1_048_576
        copy_seconds = time_copy(args.database_url, path)
        Person.objects.filter(email__endswith="@bench-import.example").delete()
        actor = admin_user()
        watch = Watch()
        thread = threading.Thread(target=watch.run, daemon=True)
        with import_floor.connect(args.database_url) as conn:
            before_ids = import_floor.max_ids(conn)
            xid_before = import_floor.xid_now(conn)
        rss_before = _rss_mb()
        thread.start()
        started = time.perf_counter()
        with path.open("rb") as handle:
            job = import_start(
                actor=actor,
                record_type="people",
                upload=handle,
                filename="people.csv",
                mapping=MAPPING,
                external_id_column="Id",
                external_system="bench",
                background=False,
            )
        import_seconds = time.perf_counter() - started
        watch.stop.set()
        thread.join()
        with import_floor.connect(args.database_url) as conn:
            xid_after = import_floor.xid_now(conn)
    copy_rate = args.rows / copy_seconds
    import_rate = args.rows / import_seconds
    samples = [mb for _t, mb in watch.rss]
    tenth = max(1, len(samples) // 10)
    gaps = [b[0] - a[0] for a, b in zip(watch.moves, watch.moves[1:], strict=False)]
    print(f"file: {args.rows} rows, {size_mb:.1f} MB")
    print(f"COPY into a staging table: {copy_seconds:.2f} s, {copy_rate:,.0f} rows/s")
    print(
        f"import ({job.status}): {import_seconds:.1f} s, {import_rate:,.0f} rows/s; created "
        f"{job.created}, rejected {job.rejected}, organizations made on the way"
    )
    print(f"ratio import/COPY: {import_rate / copy_rate:.4f} (target >= 0.25)")
    print(
        f"resident memory: {rss_before:.0f} MB before; peak {max(samples):.0f} MB; first tenth "
        f"of the run {max(samples[:tenth]):.0f} MB, last tenth {max(samples[-tenth:]):.0f} MB"
    )
    if gaps:
        print(
            f"progress: {len(watch.moves)} moves seen, the longest wait between two "
            f"{max(gaps):.2f} s (sampled every 0.2 s)"
        )
    print("load average after the import: {:.2f}, {:.2f}, {:.2f}".format(*os.getloadavg()))
    if args.floor_runs > 0:
        floor = import_floor.measure(
            args.database_url, xid_before, xid_after, before_ids, runs=args.floor_runs
        )
        for line in import_floor.report(floor, args.rows, copy_rate):
            print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
