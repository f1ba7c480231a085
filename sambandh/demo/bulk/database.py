"""Bulk writes for the large demo, on PostgreSQL (COPY) or SQLite (executemany), and the
indexes and triggers of the loaded tables, dropped before the load and re-created after it."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from typing import Any

from django.core.management.color import no_style
from django.db import connection, models

from sambandh.activities.models import Activity
from sambandh.contacts.models import (
    Affiliation,
    EmailAddress,
    Organization,
    Person,
    PhoneNumber,
    PostalAddress,
)
from sambandh.core.models import AuditEvent
from sambandh.sales.models import Deal, Lead, StageChange
from sambandh.search.models import SearchDocument, SearchPhone, SearchText

LOADED_MODELS: tuple[type[models.Model], ...] = (
    Organization,
    Person,
    EmailAddress,
    PhoneNumber,
    PostalAddress,
    Affiliation,
    SearchDocument,
    SearchText,
    SearchPhone,
    AuditEvent,
    Deal,
    Deal.people.through,
    StageChange,
    Lead,
    Activity,
)


class Database:
    """Bulk writes and index handling for PostgreSQL or SQLite, on Django's connection."""

    def __init__(self) -> None:
        connection.ensure_connection()
        self.vendor = connection.vendor
        self.postgres = self.vendor == "postgresql"
        self._ts_format = "%Y-%m-%d %H:%M:%S" + ("+00" if self.postgres else "")
        self.saved: list[str] = []

    @property
    def raw(self) -> Any:
        return connection.connection

    def dt(self, value: datetime | None) -> Any:
        """A datetime as Django stores it (SQLite: naive UTC text; PostgreSQL: timestamptz)."""
        if value is None or self.postgres:
            return value
        text = value.isoformat(" ")
        if text.endswith("+00:00"):
            return text[:-6]
        return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ")

    def ts(self, epoch: int) -> str:
        """Whole seconds since the epoch as the text either database reads as that UTC time."""
        return time.strftime(self._ts_format, time.gmtime(epoch))

    def day(self, value: date | None) -> Any:
        return value if value is None or self.postgres else value.isoformat()

    def decimal(self, value: Any) -> Any:
        return value if self.postgres else str(value)

    def next_id(self, model: type[models.Model]) -> int:
        with connection.cursor() as cur:
            cur.execute(f"SELECT COALESCE(MAX(id), 0) FROM {model._meta.db_table}")  # noqa: S608
            return int(cur.fetchone()[0]) + 1

    def insert(
        self, model: type[models.Model], columns: Sequence[str], rows: Sequence[tuple]
    ) -> None:
        if not rows:
            return
        table = model._meta.db_table
        names = ", ".join(columns)
        if self.postgres:
            with self.raw.cursor() as cur, cur.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join("?" * len(columns))
            self.raw.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)  # noqa: S608

    def begin_load(self) -> None:
        """Drop the secondary indexes and triggers of the loaded tables, keeping their SQL."""
        with connection.cursor() as cur:
            if self.postgres and connection.in_atomic_block:
                # Inside an outer transaction (tests), deferred foreign-key checks still queued
                # would forbid index changes on their tables: run them now.
                cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for model in LOADED_MODELS:
                table = model._meta.db_table
                if self.postgres:
                    cur.execute(
                        "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = "
                        "current_schema() AND tablename = %s AND indexname NOT IN ("
                        "SELECT c.relname FROM pg_constraint k JOIN pg_class c ON c.oid = "
                        "k.conindid WHERE k.conrelid = %s::regclass)",
                        [table, table],
                    )
                    for name, sql in cur.fetchall():
                        self.saved.append(sql)
                        cur.execute(f'DROP INDEX "{name}"')
                else:
                    cur.execute(
                        "SELECT type, name, sql FROM sqlite_master WHERE tbl_name = %s "
                        "AND type IN ('index', 'trigger') AND sql IS NOT NULL",
                        [table],
                    )
                    for kind, name, sql in cur.fetchall():
                        self.saved.append(sql)
                        cur.execute(f'DROP {kind.upper()} "{name}"')
        if self.postgres:
            with connection.cursor() as cur:
                # Foreign keys are checked row by row otherwise; the rows written here are
                # consistent by construction (and the small-scale test checks them).
                cur.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
                if cur.fetchone()[0]:
                    cur.execute("SET session_replication_role = replica")
                cur.execute("SET synchronous_commit = off")
        else:
            if not connection.in_atomic_block:  # (these pragmas cannot change inside one)
                self.raw.execute("PRAGMA foreign_keys = OFF")
                self.raw.execute("PRAGMA synchronous = OFF")
                self.raw.execute("PRAGMA temp_store = MEMORY")
            self.raw.execute("PRAGMA cache_size = -1000000")

    def end_load(self, say: Callable[[str], None]) -> None:
        """Re-create what ``begin_load`` dropped, rebuild the full-text index, reset sequences."""
        with connection.cursor() as cur:
            if self.postgres:
                cur.execute("SET session_replication_role = DEFAULT")
                if connection.in_atomic_block:
                    cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cur.execute("SET maintenance_work_mem = '1GB'")
                cur.execute("SET max_parallel_maintenance_workers = 1")
                # The documents' words table (search migration 0007) is filled by triggers,
                # which the load turned off: its rows are copied here, before its indexes.
                started = time.monotonic()
                cur.execute(
                    "INSERT INTO search_searchtext (document_id, title, subtitle, terms) "
                    "SELECT d.id, d.title, d.subtitle, d.terms FROM search_searchdocument d "
                    "WHERE NOT EXISTS (SELECT 1 FROM search_searchtext t "
                    "WHERE t.document_id = d.id)"
                )
                say(
                    f"    copied the words of search documents ({time.monotonic() - started:.0f} s)"
                )
                # Their phone tokens likewise (search migration 0008).
                started = time.monotonic()
                cur.execute(
                    "INSERT INTO search_searchphone (document_id, token) "
                    "SELECT DISTINCT d.id, t.token FROM search_searchdocument d, "
                    r"regexp_split_to_table(d.terms, '\s+') AS t(token) "
                    "WHERE token ~ '^r?[0-9]{5,}$' AND NOT EXISTS "
                    "(SELECT 1 FROM search_searchphone p WHERE p.document_id = d.id)"
                )
                say(f"    copied the phone tokens ({time.monotonic() - started:.0f} s)")
            # Indexes first, triggers last (SQLite), so the triggers do not fire on rebuilds.
            for sql in sorted(self.saved, key=lambda s: "TRIGGER" in s.upper()[:30]):
                started = time.monotonic()
                cur.execute(sql)
                say(f"    {sql.split('(')[0].strip()[:90]} ({time.monotonic() - started:.0f} s)")
            self.saved = []
            if self.postgres:
                for sql in connection.ops.sequence_reset_sql(no_style(), list(LOADED_MODELS)):
                    cur.execute(sql)
            else:
                if not connection.in_atomic_block:
                    self.raw.execute("PRAGMA foreign_keys = ON")
                cur.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table' AND "
                    "sql LIKE 'CREATE VIRTUAL TABLE%%fts5%%'"
                )
                for (name,) in cur.fetchall():
                    started = time.monotonic()
                    cur.execute(f"INSERT INTO {name}({name}) VALUES ('rebuild')")  # noqa: S608
                    say(
                        f"    rebuilt the full-text index {name} "
                        f"({time.monotonic() - started:.0f} s)"
                    )

    def analyze(self) -> None:
        with connection.cursor() as cur:
            if not self.postgres:
                # Sampled statistics: a full ANALYZE reads every index of a multi-GB file.
                cur.execute("PRAGMA analysis_limit = 2000")
            cur.execute("ANALYZE")
