"""The database's own floor for what an import writes (bench_import.py's third measurement).

The rows an import wrote are found by the transaction that wrote them: every row inserted (or
updated) by one of the import's transactions or savepoints has an ``xmin`` between the
transaction id taken just before ``import_start`` and the one taken just after it (ids are
handed out in order; nothing else writes to this database meanwhile). Every table of the
``public`` schema is searched, so no table is forgotten; the ones holding no such row are left
out.

Each written table gets an empty, logged clone in the schema ``bench_floor``:
``CREATE TABLE ... (LIKE ... INCLUDING ALL)`` copies the columns, defaults, NOT NULL and CHECK
constraints, every index (primary key, unique, partial, GIN, trigram, expression), identity,
collations, statistics targets and comments. It does not copy foreign keys, triggers or the
table's storage parameters, so these are added here:

- the foreign keys, as the original declares them (Django's are ``DEFERRABLE INITIALLY
  DEFERRED``: checked at the commit, which is timed); one whose referenced table is cloned
  points at that clone when every referencing row's target is among the cloned rows, otherwise
  at the real table;
- the triggers (``pg_get_triggerdef``), on copies of their functions in ``bench_floor`` whose
  ``search_path`` is ``bench_floor, public``, so a trigger that writes another table (the search
  document's text and phone rows) writes that table's clone. A table an INSERT trigger fills is
  not copied itself: its clone is filled by the trigger, and its count is checked against the
  rows the import wrote to it;
- the storage parameters (``reloptions``).

The rows are dumped with ``COPY (SELECT ...) TO STDOUT (FORMAT binary)`` into memory, then
loaded with ``COPY clone FROM STDIN (FORMAT binary)``, table by table, in one transaction whose
commit is timed with it. This is a floor, not an estimate of the import: the clones start
empty (smaller indexes to descend, nothing to collide with), there is one commit where the
import commits a batch at a time, and none of the import's reads, sequence draws or updates of
its job row are done.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from typing import Any

SCHEMA = "bench_floor"
INSERT_EVENT = 4  # pg_trigger.tgtype: TRIGGER_TYPE_INSERT


def q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def connect(url: str) -> Any:
    import psycopg

    return psycopg.connect(url.replace("postgres://", "postgresql://", 1), autocommit=True)


def xid_now(conn: Any) -> int:
    """A new transaction id (32 bits, as ``xmin`` holds them)."""
    return int(conn.execute("SELECT pg_current_xact_id()::text::bigint").fetchone()[0]) % 2**32


def _tables(conn: Any) -> list[str]:
    rows = conn.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
    ).fetchall()
    return [r[0] for r in rows]


def _integer_pk(conn: Any, table: str) -> str | None:
    row = conn.execute(
        "SELECT array_agg(a.attname), bool_and(a.atttypid IN ('int2'::regtype, 'int4'::regtype,"
        " 'int8'::regtype)) FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid"
        " AND a.attnum = ANY(i.indkey) WHERE i.indrelid = %s::regclass AND i.indisprimary",
        [f"public.{q(table)}"],
    ).fetchone()
    names, integer = row
    return names[0] if names and len(names) == 1 and integer else None


def max_ids(conn: Any) -> dict[str, int]:
    """Each table's highest integer primary key before the import (to tell new rows from
    updated ones)."""
    out: dict[str, int] = {}
    for table in _tables(conn):
        pk = _integer_pk(conn, table)
        if pk:
            value = conn.execute(f"SELECT max({q(pk)}) FROM public.{q(table)}").fetchone()[0]
            out[table] = int(value or 0)
    return out


@dataclass
class Written:
    table: str
    rows: int
    updated: int | None  # rows that existed before the import (None: no integer key to tell)
    columns: list[str] = field(default_factory=list)
    data: list[bytes] = field(default_factory=list)
    filled_by: str = ""  # the table whose INSERT trigger fills this one's clone
    loaded: int = 0


@dataclass
class Floor:
    written: list[Written]
    foreign_keys: list[str]
    triggers: list[str]
    storage: list[str]
    commit_seconds: float
    people_rows: int = 0
    people_seconds: float = 0.0
    notes: list[str] = field(default_factory=list)
    same: str = ""  # the indexes and checks counted on the real tables and on the clones
    times: dict[str, float] = field(default_factory=dict)  # COPY seconds by table
    runs: list[float] = field(default_factory=list)  # every run's total, the best kept
    people_runs: list[float] = field(default_factory=list)

    @property
    def seconds(self) -> float:
        return sum(self.times.values()) + self.commit_seconds


def _since(lo: int, hi: int) -> str:
    if hi <= lo:
        raise SystemExit("transaction ids wrapped around during the import: run it again")
    return f"(xmin::text::bigint > {lo} AND xmin::text::bigint < {hi})"


def find_written(conn: Any, lo: int, hi: int, before: dict[str, int]) -> list[Written]:
    """Every table holding rows written by a transaction between ``lo`` and ``hi``."""
    since = _since(lo, hi)
    found = []
    for table in _tables(conn):
        pk = _integer_pk(conn, table)
        updated = f"count(*) FILTER (WHERE {q(pk)} <= {before.get(table, 0)})" if pk else "NULL"
        rows, old = conn.execute(
            f"SELECT count(*), {updated} FROM public.{q(table)} WHERE {since}"
        ).fetchone()
        if rows:
            found.append(Written(table, int(rows), None if old is None else int(old)))
    return found


def _columns(conn: Any, table: str) -> list[str]:
    rows = conn.execute(
        "SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0"
        " AND NOT attisdropped AND attgenerated = '' ORDER BY attnum",
        [f"public.{q(table)}"],
    ).fetchall()
    return [r[0] for r in rows]


def dump(conn: Any, written: list[Written], lo: int, hi: int) -> None:
    since = _since(lo, hi)
    for w in written:
        w.columns = _columns(conn, w.table)
        cols = ", ".join(q(c) for c in w.columns)
        sql = (
            f"COPY (SELECT {cols} FROM public.{q(w.table)} WHERE {since}) TO STDOUT (FORMAT binary)"
        )
        with conn.cursor() as cursor, cursor.copy(sql) as copy:
            w.data = [bytes(chunk) for chunk in copy]


def _clone(conn: Any, table: str) -> list[str]:
    """The empty clone of ``table``; answers the storage parameters set on it."""
    conn.execute(f"CREATE TABLE {SCHEMA}.{q(table)} (LIKE public.{q(table)} INCLUDING ALL)")
    options = conn.execute(
        "SELECT reloptions FROM pg_class WHERE oid = %s::regclass", [f"public.{q(table)}"]
    ).fetchone()[0]
    if options:
        conn.execute(f"ALTER TABLE {SCHEMA}.{q(table)} SET ({', '.join(options)})")
        return [f"{table} ({', '.join(options)})"]
    return []


def _triggers(conn: Any, tables: list[str]) -> list[tuple[str, str, str, str, bool]]:
    """(table, trigger, its definition, its function's definition, fires on INSERT)."""
    return [
        (r[0], r[1], r[2], r[3], bool(r[4] & INSERT_EVENT))
        for r in conn.execute(
            "SELECT c.relname, t.tgname, pg_get_triggerdef(t.oid), pg_get_functiondef(t.tgfoid),"
            " t.tgtype FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
            " WHERE c.relnamespace = 'public'::regnamespace AND c.relname = ANY(%s)"
            " AND NOT t.tgisinternal ORDER BY c.relname, t.tgname",
            [tables],
        ).fetchall()
    ]


def _targets(body: str, all_tables: set[str]) -> set[str]:
    return {word for word in re.findall(r"\b\w+\b", body) if word in all_tables}


def _insert_targets(body: str, all_tables: set[str]) -> set[str]:
    found = re.findall(r"INSERT\s+INTO\s+(?:public\.)?(\w+)", body, flags=re.IGNORECASE)
    return {t for t in found if t in all_tables}


def _reproduce_trigger(
    conn: Any, table: str, trigger: str, function: str, cloned: set[str]
) -> None:
    function = re.sub(r"FUNCTION\s+public\.(\w+)\(", rf"FUNCTION {SCHEMA}.\1(", function, count=1)
    for other in cloned:  # a qualified name in the body (unqualified ones follow search_path)
        function = re.sub(rf"\bpublic\.{other}\b", f"{SCHEMA}.{other}", function)
    name = re.search(rf"FUNCTION {SCHEMA}\.(\w+)\(\)", function)
    assert name, function
    conn.execute(function)
    conn.execute(f"ALTER FUNCTION {SCHEMA}.{name[1]}() SET search_path = {SCHEMA}, public")
    trigger = re.sub(rf"\bON\s+(?:public\.)?{table}\b", f"ON {SCHEMA}.{table}", trigger, count=1)
    trigger = re.sub(
        r"EXECUTE FUNCTION\s+(?:public\.)?(\w+)\(", rf"EXECUTE FUNCTION {SCHEMA}.\1(", trigger
    )
    conn.execute(trigger)


def _foreign_keys(conn: Any, table: str) -> list[tuple[str, str, str, list[str], list[str]]]:
    """(name, definition, referenced table, own columns, referenced columns)."""
    return [
        (r[0], r[1], r[2], r[3], r[4])
        for r in conn.execute(
            "SELECT c.conname, pg_get_constraintdef(c.oid), p.relname,"
            " ARRAY(SELECT attname FROM pg_attribute WHERE attrelid = c.conrelid"
            "  AND attnum = ANY(c.conkey) ORDER BY array_position(c.conkey, attnum)),"
            " ARRAY(SELECT attname FROM pg_attribute WHERE attrelid = c.confrelid"
            "  AND attnum = ANY(c.confkey) ORDER BY array_position(c.confkey, attnum))"
            " FROM pg_constraint c JOIN pg_class p ON p.oid = c.confrelid"
            " WHERE c.contype = 'f' AND c.conrelid = %s::regclass ORDER BY c.conname",
            [f"public.{q(table)}"],
        ).fetchall()
    ]


def _all_targets_cloned(
    conn: Any, table: str, parent: str, own: list[str], ref: list[str], since: str
) -> bool:
    """Whether every written row of ``table`` refers to a written row of ``parent`` (or to
    nothing), so that a key pointing at the parent's clone holds."""
    joined = " AND ".join(f"p.{q(r)} = c.{q(o)}" for o, r in zip(own, ref, strict=True))
    present = " AND ".join(f"c.{q(o)} IS NOT NULL" for o in own)
    parent_since = since.replace("xmin", "p.xmin")
    missing = conn.execute(
        f"SELECT count(*) FROM public.{q(table)} c WHERE {since.replace('xmin', 'c.xmin')}"
        f" AND {present} AND NOT EXISTS (SELECT 1 FROM public.{q(parent)} p"
        f" WHERE {joined} AND {parent_since})"
    ).fetchone()[0]
    return not missing


def prepare(conn: Any, written: list[Written], lo: int, hi: int) -> Floor:
    """The clones of the written tables, their keys, triggers and storage parameters."""
    drop(conn)
    conn.execute(f"CREATE SCHEMA {SCHEMA}")
    since = _since(lo, hi)
    all_tables = set(_tables(conn))
    cloned = {w.table for w in written}
    triggers = _triggers(conn, sorted(cloned))
    # A table a trigger writes is cloned too, even with no row of its own (else the trigger's
    # copy would write the real one).
    for _t, _n, _d, body, _ins in triggers:
        cloned |= _targets(body.split("$function$", 1)[-1], all_tables)
    storage: list[str] = []
    for table in sorted(cloned):
        storage += _clone(conn, table)
    by_name = {w.table: w for w in written}
    trigger_notes = []
    for table, name, definition, function, on_insert in triggers:
        _reproduce_trigger(conn, table, definition, function, cloned)
        trigger_notes.append(f"{table}.{name}")
        if on_insert:
            for target in _insert_targets(function, all_tables):
                if target in by_name:
                    by_name[target].filled_by = table
    keys = []
    for table in sorted(cloned):
        for name, definition, parent, own, ref in _foreign_keys(conn, table):
            to_clone = parent in cloned and _all_targets_cloned(
                conn, table, parent, own, ref, since
            )
            where = SCHEMA if to_clone else "public"
            definition = re.sub(
                r"REFERENCES\s+(?:public\.)?\w+\(", f"REFERENCES {where}.{q(parent)}(", definition
            )
            conn.execute(f"ALTER TABLE {SCHEMA}.{q(table)} ADD CONSTRAINT {q(name)} {definition}")
            keys.append(f"{table} -> {where}.{parent}")
    floor = Floor(written, keys, trigger_notes, storage, commit_seconds=0.0)
    floor.same = _compare(conn, sorted(cloned), floor.notes)
    return floor


def _compare(conn: Any, tables: list[str], notes: list[str]) -> str:
    """The indexes and constraints of each clone against its table's (by kind and count)."""
    totals, before = [0, 0], len(notes)
    for table in tables:
        counts = []
        for schema in ("public", SCHEMA):
            counts.append(
                conn.execute(
                    "SELECT (SELECT count(*) FROM pg_index WHERE indrelid = %s::regclass),"
                    " (SELECT string_agg(contype::text, '' ORDER BY contype::text)"
                    "  FROM pg_constraint WHERE conrelid = %s::regclass)",
                    [f"{schema}.{q(table)}"] * 2,
                ).fetchone()
            )
        if counts[0] != counts[1]:
            notes.append(
                f"{table}: indexes, constraints {counts[0]} on it, {counts[1]} on its clone"
            )
        totals[0] += counts[0][0]
        totals[1] += len(counts[0][1] or "")
    same = "the same on the clones" if len(notes) == before else "NOT the same on the clones"
    return f"{totals[0]} indexes and {totals[1]} constraints on the tables, {same}"


def _load(cursor: Any, w: Written) -> None:
    cols = ", ".join(q(c) for c in w.columns)
    with cursor.copy(f"COPY {SCHEMA}.{q(w.table)} ({cols}) FROM STDIN (FORMAT binary)") as copy:
        for chunk in w.data:
            copy.write(chunk)


def load(conn: Any, floor: Floor) -> None:
    """COPY the rows into the clones in one transaction, the commit timed with them."""
    order = sorted(floor.written, key=lambda w: (w.table != "contacts_person", w.table))
    with conn.cursor() as cursor:
        cursor.execute("BEGIN")
        for w in order:
            if w.filled_by:
                continue
            started = time.perf_counter()
            _load(cursor, w)
            floor.times[w.table] = time.perf_counter() - started
        started = time.perf_counter()
        cursor.execute("COMMIT")
        floor.commit_seconds = time.perf_counter() - started
    for w in floor.written:
        w.loaded = conn.execute(f"SELECT count(*) FROM {SCHEMA}.{q(w.table)}").fetchone()[0]
        if w.loaded != w.rows:
            floor.notes.append(
                f"{w.table}: its clone holds {w.loaded} rows, the import wrote {w.rows}"
            )


def load_people_alone(conn: Any, floor: Floor) -> None:
    """The person rows alone into a fresh people clone (its indexes, checks and keys)."""
    people = next((w for w in floor.written if w.table == "contacts_person"), None)
    if people is None:
        return
    drop(conn)
    conn.execute(f"CREATE SCHEMA {SCHEMA}")
    _clone(conn, people.table)
    for name, definition, parent, _own, _ref in _foreign_keys(conn, people.table):
        definition = re.sub(
            r"REFERENCES\s+(?:public\.)?\w+\(", f"REFERENCES public.{q(parent)}(", definition
        )
        conn.execute(
            f"ALTER TABLE {SCHEMA}.{q(people.table)} ADD CONSTRAINT {q(name)} {definition}"
        )
    with conn.cursor() as cursor:
        started = time.perf_counter()
        cursor.execute("BEGIN")
        _load(cursor, people)
        cursor.execute("COMMIT")
        floor.people_seconds = time.perf_counter() - started
    floor.people_rows = people.rows


def drop(conn: Any) -> None:
    conn.execute(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")


def measure(url: str, lo: int, hi: int, before: dict[str, int], runs: int = 1) -> Floor:
    """The floor, ``runs`` times over (fresh clones each time); answers the fastest run, with
    every run's total and the fastest people-alone time."""
    tried: list[Floor] = []
    with connect(url) as conn:
        written = find_written(conn, lo, hi, before)
        dump(conn, written, lo, hi)
        try:
            for _ in range(runs):
                floor = prepare(conn, written, lo, hi)
                load(conn, floor)
                load_people_alone(conn, floor)
                tried.append(floor)
        finally:
            drop(conn)
    for w in written:
        w.data = []
    best = min(tried, key=lambda f: f.seconds)
    best.runs = [f.seconds for f in tried]
    best.people_runs = [f.people_seconds for f in tried]
    best.people_seconds = min(best.people_runs)
    return best


def report(floor: Floor, imported: int, copy_rate: float) -> list[str]:
    lines = [
        "floor: the rows the import wrote, COPYed (binary) into empty logged clones of their "
        "tables, one transaction, the commit timed with it; the fastest of "
        f"{len(floor.runs)} runs ({', '.join(f'{t:.2f}' for t in floor.runs)} s):"
    ]
    for w in sorted(floor.written, key=lambda w: w.table):
        old = "" if not w.updated else f" ({w.updated:,} of them existed before: updated)"
        how = (
            f"by the trigger on {w.filled_by}" if w.filled_by else f"{floor.times[w.table]:6.2f} s"
        )
        lines.append(
            f"  {w.table:28} {w.rows:>10,} rows {w.rows / imported:6.3f} a person  {how}{old}"
        )
    total = sum(w.rows for w in floor.written)
    rate = imported / floor.seconds
    lines += [
        f"  commit (the deferred foreign key checks, the WAL flush) {floor.commit_seconds:.2f} s",
        f"  total {total:,} rows ({total / imported:.2f} a person) in {floor.seconds:.2f} s: "
        f"floor {rate:,.0f} imported rows/s, ratio floor/COPY {rate / copy_rate:.4f}",
        f"  reproduced on the clones: {len(floor.foreign_keys)} foreign keys "
        f"({'; '.join(floor.foreign_keys) or 'none'}); {len(floor.triggers)} triggers "
        f"({'; '.join(floor.triggers) or 'none'}); storage parameters "
        f"({'; '.join(floor.storage) or 'none'}); {floor.same}",
        *[f"  MISMATCH: {note}" for note in floor.notes],
    ]
    target = 0.25 * copy_rate
    if target > rate:
        lines.append(
            f"0.25 of the staging COPY rate ({target:,.0f} rows/s) is above the floor "
            f"({rate:,.0f} rows/s): the target is unreachable even with zero Python cost."
        )
    else:
        lines.append(
            f"0.25 of the staging COPY rate ({target:,.0f} rows/s) is not above the floor "
            f"({rate:,.0f} rows/s): the database alone does not rule the target out."
        )
    if floor.people_rows:
        alone = floor.people_rows / floor.people_seconds
        lines.append(
            f"COPY of the people rows alone: {floor.people_rows:,} rows in "
            f"{floor.people_seconds:.2f} s, {alone:,.0f} rows/s, ratio to the staging COPY "
            f"{alone / copy_rate:.4f} (the fastest of "
            f"{', '.join(f'{t:.2f}' for t in floor.people_runs)} s; its indexes, check and "
            "foreign keys, one transaction)"
        )
    return lines
