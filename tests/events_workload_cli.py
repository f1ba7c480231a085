"""Emit test events and report handler and job runs, in the database DATABASE_URL names (the
worker-process tests drive every process through the same database this way)."""

from __future__ import annotations

import json
import os
import sys


def main(argv: list[str]) -> int:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.db import transaction

    from sambandh.events.log import record_event
    from sambandh.events.models import HandlerRun, JobRun

    if argv[0] == "emit":
        with transaction.atomic():
            for _ in range(int(argv[1])):
                record_event(type="test.ping", record_type="test")
        return 0
    runs = list(HandlerRun.objects.order_by("pk").values("event_id", "status", "attempts"))
    jobs = [
        {"job": j.job, "slot": j.slot.isoformat(), "status": j.status, "attempts": j.attempts}
        for j in JobRun.objects.filter(job__startswith="test.").order_by("slot")
    ]
    print(json.dumps({"runs": runs, "jobs": jobs}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
