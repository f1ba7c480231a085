"""Keyset (cursor) pagination: page 2,000 costs what page 1 costs, and no exact total is counted.

A cursor is an opaque, URL-safe token holding the sort key of the last row of the page. The order
always ends with the primary key, so every row has a unique position even when sort values tie.
"""

from __future__ import annotations

import base64
import binascii
import json
import operator
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import reduce
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import DecimalValidator
from django.db import connections
from django.db.models import F, Q, QuerySet
from django.db.models.fields.tuple_lookups import Tuple, TupleGreaterThan, TupleLessThan
from django.utils.translation import gettext as _

from sambandh.core.cleaning import clean_datetime
from sambandh.core.errors import ValidationFailed
from sambandh.core.ids import MAX_ID

MAX_LIMIT = 200


@dataclass(frozen=True)
class Page[T]:
    items: list[T]
    next_cursor: str | None


def _field_of(qs: QuerySet[Any], path: str) -> Any:
    if path in qs.query.annotations:  # e.g. a Coalesce that gives NULLs a place in the order
        return qs.query.annotations[path].output_field
    model = qs.model
    field: Any = None
    for part in path.split("__"):
        field = model._meta.get_field(part)
        if field.is_relation and field.related_model is not None:
            model = field.related_model
    return field


def encode_cursor(values: list[Any]) -> str:
    raw = json.dumps([None if v is None else str(v) for v in values], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, qs: QuerySet[Any], order: list[str]) -> list[Any]:
    error = ValidationFailed(_("The cursor is not valid."), fields={"cursor": _("Not valid.")})
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        raw = json.loads(base64.urlsafe_b64decode(padded.encode()).decode())
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise error from None
    if not isinstance(raw, list) or len(raw) != len(order):
        raise error
    values = []
    for path, value in zip(order, raw, strict=True):
        field = _field_of(qs, path.lstrip("-"))
        if field.is_relation:
            field = field.target_field
        try:
            values.append(None if value is None else _storable(field, field.to_python(value)))
        except (ValidationError, ValidationFailed, TypeError, ValueError):
            raise error from None
    return values


