"""Duplicate candidates as you type (sambandh/dedupe/candidates.py) on a large database, read
only: the create form's request (the view, rendered) and the selector alone, for a sales rep
(their visibility filter applies) and the administrator (no filter).

Each sampled person is typed the way the form asks while it is filled in: the name, then the
name and the email, then the name, email and phone; plus a new person that matches nobody.
Every statement runs in a READ ONLY transaction: the benchmark cannot write.

    .venv/bin/python -m bench.bench_candidates --database-url postgres://.../sambandh_bench

Prints p50, p95 and p99 in milliseconds, and the query plans of the lookups.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = 150


def _setup(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")


def _typed(people: list[Any]) -> list[dict[str, str]]:
    """What the form sends as a person is typed (name, + email, + phone), for each sampled
    person, and a person who matches nobody."""
    states: list[dict[str, str]] = []
    for p in people:
        card = p.contact_card or {}
        email = next((e["email"] for e in card.get("emails") or []), "")
        phone = next((x["number"] for x in card.get("phones") or []), "")
        states.append({"full_name": p.full_name})
        states.append({"full_name": p.full_name, "email_0": email})
        states.append({"full_name": p.full_name, "email_0": email, "phone_0": phone})
    states.append({"full_name": "Zebulon Quartermain", "email_0": "zq@nowhere.example"})
    return states


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def _measure(label: str, calls: list[Any]) -> None:
    for call in calls[:10]:
        call()  # warm the caches (compiled statements, the process's folding caches)
    times, cpu = [], []
    for call in calls:
        start, start_cpu = time.perf_counter(), time.process_time()
        call()
        times.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    # The process's own CPU time per call: what the machine's load does not inflate (the
    # wall time includes waiting for a core and for the database).
    print(
        f"{label}: n={len(times)} wall p50 {statistics.median(times):.1f} ms, "
        f"p95 {_pct(times, 95):.1f} ms, p99 {_pct(times, 99):.1f} ms, max {max(times):.1f} ms; "
        f"process CPU p50 {statistics.median(cpu):.1f} ms, p95 {_pct(cpu, 95):.1f} ms; "
        f"load average {os.getloadavg()[0]:.1f}"
    )


def _plans(person: Any) -> None:
    from django.db import connection

    from sambandh.contacts.models import EmailAddress, PhoneNumber

    card = person.contact_card or {}
    email = next((e["email"] for e in card.get("emails") or []), "x@example.com")
    phone = next((x["number"] for x in card.get("phones") or []), "+10000000000")
    for name, qs in (
        ("email", EmailAddress.objects.filter(email__in=[email], person__isnull=False)),
        ("phone", PhoneNumber.objects.filter(e164__in=[phone], person__isnull=False)),
    ):
        sql, params = qs.values_list("person_id", flat=True)[:10].query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN {sql}", params)
            print(f"plan of the {name} lookup:")
            for (line,) in cursor.fetchall():
                print("   ", line)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--samples", type=int, default=SAMPLES)
    args = parser.parse_args(argv)
    _setup(args.database_url)

    from django.test import RequestFactory

    from sambandh.accounts.models import User
    from sambandh.contacts.models import Person
    from sambandh.dedupe.candidates import candidates_for
    from sambandh.dedupe.views_candidates import candidates, form_values

    rng = random.Random(7)
    admin = User.objects.filter(role="admin", is_active=True).order_by("id").first()
    top = Person.objects.order_by("-id").values_list("id", flat=True).first() or 0
    # a sales rep who owns people: the owner of a person picked at random
    some = Person.objects.filter(pk__gte=rng.randint(1, top)).order_by("id").first()
    rep = some.owner if some else None
    print(f"people: about {top:,}; viewers: admin {admin}, rep {rep}")
    factory = RequestFactory()
    for who, user in (("rep", rep), ("admin", admin)):
        pool = Person.objects.filter(owner=user) if who == "rep" else Person.objects.all()
        ids = [rng.randint(1, top) for _ in range(args.samples * 4)]
        people = list(pool.filter(pk__in=ids)[: args.samples])
        states = _typed(people)

        def selector(state: dict[str, str], user: Any = user) -> None:
            candidates_for(viewer=user, record_type="person", values=form_values(state))

        def view(state: dict[str, str], user: Any = user) -> None:
            request = factory.get("/duplicates/candidates/people/", state)
            request.user = user
            response = candidates(request, record_type="person")
            assert response.status_code == 200

        _measure(
            f"selector candidates_for, {who}",
            [lambda s=s: selector(s) for s in states],
        )
        _measure(f"candidates view (rendered), {who}", [lambda s=s: view(s) for s in states])
        hits = sum(
            bool(candidates_for(viewer=user, record_type="person", values=form_values(st)))
            for st in states
        )
        print(f"  {hits} of {len(states)} typed states showed a candidate")
    if people:
        _plans(people[0])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
