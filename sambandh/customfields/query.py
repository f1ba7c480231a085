"""Filtering and sorting lists on custom fields, in SQL both databases can index.

Each defined field has one expression per database (``value_sql``) that reads its value from
the ``custom`` column as a sortable scalar, never NULL (empty values get a fixed place, as keyset
pagination needs). Filters and sorts use it, and the field's service creates an index on exactly
that expression and the id (``index_sqls``), so ``?custom.tier=gold`` and ``sort=custom.tier``
are index lookups and ordered index walks, as on a native indexed column. The key is inlined
(it is a validated slug: ``services.KEY``), never a parameter: SQLite matches an expression index
only against the same expression, and a bound parameter is not the same expression.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import (
    BigIntegerField,
    BooleanField,
    CharField,
    Expression,
    F,
    FloatField,
    IntegerField,
    Q,
    QuerySet,
)
from django.utils.translation import gettext as _

from sambandh.core import registry
from sambandh.core.errors import ValidationFailed
from sambandh.core.listing import ListQuery
from sambandh.customfields import selectors
from sambandh.customfields.models import CustomField
from sambandh.customfields.values import clean_value

#: The place of an empty value in a sort (first, ascending).
EMPTY_NUMBER = -1e300
_NUMERIC = r"'^-?[0-9]+(\.[0-9]+)?$'"
TEXT_SORTED = frozenset(
    {"text", "long_text", "picklist", "multi_picklist", "url", "email", "phone", "date", "datetime"}
)


def value_sql(cf: CustomField, vendor: str, column: str) -> str:
    """The field's sortable, never-NULL value in ``column`` (the record's custom column)."""
    key = cf.key
    if vendor == "postgresql":
        text = f"({column} ->> '{key}')"
        if cf.type in TEXT_SORTED:
            return f"COALESCE({text}, '')"
        if cf.type == "number":
            return (
                f"COALESCE(CASE WHEN jsonb_typeof({column} -> '{key}') = 'number' "
                f"THEN {text}::float8 END, {EMPTY_NUMBER})"
            )
        if cf.type == "money":
            amount = f"({column} -> '{key}' ->> 'amount')"
            return (
                f"COALESCE(CASE WHEN {amount} ~ {_NUMERIC} THEN {amount}::float8 END, "
                f"{EMPTY_NUMBER})"
            )
        if cf.type == "boolean":
            return f"COALESCE(CASE {text} WHEN 'true' THEN 1 WHEN 'false' THEN 0 END, -1)"
        if cf.type == "lookup":
            return f"COALESCE(CASE WHEN {text} ~ '^[0-9]{{1,18}}$' THEN {text}::bigint END, 0)"
    else:
        path = f"'$.{key}'"
        value = f"json_extract({column}, {path})"
        if cf.type in TEXT_SORTED:
            return (
                f"COALESCE(CASE WHEN json_type({column}, {path}) = 'text' THEN {value} "
                f"WHEN json_type({column}, {path}) = 'array' THEN json({value}) END, '')"
            )
        if cf.type == "number":
            return (
                f"COALESCE(CASE WHEN json_type({column}, {path}) IN ('integer', 'real') "
                f"THEN {value} END, {EMPTY_NUMBER})"
            )
        if cf.type == "money":
            return (
                f"COALESCE(CAST(json_extract({column}, '$.{key}.amount') AS REAL), {EMPTY_NUMBER})"
            )
        if cf.type == "boolean":
            return (
                f"COALESCE(CASE json_type({column}, {path}) WHEN 'true' THEN 1 "
                f"WHEN 'false' THEN 0 END, -1)"
            )
        if cf.type == "lookup":
            return (
                f"COALESCE(CASE WHEN json_type({column}, {path}) = 'integer' THEN {value} END, 0)"
            )
    raise ValueError(f"no sort expression for {cf.type}")


def _output(cf: CustomField) -> Any:
    if cf.type in TEXT_SORTED:
        return CharField()
    if cf.type in ("number", "money"):
        return FloatField()
    if cf.type == "lookup":
        return BigIntegerField()
    return IntegerField()


class CustomValue(Expression):
    """``value_sql`` of a field over the queried model's custom column."""

    def __init__(self, cf: CustomField) -> None:
        super().__init__(output_field=_output(cf))
        self.cf = cf
        self.column = F("custom")

    def get_source_expressions(self) -> list[Any]:
        return [self.column]

    def set_source_expressions(self, exprs: Any) -> None:
        (self.column,) = exprs

    def as_sql(self, compiler: Any, connection: Any) -> Any:
        column, params = compiler.compile(self.column)
        return value_sql(self.cf, connection.vendor, column), list(params)

    def __hash__(self) -> int:
        return hash((type(self), self.cf.pk, self.cf.key, self.cf.type))


class HasOption(Expression):
    """A multi-select field holds ``option`` (not indexed: a list has no single sort value)."""

    output_field = BooleanField()
    conditional = True

    def __init__(self, cf: CustomField, option: str) -> None:
        super().__init__()
        self.cf = cf
        self.option = option
        self.column = F("custom")

    def get_source_expressions(self) -> list[Any]:
        return [self.column]

    def set_source_expressions(self, exprs: Any) -> None:
        (self.column,) = exprs

    def as_sql(self, compiler: Any, connection: Any) -> Any:
        column, params = compiler.compile(self.column)
        key = self.cf.key
        if connection.vendor == "postgresql":
            sql = f"(({column} -> '{key}') @> jsonb_build_array(%s::text))"
        else:
            # The key is a validated slug (services.KEY): safe to inline.
            sql = f"EXISTS (SELECT 1 FROM json_each({column}, '$.{key}') WHERE value = %s)"  # noqa: S608
        return sql, [*params, self.option]


