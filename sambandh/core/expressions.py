"""Query expressions the ORM does not have."""

from __future__ import annotations

from typing import Any

from django.db.models import Value


class InlineValue(Value):
    """A constant written into the SQL instead of bound as a parameter, so that a query's
    expression is the one an expression index was built on: SQLite uses such an index only for
    the expression as written, and a bound parameter is never the index's literal."""

    def as_sql(self, compiler: Any, connection: Any) -> Any:
        sql, params = super().as_sql(compiler, connection)
        if sql != "%s" or len(params) != 1:
            return sql, params
        # quote_value is how migrations write a constant into an index definition. The SQL still
        # goes through the driver's parameter formatting, so a % in it must be doubled
        # (PostgreSQL's quote_value already does that for text).
        literal = connection.schema_editor().quote_value(params[0])
        if connection.vendor != "postgresql":
            literal = literal.replace("%", "%%")
        return literal, ()
