"""The worker loop behind `sambandh worker`: scheduled jobs, the sweep, then the task queue
(Django's tasks API on the django_tasks_db backend), over and over; or, with ``until_idle``,
until a pass finds nothing to do."""

from __future__ import annotations

import datetime
import logging
import os
import signal
import socket
import threading
from typing import Any

from django.db import OperationalError, close_old_connections, connection

from sambandh.core.audit_context import audit_context
from sambandh.events import clock, runs
from sambandh.events.jobs import SlotMemo, run_due_jobs

logger = logging.getLogger("sambandh.events")


def default_worker_id() -> str:
    return f"{socket.gethostname()[:40]}-{os.getpid()}"


def run_ready_tasks(
    worker_id: str, *, limit: int | None = None, stopping: threading.Event | None = None
) -> int:
    """Claim and run the queue's ready tasks one at a time (the backend's claim: a row lock with
    SKIP LOCKED on PostgreSQL, an exclusive transaction on SQLite). Returns how many ran."""
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult
    from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

    worker = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=worker_id[:64],
        excluded_queue_names=[],
    )
    ran = 0
    while (limit is None or ran < limit) and not (stopping is not None and stopping.is_set()):
        ready = DBTaskResult.objects.ready().filter(backend_name="default")
        try:
            with exclusive_transaction(ready.db):
                task_result = ready.get_locked()
                if task_result is not None:
                    task_result.claim(worker.worker_id)
        except OperationalError as exc:
            if not is_locked_database_exception(exc):
                raise
            return ran
        if task_result is None:
            return ran
        worker.run_task(task_result)
        ran += 1
    return ran


def run_once(
    *,
    worker_id: str,
    now: datetime.datetime | None = None,
    memo: SlotMemo | None = None,
    stopping: threading.Event | None = None,
) -> int:
    """One pass: due job slots, the sweep, then every ready task. Returns how much it did."""
    runs.current_worker_id = worker_id
    with clock.frozen(now), audit_context(source="job"):
        at = clock.now()
        done = run_due_jobs(now=at, worker_id=worker_id, memo=memo)
        done += runs.sweep(now=at)
        done += run_ready_tasks(worker_id, stopping=stopping)
    return done


def run_worker(
    *,
    until_idle: bool = False,
    now: datetime.datetime | None = None,
    worker_id: str | None = None,
    interval: float = 1.0,
    max_passes: int | None = None,
) -> int:
    """Run passes until stopped (SIGTERM/SIGINT let the running task finish, then stop), or
    with ``until_idle`` until a pass does nothing. Returns the exit code."""
    worker_id = worker_id or default_worker_id()
    stopping = threading.Event()
    previous: dict[int, Any] = {}
    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGTERM, signal.SIGINT):
            previous[sig] = signal.signal(sig, lambda *_args: stopping.set())
    memo = SlotMemo()
    passes = 0
    logger.info("worker %s started", worker_id)
    try:
        while not stopping.is_set():
            if not connection.in_atomic_block:
                close_old_connections()
            done = run_once(worker_id=worker_id, now=now, memo=memo, stopping=stopping)
            passes += 1
            if until_idle and done == 0:
                break
            if max_passes is not None and passes >= max_passes:
                break
            if done == 0:
                stopping.wait(interval)
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    logger.info("worker %s stopped", worker_id)
    return 0
