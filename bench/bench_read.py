"""API record read against the bare endpoint: GET /api/v1/people/{id} with a bearer token, for
random people the token's user may see, against a bare WSGI app reading the same row with the
driver. Same server, same workers, 16 keep-alive connections.

Targets: at least 0.6 of the bare endpoint's requests per second; p99 under 50 ms.
"""

from __future__ import annotations

import random

from bench.common import BENCH_SEED, Context, Row, context, load, parser, print_table


def run(ctx: Context) -> list[Row]:
    args = ctx.args
    rng = random.Random(BENCH_SEED)
    ids = ctx.rep_ids
    headers = ctx.auth(ctx.rep_token)
    api = load(
        ctx.api_port,
        lambda: f"/api/v1/people/{rng.choice(ids)}",
        headers=headers,
        connections=args.connections,
        duration=args.duration,
    )
    bare = load(
        ctx.bare_port,
        lambda: f"/people/{rng.choice(ids)}",
        connections=args.connections,
        duration=args.duration,
    )
    ratio = api.rps / bare.rps if bare.rps else 0.0
    p99 = api.pct(99)
    return [
        Row(
            name=f"record read ({ctx.label}, {args.connections} conn)",
            figure=f"{api.rps:,.0f} req/s, p50 {api.median:.1f} ms, p99 {p99:.1f} ms",
            baseline=f"bare {bare.rps:,.0f} req/s, p99 {bare.pct(99):.1f} ms",
            ratio=ratio,
            target="ratio >= 0.60, p99 < 50 ms",
            passed=ratio >= 0.6 and p99 < 50,
            notes=f"{api.errors + bare.errors} errors; {len(ids)} visible ids",
        )
    ]


if __name__ == "__main__":
    arguments = parser(__doc__ or "").parse_args()
    with context(arguments) as ctx:
        print_table(run(ctx), "Record read")
