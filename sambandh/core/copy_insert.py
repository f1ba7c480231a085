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
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from typing import Any

from django.db import connection, models
from django.db.models.expressions import DatabaseDefault, Value

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


def _draw_pks(model: type[models.Model], count: int) -> list[int]:
    pk = model._meta.pk
    assert pk is not None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [model._meta.db_table, pk.column, count],
        )
        return [row[0] for row in cursor.fetchall()]


def _draw_ids(model: type[models.Model], rows: list[models.Model]) -> None:
    for obj, pk_value in zip(rows, _draw_pks(model, len(rows)), strict=True):
        obj.pk = pk_value


def _constant_db_default(f: Any) -> Value | None:
    """A field's database default when it is a constant that the database answers as it is
    (text for a text field, an int for an integer field, a bool for a boolean), else None."""
    if not f.has_db_default():
        return None
    default = f._db_default_expression
    if type(default) is not Value:
        return None
    kind = type(f)
    value = default.value
    if (
        (kind in _TEXTS and type(value) is str)
        or (kind in _INTEGERS and not f.is_relation and type(value) is int)
        or (kind is models.BooleanField and type(value) is bool)
    ):
        return default
    return None


def _copy(model: type[models.Model], fields: list[Any], prepared: Iterable[Sequence[Any]]) -> None:
    qn = connection.ops.quote_name
    names = ", ".join(qn(f.column) for f in fields)
    sql = f"COPY {qn(model._meta.db_table)} ({names}) FROM STDIN"
    connection.ensure_connection()
    with connection.cursor() as cursor:
        raw = cursor.cursor  # the psycopg cursor under Django's wrapper
        with raw.copy(sql) as copy:
            for values in prepared:
                copy.write_row(values)


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
    # A field left to its database default (a constant) in every row is left out of the COPY:
    # the database fills it in, as bulk_create's DEFAULT does, and the objects then hold the
    # constant, as bulk_create's RETURNING leaves them.
    defaulted = [
        f
        for f in fields
        if _constant_db_default(f) is not None
        and all(isinstance(o.__dict__.get(f.attname), DatabaseDefault) for o in rows)
    ]
    fields = [f for f in fields if f not in defaulted]
    getters = [_getter(f) for f in fields]
    prepared = []
    for obj in rows:
        values = [get(obj) for get in getters]
        if any(hasattr(v, "as_sql") for v in values):  # a database default, an expression
            model._default_manager.bulk_create(rows, batch_size=batch_size)
            return
        prepared.append(values)
    _copy(model, fields, prepared)
    for f in defaulted:
        constant = _constant_db_default(f)
        assert constant is not None
        for obj in rows:
            obj.__dict__[f.attname] = constant.value
    for obj in rows:
        obj._state.adding = False
        obj._state.db = connection.alias


#: ``pre_save`` methods that only read the attribute (a date field's, without auto_now).
_READING_PRE_SAVE = (
    models.Field.pre_save,
    models.DateField.pre_save,
    models.DateTimeField.pre_save,
)
_Plan = list[tuple[Any, int, Callable[[Any], bool] | None]]


@lru_cache(maxsize=256)
def _row_plan(model: type[models.Model], columns: tuple[str, ...], with_pk: bool) -> _Plan | None:
    """How each COPY column of ``model`` is made from a row of ``columns`` (attnames): its
    field, the row's index holding its value (-1: the field's default, as ``Model()`` gives
    it), and the test that a value needs no preparing (``_plain_for``). None when a value
    would not be a plain read of the attribute (auto_now, a file, a field class with its own
    ``pre_save``), a default is the database's, or a column is not a field: the rows are then
    made into objects first."""
    by_attname = {f.attname: f for f in model._meta.concrete_fields}
    if any(c not in by_attname for c in columns) or len(set(columns)) != len(columns):
        return None
    plan: _Plan = []
    for f in _columns(model, with_pk=with_pk):
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            return None
        if type(f).pre_save not in _READING_PRE_SAVE:
            return None
        index = columns.index(f.attname) if f.attname in columns else -1
        if index < 0 and not f.primary_key and f.has_db_default():
            return None
        plan.append((f, index, _plain_for(f)))
    return plan


def _as_objects(
    model: type[models.Model], names: tuple[str, ...], rows: list[Sequence[Any]]
) -> list[models.Model]:
    return [model(**dict(zip(names, row, strict=True))) for row in rows]


def insert_rows(
    model: type[models.Model],
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    ids: bool = False,
    batch_size: int = 1000,
) -> list[int]:
    """``insert_many`` for a writer that needs no object back: each row holds the values of
    ``columns`` (the fields' attnames: ``person_id``, not ``person``) in that order, and every
    other field gets its default, as ``model(**dict(zip(columns, row)))`` would hold them. The
    rows written are those ``insert_many`` writes of those objects; on PostgreSQL without
    making the objects (most of the cost of a small row). Answers the new ids with ``ids``."""
    values = list(rows)
    if not values:
        return []
    names = tuple(columns)
    plan = _row_plan(model, names, ids) if connection.vendor == "postgresql" else None
    if plan is None:
        objs = _as_objects(model, names, values)
        insert_many(model, objs, ids=ids, batch_size=batch_size)
        return [o.pk for o in objs] if ids else []
    drawn = _draw_pks(model, len(values)) if ids else []
    prepared = []
    for n, row in enumerate(values):
        if len(row) != len(names):
            raise ValueError(f"a row of {len(row)} values for the {len(names)} columns")
        out = []
        for f, index, is_plain in plan:
            if index >= 0:
                value = row[index]
            elif f.primary_key:
                value = drawn[n]
            else:
                value = f.get_default()
            # As ``_getter`` reads it: prepared unless plain (None in a plain field is).
            if is_plain is None or not (value is None or is_plain(value)):
                value = f.get_db_prep_save(value, connection)
                if hasattr(value, "as_sql"):  # an expression: written the objects' way
                    objs = _as_objects(model, names, values)
                    for obj, pk in zip(objs, drawn, strict=False):
                        obj.pk = pk
                    insert_many(model, objs, batch_size=batch_size)
                    return drawn
            out.append(value)
        prepared.append(out)
    _copy(model, [f for f, _index, _plain in plan], prepared)
    return drawn
