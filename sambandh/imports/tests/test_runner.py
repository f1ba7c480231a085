"""The import in the worker: a run killed in the middle of a batch and resumed writes each row
exactly once; a cancelled import stops between batches; the sweep re-enqueues a lost import;
batches are sized by their measured time."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from sambandh.contacts.models import Person
from sambandh.events.jobs import JobContext
from sambandh.imports.engine import runner
from sambandh.imports.engine.apply import Applier
from sambandh.imports.jobs import resume_stalled
from sambandh.imports.models import ImportJob, ImportRow
from sambandh.imports.services import import_cancel
from sambandh.imports.tests.helpers import run_import

pytestmark = pytest.mark.django_db

MAPPING = {"Id": "external_id", "Name": "full_name", "Email": "email"}


def _people(n: int) -> str:
    return "Id,Name,Email\n" + "".join(f"X{i},Person {i},p{i}@example.com\n" for i in range(n))


class Killed(BaseException):
    """The worker process dying (not an error the runner catches)."""


def test_a_run_killed_in_batch_three_and_resumed_writes_each_row_once(monkeypatch, owner):
    monkeypatch.setattr(runner, "FIRST_BATCH", 10)
    monkeypatch.setattr(runner, "_next_size", lambda size, elapsed, rows: 10)
    real = Applier.apply
    seen: list[int] = []

    def dying(self: Applier, plans: Any) -> Any:
        results = real(self, plans)  # batch 3's people written, not yet committed
        numbers = [p.number for p in plans]
        seen.extend(numbers)
        if 27 in numbers and seen.count(27) == 1:
            raise Killed
        return results

    monkeypatch.setattr(Applier, "apply", dying)
    job = run_import(owner, "people", _people(45), mapping=MAPPING, background=True)
    with pytest.raises(Killed):
        runner.execute(job.pk)
    job.refresh_from_db()
    assert (job.status, job.cursor, job.processed_rows, job.created) == ("running", 21, 20, 20)
    assert Person.objects.count() == 20
    # A second worker cannot take it while the lease holds; once it has run out, it resumes.
    assert runner.execute(job.pk) == "skipped"
    ImportJob.objects.filter(pk=job.pk).update(
        lease_until=timezone.now() - datetime.timedelta(seconds=1)
    )
    assert runner.execute(job.pk) == "done"
    job.refresh_from_db()
    assert (job.status, job.processed_rows, job.created, job.attempts) == ("done", 45, 45, 2)
    numbers = list(
        ImportRow.objects.filter(job=job).order_by("number").values_list("number", flat=True)
    )
    assert numbers == list(range(2, 47))
    assert Person.objects.count() == 45
    assert sorted(Person.objects.values_list("email", flat=True)) == sorted(
        f"p{i}@example.com" for i in range(45)
    )


def test_a_cancelled_import_stops_between_batches_and_keeps_what_it_wrote(monkeypatch, owner):
    monkeypatch.setattr(runner, "FIRST_BATCH", 10)
    monkeypatch.setattr(runner, "_next_size", lambda size, elapsed, rows: 10)
    job = run_import(owner, "people", _people(30), mapping=MAPPING, background=True)
    real = runner._commit_batch

    def commit_then_cancel(job: Any, token: str, results: Any, cursor: int) -> None:
        real(job, token, results, cursor)
        if cursor == 11:
            import_cancel(actor=owner, job=job)

    monkeypatch.setattr(runner, "_commit_batch", commit_then_cancel)
    assert runner.execute(job.pk) == "cancelled"
    job.refresh_from_db()
    assert (job.status, job.processed_rows, job.created) == ("cancelled", 10, 10)
    assert Person.objects.count() == 10


def test_a_waiting_import_is_cancelled_at_once_and_never_runs(owner):
    job = run_import(owner, "people", _people(3), mapping=MAPPING, background=True)
    import_cancel(actor=owner, job=job)
    job.refresh_from_db()
    assert job.status == "cancelled"
    assert runner.execute(job.pk) == "skipped"
    assert not Person.objects.exists()


def test_the_sweep_puts_a_lost_import_back_on_the_queue(owner):
    job = run_import(owner, "people", _people(3), mapping=MAPPING, background=True)
    long_ago = timezone.now() - datetime.timedelta(hours=1)
    ImportJob.objects.filter(pk=job.pk).update(
        status="running", lease_until=long_ago, nudged_at=long_ago
    )
    now = timezone.now()
    assert resume_stalled(JobContext(slot=now, now=now)) == "1 imports resumed"
    assert ImportJob.objects.get(pk=job.pk).nudged_at == now


def test_batches_are_sized_to_take_about_a_third_of_a_second():
    assert runner._next_size(20, 0.1, 20) == 60  # 0.3 s at this pace
    assert runner._next_size(20, 0.01, 20) == 80  # at most four times larger at once
    assert runner._next_size(400, 2.0, 400) == 60
    assert runner._next_size(10, 30.0, 10) == runner.MIN_BATCH
