"""The small demo: every record written through the real services (cleaned, audited and
indexed for search as a user's would be), then moved into the past in the same transaction, so
the history reads like a year of work."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from sambandh.accounts.models import User
from sambandh.demo.result import DemoAlreadyLoaded, DemoResult, write_line
from sambandh.demo.small.activities import SmallActivities
from sambandh.demo.small.cast import MANAGER
from sambandh.demo.small.records import SmallRecords
from sambandh.sales.models import Pipeline

SMALL = {
    "organizations": 57,
    "people": 247,
    "deals": 117,
    "leads": 40,
    "converted_leads": 3,
    "activities": 1500,
    "admin_tasks": 20,
}


class SmallDemo(SmallRecords, SmallActivities):
    """The steps of ``load_small``, in the order it calls them."""


def load_small(*, admin: User, stdout: Any = None) -> DemoResult:
    if (
        Pipeline.objects.filter(name="New business").exists()
        and User.objects.filter(email=MANAGER[0]).exists()
    ):
        raise DemoAlreadyLoaded("The demo data is already loaded.")
    demo = SmallDemo(admin, stdout)
    write_line(stdout, "Loading the small demo data…")
    with transaction.atomic():
        demo.staff()
        demo.organizations(SMALL["organizations"])
        demo.people_step(SMALL["people"])
        demo.deal_step(SMALL["deals"])
        demo.lead_step(SMALL["leads"], SMALL["converted_leads"])
        demo.activity_step(SMALL["activities"], SMALL["admin_tasks"])
        demo.backdate_records()
    return DemoResult.counted("small")
