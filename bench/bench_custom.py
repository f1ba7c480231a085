"""Filtering and sorting the people list on a custom field, beside the same on a native indexed
column, in the same run (issue 7: within 2x).

A text custom field ``bench_owner`` is defined on people (through its service, which creates
its index) and every person gets the value ``o<owner id>`` (one bulk statement, once): so the
custom filter ``custom.bench_owner=o<id>`` matches exactly the rows of the native filter
``owner_id=<id>`` (an indexed column), and ``sort=custom.bench_owner`` walks an index as
``sort=name`` does. One connection, one request at a time, after a warm-up; the figure is the
median, the ratio custom / native. Target: at most 2.
"""

from __future__ import annotations

from typing import Any

from bench.common import Context, Result, Row, context, parser, print_table, sequential

REPEAT = 20
WARM = 5
KEY = "bench_owner"


def prepare(admin: Any) -> None:
    """The field, its index and its values (idempotent: a second run only checks them)."""
    from django.db import connection

    from sambandh.contacts.models import Person
    from sambandh.customfields import selectors, services
    from sambandh.customfields.models import CustomField

    field = CustomField.objects.filter(record_type="person", key=KEY).first()
    if field is None:
        print("bench_custom: defining the field and building its index...", flush=True)
        field = services.custom_field_create(
            actor=admin,
            data={"record_type": "person", "key": KEY, "label": "Bench owner", "type": "text"},
        )
    elif field.deleted_at is not None:
        services.custom_field_restore(actor=admin, field=field)
    services.create_index(field)  # IF NOT EXISTS: a no-op once built
    selectors.forget_definitions()
    table = Person._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"UPDATE {table} SET custom = jsonb_set(custom, '{{{KEY}}}', "  # noqa: S608
                "to_jsonb('o' || owner_id::text)) "
                f"WHERE NOT jsonb_exists(custom, '{KEY}')"
            )
        else:
            cursor.execute(
                f"UPDATE {table} SET custom = json_set(custom, '$.{KEY}', "  # noqa: S608
                "'o' || owner_id) "
                f"WHERE json_type(custom, '$.{KEY}') IS NULL"
            )
        if cursor.rowcount:
            print(f"bench_custom: set the value on {cursor.rowcount:,} people", flush=True)
            cursor.execute(f"ANALYZE {table}")


def _median(ctx: Context, path: str, token: str) -> Result:
    timed = sequential(ctx.api_port, [path], headers=ctx.auth(token), repeat=WARM + REPEAT)
    return Result(requests=timed.requests, errors=timed.errors, latencies=timed.latencies[WARM:])


def run(ctx: Context) -> list[Row]:
    prepare(ctx.admin)
    owner = ctx.rep.pk
    pairs = (
        ("filter", f"custom.{KEY}=o{owner}", f"owner_id={owner}"),
        ("sort", f"sort=custom.{KEY}", "sort=name"),
        ("sort, descending", f"sort=-custom.{KEY}", "sort=-name"),
        (
            "filter + sort",
            f"custom.{KEY}=o{owner}&sort=-custom.{KEY}",
            f"owner_id={owner}&sort=-name",
        ),
    )
    rows = []
    for who, token in (("admin", ctx.admin_token), ("rep", ctx.rep_token)):
        for name, custom, native in pairs:
            mine = _median(ctx, f"/api/v1/people?limit=50&{custom}", token)
            base = _median(ctx, f"/api/v1/people?limit=50&{native}", token)
            ratio = mine.median / base.median if base.median else float("inf")
            rows.append(
                Row(
                    name=f"people, {name} on a custom field, {who} ({ctx.label})",
                    figure=f"p50 {mine.median:.1f} ms, p95 {mine.pct(95):.1f} ms",
                    baseline=f"{native}: p50 {base.median:.1f} ms",
                    ratio=ratio,
                    target="<= 2x native",
                    passed=ratio <= 2 and mine.errors == 0 and base.errors == 0,
                    notes=f"{mine.errors + base.errors} errors",
                )
            )
    return rows


if __name__ == "__main__":
    arguments = parser(__doc__ or "").parse_args()
    with context(arguments) as ctx:
        print_table(run(ctx), "Custom fields")
