"""ORM queries compiled to SQL once, then run with new values: for the hottest reads.

Building and compiling a queryset (resolving lookups and joins, the select list, the WHERE
tree) costs the ORM a few hundred microseconds each time, which is most of a single-record API
read. A ``CompiledQuery`` asks the ORM for the SQL once per *shape* (the lengths of its list
values) and database vendor, with unmistakable placeholder values in the slots, finds where
each placeholder landed among the SQL parameters, and from then on only binds the real values.
The SQL is still the ORM's own, so the rules a queryset expresses (visibility, above all) are
written once.

Only exact values can be slots: a lookup that transforms its value (``icontains`` adds ``%``)
would hide the placeholder, and compiling refuses it.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any

import psycopg
from django.db import InterfaceError, OperationalError, connections
from django.db.models import QuerySet

# Values no caller passes: far below any id, and strings no user can type into an index key.
_INT_BASE = -(2**62)
_counter = itertools.count(1)


class Placeholders:
    """Hands out the placeholder values a query is built with, one per slot."""

    def __init__(self, lengths: dict[str, int], shape: Hashable) -> None:
        #: What the caller said decides the SQL beyond list lengths (a viewer's kind of scope).
        self.shape = shape
        self._lengths = lengths
        self.slots: dict[Any, tuple[str, int | None]] = {}

    def _mark(self, value: Any, name: str, index: int | None) -> Any:
        self.slots[value] = (name, index)
        return value

    def integer(self, name: str) -> int:
        return self._mark(_INT_BASE + next(_counter), name, None)

    def text(self, name: str) -> str:
        return self._mark(f"\x00slot:{name}:{next(_counter)}\x00", name, None)

    def integers(self, name: str) -> list[int]:
        """A list slot (``__in``): one placeholder per element; its length is part of the
        shape, so each length is compiled once."""
        return [self._mark(_INT_BASE + next(_counter), name, i) for i in range(self._lengths[name])]


@dataclass(frozen=True)
class _Compiled:
    sql: str
    # For each SQL parameter: (slot name, index in a list slot) or ("", None) and a constant.
    binds: tuple[tuple[str, int | None, Any], ...]
    # Per select column: the converters the ORM would apply to it (datetimes on SQLite...).
    converters: tuple[tuple[int, tuple[Callable[..., Any], ...], Any], ...]


def _cursor(connection: Any, *, health_check: bool) -> Any:
    """A cursor for a compiled statement. On PostgreSQL it binds parameters on the server, so
    psycopg prepares a statement once it has run it ``prepare_threshold`` times (settings) and
    PostgreSQL stops planning it on every request: planning was most of a record read's
    database time. The ORM's own cursors bind on the client (Django's default) and are never
    prepared.

    ``health_check=False`` skips Django's per-request connection check (a ``SELECT 1`` on
    PostgreSQL) for a caller whose statement is the check: it hands a failure over to Django,
    whose next request start closes the broken connection."""
    if connection.vendor != "postgresql":
        return connection.cursor()
    if health_check:
        connection.close_if_health_check_failed()
    connection.ensure_connection()
    raw = psycopg.Cursor(connection.connection)
    if connection.queries_logged:
        return connection.make_debug_cursor(raw)
    return connection.make_cursor(raw)


def _run(
    compiled: _Compiled, params: list[Any], using: str, *, health_check: bool | str = True
) -> list[tuple[Any, ...]]:
    """``health_check``: True runs Django's connection check first (when the request has not
    run it yet); False skips it (the caller hands a failure over to Django); ``"retry"`` lets
    the statement be the check: on a broken connection outside a transaction it closes the
    connection and runs once more on a new one, as the check would have, without the check's
    round trip when the connection is fine."""
    connection: Any = connections[using]
    if health_check == "retry":
        if connection.in_atomic_block or connection.health_check_done:
            health_check = True
        else:
            try:
                found = _execute(compiled, params, connection, health_check=False)
            except (InterfaceError, OperationalError):
                connection.close()
                return _execute(compiled, params, connection, health_check=True)
            connection.health_check_done = True
            return found
    return _execute(compiled, params, connection, health_check=bool(health_check))


def _execute(
    compiled: _Compiled, params: list[Any], connection: Any, *, health_check: bool
) -> list[tuple[Any, ...]]:
    with _cursor(connection, health_check=health_check) as cursor:
        cursor.execute(compiled.sql, params)
        rows: Sequence[Any] = cursor.fetchall()
    if not compiled.converters:
        return [tuple(row) for row in rows]
    converted = []
    for raw in rows:
        row = list(raw)
        for pos, funcs, expression in compiled.converters:
            value = row[pos]
            for func in funcs:
                value = func(value, expression, connection)
            row[pos] = value
        converted.append(tuple(row))
    return converted


class BoundQuery:
    """A compiled query with every value bound but the ``open`` ones: for a caller that runs
    the same query for the same viewer again and again (the API's read lane), so each run only
    fills those in."""

    def __init__(
        self, compiled: _Compiled, values: dict[str, Any], open: Sequence[str], using: str
    ) -> None:
        self._compiled = compiled
        self._using = using
        self._params: list[Any] = []
        self._open: list[tuple[int, str]] = []
        for position, (name, index, constant) in enumerate(compiled.binds):
            if name in open:
                self._open.append((position, name))
                self._params.append(None)
            elif not name:
                self._params.append(constant)
            else:
                self._params.append(values[name] if index is None else values[name][index])

    def first(self, *, health_check: bool = True, **values: Any) -> tuple[Any, ...] | None:
        params = self._params.copy()
        for position, name in self._open:
            params[position] = values[name]
        found = _run(self._compiled, params, self._using, health_check=health_check)
        return found[0] if found else None


class CompiledQuery:
    """``build(placeholders)`` returns the queryset; ``wrap(sql, vendor)`` may put the compiled
    SQL inside an outer statement of the caller's (which then owns the select list)."""

    def __init__(
        self,
        build: Callable[[Placeholders], QuerySet[Any, Any]],
        *,
        wrap: Callable[[str, str], str] | None = None,
        using: str = "default",
    ) -> None:
        self._build = build
        self._wrap = wrap
        self._using = using
        self._cache: dict[tuple[Any, ...], _Compiled] = {}
        self._lock = threading.Lock()

    def _compile(self, lengths: dict[str, int], shape: Hashable, vendor: str) -> _Compiled:
        placeholders = Placeholders(lengths, shape)
        queryset = self._build(placeholders)
        compiler = queryset.query.get_compiler(using=self._using)
        sql, params = compiler.as_sql()
        binds: list[tuple[str, int | None, Any]] = []
        seen: set[tuple[str, int | None]] = set()
        for param in params:
            slot = placeholders.slots.get(param) if isinstance(param, int | str) else None
            if slot is None:
                binds.append(("", None, param))
            else:
                binds.append((slot[0], slot[1], None))
                seen.add(slot)
        missing = set(placeholders.slots.values()) - seen
        if missing:
            raise ValueError(
                f"CompiledQuery: the ORM changed or dropped the values of {sorted(missing)}; "
                "only exact-value lookups can be slots"
            )
        converters: tuple[tuple[int, tuple[Callable[..., Any], ...], Any], ...] = ()
        if self._wrap is not None:
            sql = self._wrap(sql, vendor)
        else:
            fields = [s[0] for s in compiler.select[0 : compiler.col_count]]
            converters = tuple(
                (pos, tuple(funcs), expression)
                for pos, (funcs, expression) in compiler.get_converters(fields).items()
            )
        return _Compiled(sql=sql, binds=tuple(binds), converters=converters)

    def _compiled(self, shape: Hashable, values: dict[str, Any]) -> _Compiled:
        vendor = connections[self._using].vendor
        lengths = {k: len(v) for k, v in values.items() if isinstance(v, list | tuple)}
        key = (vendor, shape, *sorted(lengths.items()))
        compiled = self._cache.get(key)
        if compiled is None:
            with self._lock:
                compiled = self._cache.get(key)
                if compiled is None:
                    compiled = self._compile(lengths, shape, vendor)
                    self._cache[key] = compiled
        return compiled

    def rows(
        self, shape: Hashable = None, *, health_check: bool | str = True, **values: Any
    ) -> list[tuple[Any, ...]]:
        """The result rows for these slot values, converted as the ORM converts them
        (``health_check``: see ``_run``)."""
        compiled = self._compiled(shape, values)
        params = [
            constant if not name else (values[name] if index is None else values[name][index])
            for name, index, constant in compiled.binds
        ]
        return _run(compiled, params, self._using, health_check=health_check)

    def first(
        self, shape: Hashable = None, *, health_check: bool | str = True, **values: Any
    ) -> tuple[Any, ...] | None:
        found = self.rows(shape, health_check=health_check, **values)
        return found[0] if found else None

    def bind(self, shape: Hashable = None, *, open: Sequence[str], **values: Any) -> BoundQuery:
        """This query for ``values``, with the ``open`` slots left to each run (they must be
        single values, not lists)."""
        return BoundQuery(self._compiled(shape, values), values, open, self._using)
