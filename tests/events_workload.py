"""Handlers and jobs for the worker-process tests (imported by `sambandh worker` through
EVENTS_EXTRA_MODULES), and a small command line to emit events and report runs in the same
database: ``python -m tests.events_workload_cli emit N`` / ``report``.

Every execution appends a line to the file named by EVENTS_TEST_LOG *outside* any transaction,
so a run that was rolled back or repeated still shows: the log counts executions, not commits.
"""

from __future__ import annotations

import os
import time
from typing import Any

from sambandh.events.handlers import subscribe
from sambandh.events.jobs import JobContext, scheduled_job


def _log(line: str) -> None:
    path = os.environ.get("EVENTS_TEST_LOG")
    if path:
        with open(path, "a", encoding="utf-8") as log:
            log.write(line + "\n")
            log.flush()
            os.fsync(log.fileno())


@subscribe("test.ping", name="test.record")
def record(event: Any) -> None:
    _log(f"start {event.pk} {os.getpid()}")
    if os.environ.get("EVENTS_TEST_SLOW") == "1":
        time.sleep(120)
    _log(f"done {event.pk} {os.getpid()}")


@scheduled_job("test.hourly", every="hourly", minute=0)
def hourly(context: JobContext) -> str:
    _log(f"job {context.slot.isoformat()} {os.getpid()}")
    return "ok"
