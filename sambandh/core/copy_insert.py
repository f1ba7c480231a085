"""Inserting many new rows whose ids the writer does not need back (a batch's email addresses,
audit rows, import report rows): on PostgreSQL by ``COPY ... FROM STDIN`` in the caller's
transaction, which costs a fraction of a multi-row INSERT (no statement of thousands of
parameters to build, quote, send and parse); elsewhere by ``bulk_create``.

The rows are the same either way: each field's value is prepared as ``bulk_create`` prepares it
(``pre_save`` then ``get_db_prep_save``: the ``auto_now_add`` times, the JSON), constraints and
triggers fire as for an INSERT (statement-level triggers included), and a failure fails the
caller's transaction (or savepoint). The objects are given their ids only when asked
(``ids=True``: on PostgreSQL they are drawn from the table's sequence in one query first).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from typing import Any

from django.db import connection, models

_INTEGERS = (
    models.AutoField,
    models.BigAutoField,
    models.BigIntegerField,
    models.ForeignKey,
    models.IntegerField,
    models.PositiveIntegerField,
    models.PositiveSmallIntegerField,
    models.SmallIntegerField,
)
_TEXTS = (models.CharField, models.EmailField, models.SlugField, models.TextField, models.URLField)


def _plain_for(f: Any) -> Callable[[Any], bool] | None:
    """For a field of one of Django's own classes (never a subclass) whose
    ``get_db_prep_save`` hands a value of a plain type to the database unchanged: the test that
    a value is of that type. None for every other field."""
    kind = type(f)
    if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
        return None
    if kind in _TEXTS:
        return lambda v: type(v) is str
    if kind in _INTEGERS:
        if f.is_relation and type(f.target_field) not in _INTEGERS:
            return None
        return lambda v: type(v) is int
    if kind is models.BooleanField:
        return lambda v: type(v) is bool
    if kind is models.DateField:
        return lambda v: type(v) is datetime.date
    if kind is models.DateTimeField:
        return lambda v: type(v) is datetime.datetime and v.tzinfo is not None
    return None


def _columns(model: type[models.Model], with_pk: bool) -> list[Any]:
    fields = []
    for f in model._meta.concrete_fields:
        if getattr(f, "generated", False):
            continue
        if f.primary_key and not with_pk:
            continue
        fields.append(f)
    return fields


def _getter(f: Any) -> Callable[[models.Model], Any]:
    """How a field's value is read for the database: as ``bulk_create`` reads it (``pre_save``
    then ``get_db_prep_save``), or, for a plain field holding None or a plain value, as it is
    (the same value, without the calls: they are most of the cost)."""

    def prepared(obj: models.Model) -> Any:
        return f.get_db_prep_save(f.pre_save(obj, True), connection)

    is_plain = _plain_for(f)
    if is_plain is None:
        return prepared
    attname = f.attname

    def plain(obj: models.Model) -> Any:
        value = obj.__dict__.get(attname, prepared)
        if value is None or (value is not prepared and is_plain(value)):
            return value
        return prepared(obj)

    return plain


def _draw_ids(model: type[models.Model], rows: list[models.Model]) -> None:
    pk = model._meta.pk
    assert pk is not None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [model._meta.db_table, pk.column, len(rows)],
        )
        drawn = [row[0] for row in cursor.fetchall()]
    for obj, pk_value in zip(rows, drawn, strict=True):
        obj.pk = pk_value


def insert_many(
    model: type[models.Model],
    objs: Iterable[models.Model],
    *,
    ids: bool = False,
    batch_size: int = 1000,
) -> None:
    """Insert ``objs`` (new instances of ``model``); with ``ids``, each is given its id."""
    rows = list(objs)
    if not rows:
        return
    if connection.vendor != "postgresql":
        model._default_manager.bulk_create(rows, batch_size=batch_size)
        return
    if ids and all(o.pk is None for o in rows):
        _draw_ids(model, rows)
    set_pks = sum(1 for o in rows if o.pk is not None)
    if set_pks not in (0, len(rows)):
        model._default_manager.bulk_create(rows, batch_size=batch_size)
        return
    fields = _columns(model, with_pk=set_pks > 0)
    getters = [_getter(f) for f in fields]
    prepared = []
    for obj in rows:
        values = [get(obj) for get in getters]
        if any(hasattr(v, "as_sql") for v in values):  # a database default, an expression
            model._default_manager.bulk_create(rows, batch_size=batch_size)
            return
        prepared.append(values)
    qn = connection.ops.quote_name
    names = ", ".join(qn(f.column) for f in fields)
    sql = f"COPY {qn(model._meta.db_table)} ({names}) FROM STDIN"
    connection.ensure_connection()
    with connection.cursor() as cursor:
        raw = cursor.cursor  # the psycopg cursor under Django's wrapper
        with raw.copy(sql) as copy:
            for values in prepared:
                copy.write_row(values)
    for obj in rows:
        obj._state.adding = False
        obj._state.db = connection.alias