def _storable(field: Any, value: Any) -> Any:
    """``value`` (a time in UTC) if the database can compare a column with it; raises for what
    ``to_python`` accepts but the driver cannot bind: an integer beyond 64 bits, a time without
    an offset or one UTC cannot hold, a decimal wider than its column. A cursor we issued never
    holds those."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and not -MAX_ID - 1 <= value <= MAX_ID:
        raise ValueError(value)
    if isinstance(value, datetime):
        return clean_datetime(value, field="cursor")
    if isinstance(value, Decimal) and getattr(field, "max_digits", None) is not None:
        DecimalValidator(field.max_digits, field.decimal_places)(value)
    return value


def _after(order: list[str], values: list[Any]) -> Q | Any:
    """Rows strictly after ``values`` in ``order``.

    When every key sorts the same way this is a row-value comparison, ``(a, b) > (x, y)``, which
    both PostgreSQL and SQLite answer as one index range starting at the cursor: page 2,000
    costs what page 1 costs. Mixed directions spell it out, ``a > x OR (a = x AND b > y)``, with
    a redundant ``a >= x`` so the index range still starts at the cursor."""
    descending = {path.startswith("-") for path in order}
    if len(descending) == 1:
        keys = Tuple(*(F(path.lstrip("-")) for path in order))
        lookup = TupleLessThan if descending.pop() else TupleGreaterThan
        return lookup(keys, tuple(values))
    first = order[0].lstrip("-")
    bound = Q(**{f"{first}__{'lte' if order[0].startswith('-') else 'gte'}": values[0]})
    result = Q()
    for i, path in enumerate(order):
        name = path.lstrip("-")
        op = "lt" if path.startswith("-") else "gt"
        clause = Q(**{f"{name}__{op}": values[i]})
        for prev_path, prev_value in zip(order[:i], values[:i], strict=True):
            clause &= Q(**{prev_path.lstrip("-"): prev_value})
        result |= clause
    return bound & result


def clamp_limit(limit: int | None, default: int = 50) -> int:
    if limit is None:
        return default
    if limit < 1 or limit > MAX_LIMIT:
        raise ValidationFailed(
            _("limit must be between 1 and %(max)s.") % {"max": MAX_LIMIT},
            fields={"limit": _("Out of range.")},
        )
    return limit


def paginate(
    qs: QuerySet[Any],
    *,
    order: list[str],
    limit: int,
    cursor: str | None = None,
    branches: Sequence[Q] = (),
) -> Page[Any]:
    """One page of ``qs`` in ``order`` (non-null fields, ending with a unique one).

    ``branches``: the rows of ``qs`` that match any of these filters (a viewer's visibility,
    split at its OR: owned, shared). Each branch's page is read along its own index and the
    database merges them, where one query with the OR would have to filter or sort every row
    the viewer might see (a rep's people sorted by name: a second, not milliseconds)."""
    if order[-1].lstrip("-") not in ("pk", "id"):
        order = [*order, "-id" if order[-1].startswith("-") else "id"]
    qs = qs.order_by(*order)
    if cursor:
        qs = qs.filter(_after(order, decode_cursor(cursor, qs, order)))
    if len(branches) > 1 and not any("__" in path for path in order):
        rows = _union_page(qs, order, branches, limit + 1)
    else:
        if branches:
            # One branch is a plain filter; several, when a sort key crosses a relation (which
            # the union's select list cannot name), are one filter that ORs them: a row is in
            # the page when it is in any branch, never only when it is in all of them.
            qs = qs.filter(reduce(operator.or_, branches))
        rows = list(qs[: limit + 1])
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        last = rows[-1]
        next_cursor = encode_cursor([_value(last, p.lstrip("-")) for p in order])
    return Page(items=rows, next_cursor=next_cursor)


def _union_page(qs: QuerySet[Any], order: list[str], branches: Sequence[Q], size: int) -> list[Any]:
    """The first ``size`` rows of ``qs`` in any branch: each branch's first ``size`` sort keys,
    merged and cut by the database (its collation decides, as in every other page), then the
    rows of those ids.

    The ORM refuses a UNION of sliced queries on SQLite, so the compound statement is put
    together here from each branch's own compiled SQL and parameters; nothing is formatted in
    but positions and directions."""
    names = [path.lstrip("-") for path in order]
    statements: list[str] = []
    params: list[Any] = []
    for i, branch in enumerate(branches):
        sql, branch_params = qs.filter(branch).values_list(*names)[:size].query.sql_with_params()
        statements.append(f"SELECT * FROM ({sql}) AS branch{i}")  # noqa: S608 - ORM SQL
        params.extend(branch_params)
    by = ", ".join(
        f"{position} {'DESC' if path.startswith('-') else 'ASC'}"
        for position, path in enumerate(order, start=1)
    )
    with connections[qs.db].cursor() as cursor:
        cursor.execute(f"{' UNION '.join(statements)} ORDER BY {by} LIMIT {int(size)}", params)
        ids = [row[-1] for row in cursor.fetchall()]
    found = {row.pk: row for row in qs.filter(pk__in=ids)}
    return [found[pk] for pk in ids if pk in found]


def _value(obj: Any, path: str) -> Any:
    if "__" not in path and not _is_model_field(obj, path):
        return getattr(obj, path)  # an annotation
    for part in path.split("__"):
        if obj is None:
            return None
        # A foreign key sorts on its id: read the attname so no query is made.
        field = obj._meta.get_field(part) if hasattr(obj, "_meta") else None
        if field is not None and field.is_relation and part == path:
            return getattr(obj, field.attname)
        obj = getattr(obj, part)
    return obj


def _is_model_field(obj: Any, name: str) -> bool:
    try:
        obj._meta.get_field(name)
    except Exception:  # FieldDoesNotExist, or not a model instance
        return name == "pk"
    return True
