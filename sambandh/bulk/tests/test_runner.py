"""The worker's side of a bulk job (bulk/runner.py): one record's failure is its own outcome, a
batch reassignment that fails is retried record by record, the claim and its lease (a job is
run by one worker; a lost lease rolls its batch back), the sweep that resumes stalled jobs, and
the batch reassignment's statements, which do not grow with the batch."""

from __future__ import annotations

import datetime
from dataclasses import replace
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sambandh.bulk import runner
from sambandh.bulk.jobs import resume_stalled
from sambandh.bulk.models import BulkItem, BulkJob
from sambandh.bulk.services import bulk_job_start
from sambandh.contacts.models import Person
from sambandh.core import registry
from sambandh.events.jobs import JobContext
from sambandh.events.worker import run_worker
from tests.factories import make_person

pytestmark = pytest.mark.django_db


def _tag_job(actor: Any, people: list[Any], tag: str = "vip") -> BulkJob:
    return bulk_job_start(
        actor=actor, record_type="person", action="tag", ids=[p.pk for p in people], tags=[tag]
    )


def _declared(monkeypatch: Any, **hooks: Any) -> None:
    """The person type, with some of its hooks replaced for this test."""
    monkeypatch.setitem(registry._types, "person", replace(registry.get("person"), **hooks))


def test_one_records_failure_is_its_outcome_and_the_others_are_changed(monkeypatch, owner):
    people = [make_person(owner, full_name=f"P {i}") for i in range(3)]
    broken = people[1]
    real = registry.get("person").update
    assert real is not None

    def update(*, record: Any, **kwargs: Any) -> Any:
        changed = real(record=record, **kwargs)  # written, then the failure: all of it undone
        if record.pk == broken.pk:
            raise RuntimeError("the disk is on fire")
        return changed

    _declared(monkeypatch, update=update)
    job = _tag_job(owner, people)
    assert runner.execute(job.pk) == "done"
    job.refresh_from_db()
    assert (job.status, job.changed, job.failed, job.processed) == ("done", 2, 1, 3)
    item = BulkItem.objects.get(job=job, record_id=broken.pk)
    assert (item.outcome, item.reason) == (
        "failed",
        "Something went wrong on our side; it was left as it was.",
    )
    assert Person.objects.get(pk=broken.pk).version == 1
    assert list(Person.objects.get(pk=broken.pk).tags.all()) == []
    assert Person.objects.filter(tags__name="vip").count() == 2


def test_a_failed_batch_reassignment_is_retried_record_by_record(monkeypatch, owner, teammate):
    people = [make_person(owner, full_name=f"P {i}") for i in range(3)]

    def reassign_many(**kwargs: Any) -> Any:
        raise RuntimeError("no batch today")

    _declared(monkeypatch, reassign_many=reassign_many)
    job = bulk_job_start(
        actor=owner,
        record_type="person",
        action="assign",
        ids=[p.pk for p in people],
        owner_id=teammate.pk,
    )
    assert runner.execute(job.pk) == "done"
    assert set(Person.objects.values_list("owner_id", flat=True)) == {teammate.pk}
    assert BulkJob.objects.get(pk=job.pk).changed == 3


def test_a_job_held_by_a_live_worker_is_left_alone_then_taken_over_after_its_lease(owner):
    people = [make_person(owner, full_name="P")]
    job = _tag_job(owner, people)
    # given another worker holds the job (its lease runs for another minute)
    BulkJob.objects.filter(pk=job.pk).update(
        status="running", token="theirs", lease_until=timezone.now() + datetime.timedelta(60)
    )
    # then this worker leaves it alone
    assert runner.execute(job.pk) == "skipped"
    assert BulkJob.objects.get(pk=job.pk).processed == 0
    # and once the lease has run out (the other worker is presumed dead), takes it over
    BulkJob.objects.filter(pk=job.pk).update(lease_until=timezone.now())
    assert runner.execute(job.pk) == "done"
    assert Person.objects.filter(tags__name="vip").count() == 1
    # and a finished job is never run again
    assert runner.execute(job.pk) == "skipped"


def test_a_batch_whose_lease_was_lost_is_rolled_back(monkeypatch, owner):
    people = [make_person(owner, full_name=f"P {i}") for i in range(2)]
    job = _tag_job(owner, people)
    real = runner._save_outcomes

    def save_then_lose(items: list[BulkItem]) -> None:
        real(items)
        # another worker claims the job while this batch is being written
        BulkJob.objects.filter(pk=job.pk).update(token="someone else")

    monkeypatch.setattr(runner, "_save_outcomes", save_then_lose)
    assert runner.execute(job.pk) == "skipped"
    # then nothing of the batch is left: no record changed, no outcome written
    assert not Person.objects.filter(tags__name="vip").exists()
    assert set(BulkItem.objects.filter(job=job).values_list("outcome", flat=True)) == {"pending"}


def test_a_job_whose_worker_died_again_and_again_fails(owner):
    job = _tag_job(owner, [make_person(owner, full_name="P")])
    BulkJob.objects.filter(pk=job.pk).update(attempts=runner.MAX_ATTEMPTS)
    assert runner.execute(job.pk) == "failed"
    job.refresh_from_db()
    assert job.status == "failed" and "stopped" in job.error


def test_the_sweep_resumes_a_job_whose_task_was_lost(owner):
    # given a job whose task never reached the queue, and one whose worker died
    lost = _tag_job(owner, [make_person(owner, full_name="A")], "a")
    dead = _tag_job(owner, [make_person(owner, full_name="B")], "b")
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.all().delete()
    long_ago = timezone.now() - datetime.timedelta(hours=1)
    BulkJob.objects.filter(pk=lost.pk).update(nudged_at=long_ago)
    BulkJob.objects.filter(pk=dead.pk).update(
        status="running", token="dead", lease_until=long_ago, nudged_at=long_ago
    )
    # when the sweep runs, then the worker
    now = timezone.now()
    assert resume_stalled(JobContext(slot=now, now=now)) == "2 jobs resumed"
    run_worker(until_idle=True)
    # then both are done
    assert set(BulkJob.objects.values_list("status", flat=True)) == {"done"}
    assert Person.objects.filter(tags__name__in=["a", "b"]).count() == 2


def _statements(owner: Any, to: Any, count: int) -> int:
    people = [make_person(owner, full_name=f"P {i}") for i in range(count)]
    job = bulk_job_start(
        actor=owner,
        record_type="person",
        action="assign",
        ids=[p.pk for p in people],
        owner_id=to.pk,
    )
    with CaptureQueriesContext(connection) as queries:
        assert runner.execute(job.pk) == "done"
    assert BulkJob.objects.get(pk=job.pk).changed == count
    return len(queries)


def test_a_batch_reassignment_takes_the_same_statements_for_5_people_or_40(owner, teammate):
    assert _statements(owner, teammate, 5) == _statements(owner, teammate, 40)
