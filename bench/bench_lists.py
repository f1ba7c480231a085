"""Every API list's first page in its default order, and a record's timeline-sized lists, as the
sales rep and as the administrator: one request at a time on one connection, repeated.

The issue names no figure for these; they are here because a list whose query filters or sorts
every row the viewer may see is fast on the small demo and takes seconds (or never finishes) on
the large one. Baseline: the same server's /health. Target (ours): p95 under 100 ms.
"""

from __future__ import annotations

from bench.common import Context, Result, Row, context, parser, print_table, sequential

REPEAT = 20
WARM = 5  # the first requests on the connection's worker compile its queries and templates
LISTS = (
    "/api/v1/people?limit=50",
    "/api/v1/people?limit=50&sort=-updated",
    "/api/v1/organizations?limit=50",
    "/api/v1/deals?limit=50",
    "/api/v1/leads?limit=50",
    "/api/v1/activities?limit=50",
    "/api/v1/tasks?limit=50",
)


def run(ctx: Context) -> list[Row]:
    rows = []
    health = sequential(ctx.api_port, ["/health"] * 20, repeat=REPEAT)
    for who, token in (("rep", ctx.rep_token), ("admin", ctx.admin_token)):
        headers = ctx.auth(token)
        for path in LISTS:
            timed = sequential(ctx.api_port, [path], headers=headers, repeat=WARM + REPEAT)
            result = Result(
                requests=timed.requests, errors=timed.errors, latencies=timed.latencies[WARM:]
            )
            p95 = result.pct(95)
            rows.append(
                Row(
                    name=f"{path.removeprefix('/api/v1/')}, {who} ({ctx.label})",
                    figure=f"p50 {result.median:.1f} ms, p95 {p95:.1f} ms",
                    baseline=f"/health p95 {health.pct(95):.2f} ms",
                    ratio=p95 / health.pct(95),
                    target="p95 < 100 ms",
                    passed=p95 < 100 and result.errors == 0,
                    notes=f"{result.errors} errors",
                )
            )
    return rows


if __name__ == "__main__":
    arguments = parser(__doc__ or "").parse_args()
    with context(arguments) as ctx:
        print_table(run(ctx), "Lists")
