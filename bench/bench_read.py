"""API record read against the bare endpoint: GET /api/v1/people/{id} with a bearer token, for
random people the token's user may see, against a bare WSGI app reading the same row with the
driver. Same server, same workers, 16 keep-alive connections; the two take turns, three rounds
each.

Targets: at least 0.6 of the bare endpoint's requests per second; p99 under 50 ms. And with a
field rule in force for the reader's role (one of the person's fields hidden from sales reps), at
least 0.3: the read lane then steps aside and the API answers through the whole policy.
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


def _measure(ctx: Context, *, ceiling: bool = False) -> tuple[Result, Result, str, Result | None]:
    """The API and the bare endpoint (and, with ``ceiling``, Django's ceiling), taking turns
    ``ROUNDS`` times each, so that whatever else the machine does during the run (a checkpoint,
    autovacuum) falls on each."""
    args = ctx.args
    rng = random.Random(BENCH_SEED)
    ids = ctx.rep_ids
    headers = ctx.auth(ctx.rep_token)
    share = args.duration / ROUNDS
    api_rounds: list[Result] = []
    bare_rounds: list[Result] = []
    ceiling_rounds: list[Result] = []
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
        for port, taken in [(ctx.bare_port, bare_rounds)] + (
            [(ctx.ceiling_port, ceiling_rounds)] if ceiling else []
        ):
            taken.append(
                load(
                    port,
                    lambda: f"/people/{rng.choice(ids)}",
                    connections=args.connections,
                    duration=share,
                    warmup=warmup,
                )
            )
    ratios = ", ".join(
        f"{a.rps / b.rps:.2f}" for a, b in zip(api_rounds, bare_rounds, strict=True) if b.rps
    )
    return (
        _merge(api_rounds),
        _merge(bare_rounds),
        ratios,
        _merge(ceiling_rounds) if ceiling else None,
    )


def _row(
    ctx: Context, name: str, target: float, measured: tuple[Result, Result, str, Result | None]
) -> Row:
    api, bare, rounds, ceiling = measured
    ratio = api.rps / bare.rps if bare.rps else 0.0
    p99 = api.pct(99)
    notes = f"{api.errors + bare.errors} errors; {len(ctx.rep_ids)} visible ids; rounds {rounds}"
    if ceiling is not None and ceiling.rps and bare.rps:
        notes += (
            f"; Django's ceiling (bench/ceiling_app.py) {ceiling.rps:,.0f} req/s ="
            f" {ceiling.rps / bare.rps:.2f} of bare, this read {api.rps / ceiling.rps:.2f} of it"
        )
    return Row(
        name=f"{name} ({ctx.label}, {ctx.args.connections} conn)",
        figure=f"{api.rps:,.0f} req/s, p50 {api.median:.1f} ms, p99 {p99:.1f} ms",
        baseline=f"bare {bare.rps:,.0f} req/s, p99 {bare.pct(99):.1f} ms",
        ratio=ratio,
        target=f"ratio >= {target:.2f}, p99 < 50 ms",
        passed=ratio >= target and p99 < 50,
        notes=notes,
    )


def run(ctx: Context) -> list[Row]:
    rows = [_row(ctx, "record read", 0.6, _measure(ctx))]
    # The same with a field rule for the reader's role: addresses hidden from sales reps.
    from sambandh.accounts.models import FieldRule

    rule = FieldRule.objects.create(
        record_type="person", field="addresses", role=ctx.rep.role, access="hidden"
    )
    try:
        rows.append(
            _row(ctx, "record read, a field rule in force", 0.3, _measure(ctx, ceiling=True))
        )
    finally:
        rule.delete()
    return rows


if __name__ == "__main__":
    arguments = parser(__doc__ or "").parse_args()
    with context(arguments) as ctx:
        print_table(run(ctx), "Record read")
