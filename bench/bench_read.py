"""API record read against the bare endpoint: GET /api/v1/people/{id} with a bearer token, for
random people the token's user may see, against a bare WSGI app reading the same row with the
driver. Same server, same workers, 16 keep-alive connections; the two take turns, three rounds
each.

Targets: at least 0.6 of the bare endpoint's requests per second; p99 under 50 ms.
"""

from __future__ import annotations

import random

from bench.common import BENCH_SEED, Context, Result, Row, context, load, parser, print_table

ROUNDS = 3


def _merge(results: list[Result]) -> Result:
    return Result(
        requests=sum(r.requests for r in results),
        errors=sum(r.errors for r in results),
        seconds=sum(r.seconds for r in results),
        latencies=[x for r in results for x in r.latencies],
    )


def run(ctx: Context) -> list[Row]:
    """The two sides take turns, ``ROUNDS`` times each, so that whatever else the machine does
    during the run (a checkpoint, autovacuum) falls on both."""
    args = ctx.args
    rng = random.Random(BENCH_SEED)
    ids = ctx.rep_ids
    headers = ctx.auth(ctx.rep_token)
    share = args.duration / ROUNDS
    api_rounds, bare_rounds = [], []
    for round_number in range(ROUNDS):
        warmup = 5.0 if round_number == 0 else 0.5
        api_rounds.append(
            load(
                ctx.api_port,
                lambda: f"/api/v1/people/{rng.choice(ids)}",
                headers=headers,
                connections=args.connections,
                duration=share,
                warmup=warmup,
            )
        )
        bare_rounds.append(
            load(
                ctx.bare_port,
                lambda: f"/people/{rng.choice(ids)}",
                connections=args.connections,
                duration=share,
                warmup=warmup,
            )
        )
    api, bare = _merge(api_rounds), _merge(bare_rounds)
    ratio = api.rps / bare.rps if bare.rps else 0.0
    p99 = api.pct(99)
    rounds = ", ".join(
        f"{a.rps / b.rps:.2f}" for a, b in zip(api_rounds, bare_rounds, strict=True) if b.rps
    )
    return [
        Row(
            name=f"record read ({ctx.label}, {args.connections} conn)",
            figure=f"{api.rps:,.0f} req/s, p50 {api.median:.1f} ms, p99 {p99:.1f} ms",
            baseline=f"bare {bare.rps:,.0f} req/s, p99 {bare.pct(99):.1f} ms",
            ratio=ratio,
            target="ratio >= 0.60, p99 < 50 ms",
            passed=ratio >= 0.6 and p99 < 50,
            notes=f"{api.errors + bare.errors} errors; {len(ids)} visible ids; rounds {rounds}",
        )
    ]


if __name__ == "__main__":
    arguments = parser(__doc__ or "").parse_args()
    with context(arguments) as ctx:
        print_table(run(ctx), "Record read")
