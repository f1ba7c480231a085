"""The large demo data set for benchmarks: 1M people, 50k organizations, 10M activities.

Per-record services would take days at this size, so this writes the rows they would write
(records, contact points, affiliations, stage changes, audit events and search documents) in bulk:
PostgreSQL COPY, or SQLite executemany, in batches, each batch one transaction. Users, teams and
pipelines still go through the services. Indexes and triggers on the loaded tables are dropped
first and re-created at the end (faster than keeping them up to date row by row), the SQLite
full-text index is rebuilt, and ANALYZE runs last.

Where the services' logic is replicated rather than called (audit "changes", search words, phone
digit forms) it says so; home/tests/test_demo.py checks each against the real services at a tiny
scale. Search terms are computed as ``search.text`` does (with a cache: see ``terms.Terms``), and
the tests compare every document with what ``search.services.search_document_build`` makes.

The steps, in order: ``base`` (the staff, through the services), ``contacts`` (organizations,
people), ``sales`` (deals, leads), ``activities``; ``database`` writes the rows and handles the
indexes, ``columns`` says which columns each table gets.
"""

from __future__ import annotations

from typing import Any

from sambandh.accounts.models import User
from sambandh.demo.bulk.activities import ActivityRows
from sambandh.demo.bulk.columns import check_columns
from sambandh.demo.bulk.contacts import ContactRows
from sambandh.demo.bulk.database import LOADED_MODELS
from sambandh.demo.bulk.sales import SalesRows
from sambandh.demo.result import DemoResult

__all__ = ["LARGE", "LOADED_MODELS", "LargeDemo", "check_columns", "load_large"]

LARGE = {
    "people": 1_000_000,
    "organizations": 50_000,
    "activities": 10_000_000,
    "deals": 20_000,
    "leads": 10_000,
    "owners": 20,
    "batch": 50_000,
}


class LargeDemo(ContactRows, SalesRows, ActivityRows):
    """The steps of ``load_large``, in the order it calls them."""


def load_large(*, admin: User, stdout: Any = None, **sizes: Any) -> DemoResult:
    check_columns()
    unknown = set(sizes) - set(LARGE)
    if unknown:
        raise ValueError(f"unknown sizes: {sorted(unknown)}")
    demo = LargeDemo(admin=admin, stdout=stdout, **{**LARGE, **sizes})
    demo.say(
        f"Loading the large demo data on {demo.db.vendor}: "
        + ", ".join(f"{k} {v:,}" for k, v in demo.n.items())
    )
    demo.staff()
    demo.db.begin_load()
    try:
        demo.organizations()
        demo.people()
        demo.deals()
        demo.leads()
        demo.activities()
    finally:
        demo.say("re-creating indexes and triggers")
        demo.db.end_load(demo.say)
    demo.say("ANALYZE")
    demo.db.analyze()
    demo.say("done")
    return DemoResult.counted("large")