def index_name(cf: CustomField) -> str:
    return f"customfield_{cf.pk}_idx"


def owner_index_name(cf: CustomField) -> str:
    return f"customfield_{cf.pk}_owner_idx"


def index_sqls(cf: CustomField, vendor: str, table: str, quote: Any) -> list[str]:
    """The field's two indexes: its value, then the record type's default order (filters
    answered in the default order, and sorts by the field, which break ties in that order, in
    lists that see every record); and the same led by the owner (a rep's list is read as the
    branch of the records they own merged with those shared with them: core/pagination.py;
    each branch walks its own index, as ``person_owner_name_idx`` serves the native sort by
    name)."""
    expression = value_sql(cf, vendor, quote("custom"))
    rt = registry.get(cf.record_type)
    columns = ", ".join(quote(c) for c in rt.default_order)
    return [
        f"CREATE INDEX IF NOT EXISTS {quote(index_name(cf))} "
        f"ON {quote(table)} (({expression}), {columns})",
        f"CREATE INDEX IF NOT EXISTS {quote(owner_index_name(cf))} "
        f"ON {quote(table)} ({quote('owner_id')}, ({expression}), {columns})",
    ]


def annotation(cf: CustomField) -> str:
    """The annotation a list sorts by (no ``__``: pagination reads such paths as relations)."""
    return f"cf_{cf.key}"


def _split(name: str) -> tuple[str, str]:
    rest = name[len("custom.") :]
    for bound in (".min", ".max"):
        if rest.endswith(bound):
            return rest[: -len(bound)], bound[1:]
    return rest, ""


def _filter_value(cf: CustomField, raw: str, name: str) -> Any:
    """A filter's text as the field's sort expression holds values."""
    raw = raw.strip()
    if cf.type in ("number", "money"):
        try:
            number = float(raw)
        except ValueError:
            raise ValidationFailed(fields={name: _("Enter a number.")}) from None
        if number != number or abs(number) >= 1e15:
            raise ValidationFailed(fields={name: _("Enter a number.")})
        return number
    if cf.type == "boolean":
        if raw.lower() not in ("true", "false", "1", "0", "yes", "no"):
            raise ValidationFailed(fields={name: _("Enter true or false.")})
        return 1 if raw.lower() in ("true", "1", "yes") else 0
    if cf.type == "lookup":
        if not raw.isdecimal() or len(raw) > 18:
            raise ValidationFailed(fields={name: _("Enter the id of a record.")})
        return int(raw)
    if cf.type == "date":
        return clean_value(cf, raw, name=name)
    if cf.type == "datetime":
        try:
            return dt.date.fromisoformat(raw).isoformat()  # a day: compared as its start
        except ValueError:
            return clean_value(cf, raw, name=name)
    return raw[:255]


def custom_query(
    qs: QuerySet[Any], *, record_type: str, query: ListQuery
) -> tuple[QuerySet[Any], list[str] | None]:
    """``qs`` filtered by the query's ``custom.*`` filters, and the order of a ``custom.*``
    sort (None when the sort is not on a custom field). An unknown or removed field is a 422
    naming it. The caller has already asked the policy (``check_list``) about hidden fields."""
    errors: dict[str, str] = {}
    equal: set[str] = set()  # the keys of fields filtered to one value
    for name, raw in query.filters.items():
        if not name.startswith("custom.") or raw in (None, ""):
            continue
        key, bound = _split(name)
        cf = selectors.definition(record_type, key)
        if cf is None or (bound and cf.type not in selectors.RANGE_TYPES):
            errors[name[:100]] = _("Unknown custom field.")
            continue
        try:
            value = _filter_value(cf, str(raw), name)
        except ValidationFailed as exc:
            errors.update(exc.fields)
            continue
        if cf.type == "multi_picklist":
            qs = qs.filter(HasOption(cf, str(value)))
        elif cf.type == "long_text":
            qs = qs.annotate(**{annotation(cf): CustomValue(cf)}).filter(
                **{f"{annotation(cf)}__icontains": value}
            )
        else:
            lookup = {"min": "gte", "max": "lte", "": "exact"}[bound]
            if not bound:
                equal.add(cf.key)
            qs = qs.annotate(**{annotation(cf): CustomValue(cf)}).filter(
                Q(**{f"{annotation(cf)}__{lookup}": value})
            )
    order: list[str] | None = None
    sort = query.sort or ""
    if sort.lstrip("-").startswith("custom."):
        cf = selectors.definition(record_type, sort.lstrip("-")[len("custom.") :])
        if cf is None:
            errors["sort"] = _("Unknown custom field “%(name)s”.") % {"name": sort[:80]}
        else:
            qs = qs.annotate(**{annotation(cf): CustomValue(cf)})
            descending = "-" if sort.startswith("-") else ""
            ties = registry.get(record_type).default_order
            order = [f"{descending}{annotation(cf)}", *(f"{descending}{c}" for c in ties)]
            if cf.key in equal:
                # Filtered to one value, the field orders nothing: what is left is the ties'
                # order, which its index holds after the value (SQLite would otherwise sort
                # every matching row, not seeing that the expression is fixed).
                order = order[1:]
    if errors:
        raise ValidationFailed(fields=errors)
    return qs, order
