"""Search-as-you-type: GET /api/v1/search?q= with each growing prefix of real names and phone
numbers from the data ("r", "ra", "rav", "ravi", "ravi ", "ravi k", ...), one request at a time
on one connection, as a person typing makes them; repeated. Measured for a sales rep (results
pass their permission filter) and for the administrator (no filter: the most candidates).

Baseline: the same server's /health (no database) measured the same way; the ratio is the
search p95 over the /health p95. Target: search p95 under 25 ms end to end.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import phonenumbers

from bench.common import Context, Row, context, parser, print_table, sequential

REPEAT = 5


def typed_queries(user: Any) -> list[str]:
    """What ``user`` types to find people they can see: a name in Latin script, one in another
    script, and a phone number in its international form, each letter by letter."""
    from sambandh.contacts.selectors import people_visible

    people = people_visible(user).order_by("id")
    latin = people.filter(full_name="Ravi Kumar").first() or next(
        p for p in people[:2000] if p.full_name.isascii() and " " in p.full_name
    )
    other = next(p for p in people[:2000] if not p.full_name.isascii())
    phoned = people.exclude(phone="").first()
    if phoned is None:
        raise SystemExit("No person has a phone number: load the demo data first.")
    number = phonenumbers.format_number(
        phonenumbers.parse(phoned.phone, None), phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    queries: list[str] = []
    for text in (latin.full_name.lower(), other.full_name, number):
        queries += [text[:i] for i in range(1, len(text) + 1)]
    return queries


def run(ctx: Context) -> list[Row]:
    rows = []
    health = sequential(ctx.api_port, ["/health"] * 50, repeat=REPEAT)
    for who, user, token in (
        ("rep", ctx.rep, ctx.rep_token),
        ("admin", ctx.admin, ctx.admin_token),
    ):
        queries = typed_queries(user)
        paths = [f"/api/v1/search?q={quote(q)}" for q in queries]
        sequential(ctx.api_port, paths, headers=ctx.auth(token))  # warm the caches once
        result = sequential(ctx.api_port, paths, headers=ctx.auth(token), repeat=REPEAT)
        p95 = result.pct(95)
        rows.append(
            Row(
                name=f"search as you type, {who} ({ctx.label})",
                figure=f"p50 {result.median:.1f} ms, p95 {p95:.1f}, max {result.pct(100):.0f} ms",
                baseline=f"/health p95 {health.pct(95):.2f} ms",
                ratio=p95 / health.pct(95),
                target="p95 < 25 ms",
                passed=p95 < 25,
                notes=f"{len(queries)} prefixes x {REPEAT}; {result.errors} errors",
            )
        )
    return rows


if __name__ == "__main__":
    arguments = parser(__doc__ or "").parse_args()
    with context(arguments) as ctx:
        print_table(run(ctx), "Search as you type")
