"""Deals sorted by their amount converted to the company currency, and the refresh of the stored
converted amounts after a rate changes: in-process (the selector and the service, no server), on
a database of its own with N deals in seven currencies and a year of daily rates.

    .venv/bin/python -m bench.bench_amount_sort --database-url postgres://.../bench --deals 5000

Baseline: the same list sorted by -updated (an indexed column) in the same run.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

CURRENCIES = {"USD": 1, "INR": 83, "EUR": 0.92, "GBP": 0.79, "JPY": 151, "BRL": 5.0, "AED": 3.67}


def _setup(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def _fill(n: int) -> Any:
    from sambandh.accounts.models import User
    from sambandh.accounts.services import user_create
    from sambandh.currencies.models import ExchangeRate
    from sambandh.sales.models import Deal
    from sambandh.sales.services import StageIn, pipeline_create

    admin = User.objects.filter(email="bench-money@example.com").first() or user_create(
        email="bench-money@example.com", role="admin", password="bench password 1", currency="USD"
    )
    have = Deal.objects.count()
    if have >= n:
        return admin
    pipeline = pipeline_create(actor=admin, name="Bench", stages=[StageIn("Open", 10)])
    stage = pipeline.stages.get()
    rng = random.Random(7)
    today = date.today()
    if not ExchangeRate.objects.exists():
        rows = []
        for day in range(365):
            for code, rate in CURRENCIES.items():
                if code != "USD":
                    drift = Decimal(str(round(rate * (1 + rng.uniform(-0.03, 0.03)), 6)))
                    rows.append(
                        ExchangeRate(
                            base="USD",
                            quote=code,
                            rate=drift,
                            date=today - timedelta(days=day),
                            source="csv",
                        )
                    )
        ExchangeRate.objects.bulk_create(rows, batch_size=2000)
    deals = []
    for i in range(have, n):
        code = rng.choice(list(CURRENCIES))
        deals.append(
            Deal(
                name=f"Bench deal {i}",
                pipeline=pipeline,
                stage=stage,
                owner=admin,
                amount=Decimal(rng.randrange(1000, 10_000_000)) / 100
                if code != "JPY"
                else Decimal(rng.randrange(1000, 10_000_000)),
                currency=code,
                expected_close_date=today - timedelta(days=rng.randrange(0, 400)),
            )
        )
    Deal.objects.bulk_create(deals, batch_size=2000)
    return admin


def _time(fn: Any, repeat: int = 20) -> tuple[float, float]:
    fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), max(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--deals", type=int, default=5000)
    args = parser.parse_args()
    _setup(args.database_url)
    from django.db import connection

    from sambandh.core.listing import ListQuery
    from sambandh.sales import selectors
    from sambandh.sales.models import Deal
    from sambandh.sales.services import deal_reporting_refresh

    admin = _fill(args.deals)
    Deal.objects.update(amount_reporting=None)  # the first refresh writes every deal
    start = time.perf_counter()
    changed = deal_reporting_refresh()
    refresh_ms = (time.perf_counter() - start) * 1000
    start = time.perf_counter()
    deal_reporting_refresh(currencies={"INR"})
    inr_ms = (time.perf_counter() - start) * 1000
    total = Deal.objects.count()
    print(
        f"{connection.vendor}: {total} deals; full refresh {refresh_ms:.0f} ms ({changed} changed),"
    )
    print(f"  refresh after an INR rate: {inr_ms:.0f} ms")
    for sort in ("-updated", "-amount", "amount"):

        def page(sort: str = sort) -> Any:
            return selectors.deal_list(viewer=admin, query=ListQuery(sort=sort, limit=50))

        first = page()
        cursor = first.next_cursor

        def deep(sort: str = sort, cursor: Any = cursor) -> Any:
            return selectors.deal_list(
                viewer=admin, query=ListQuery(sort=sort, limit=50, cursor=cursor)
            )

        p1 = _time(page)
        p2 = _time(deep)
        print(
            f"  sort={sort}: page 1 median {p1[0]:.1f} ms (max {p1[1]:.1f}); page 2 {p2[0]:.1f} ms"
        )

    qs = Deal.objects.annotate(s=selectors.AMOUNT_SORT).order_by("-s", "-id")[:50]
    print("  plan of the amount sort:")
    for line in qs.explain().splitlines():
        print("    " + line)


if __name__ == "__main__":
    main()
