"""Handler runs in one process: events are recorded with their write, a failing handler is
retried with backoff and then recorded as failed, a succeeded one never runs again."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import transaction

from sambandh.contacts import services
from sambandh.contacts.models import Person
from sambandh.contacts.schemas import PersonIn
from sambandh.events import runs
from sambandh.events.handlers import subscribe, unsubscribe
from sambandh.events.log import record_event
from sambandh.events.models import Event, HandlerRun, RunStatus
from sambandh.events.worker import run_once, run_worker
from sambandh.sales.schemas import DealIn
from sambandh.search.models import SearchDocument

T0 = datetime.datetime(2031, 5, 1, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def calls() -> Any:
    """A handler that records each call, and one that fails the first ``failures`` times."""
    seen: list[int] = []
    state = {"failures": 0}

    @subscribe("test.ping", name="test.counting")
    def counting(event: Event) -> None:
        seen.append(event.pk)
        # a write of the handler's own: committed only with its success
        SearchDocument.objects.filter(record_type="nothing").delete()
        if state["failures"] > 0:
            state["failures"] -= 1
            raise RuntimeError("the remote end is down")

    yield seen, state
    unsubscribe("test.counting")


def test_a_service_write_records_its_event_in_its_transaction(owner: Any) -> None:
    # when a person is created, then renamed
    person = services.person_create(actor=owner, data=PersonIn.build({"full_name": "Asha Rao"}))
    services.person_update(
        actor=owner, person=person, data=PersonIn.build({"full_name": "Asha R"}), version=1
    )
    # then each write left one event with the record, the actor and the changed fields
    events = list(
        Event.objects.filter(record_type="person").values_list(
            "type", "record_type", "record_id", "actor_id"
        )
    )
    assert events == [
        ("person.created", "person", person.pk, owner.pk),
        ("person.updated", "person", person.pk, owner.pk),
    ]
    assert Event.objects.last().fields == ["full_name"]  # type: ignore[union-attr]


def test_a_write_that_rolls_back_leaves_no_event(owner: Any) -> None:
    before = Event.objects.count()
    # when the transaction around a write fails after it
    with pytest.raises(RuntimeError), transaction.atomic():
        services.person_create(actor=owner, data=PersonIn.build({"full_name": "Never Was"}))
        raise RuntimeError("abort")
    # then neither the person nor its event exist
    assert Event.objects.count() == before
    assert not Person.objects.filter(full_name="Never Was").exists()


def test_a_deal_moved_to_another_stage_records_deal_stage_changed(
    owner: Any, pipeline: Any
) -> None:
    from sambandh.sales.services import deal_create, deal_move_stage

    deal = deal_create(
        actor=owner, data=DealIn.build({"name": "Big one", "pipeline_id": pipeline.pk})
    )
    target = pipeline.stages.exclude(pk=deal.stage_id).first()
    deal_move_stage(actor=owner, deal=deal, stage_id=target.pk, version=deal.version)
    last = Event.objects.last()
    assert last is not None
    assert (last.type, last.record_id, last.fields) == ("deal.stage_changed", deal.pk, ["stage"])


def test_events_off_writes_no_event(owner: Any, settings: Any) -> None:
    before = Event.objects.count()
    settings.EVENTS_ENABLED = False
    services.person_create(actor=owner, data=PersonIn.build({"full_name": "Quiet"}))
    assert Event.objects.count() == before


def test_an_event_without_handlers_writes_no_run(db: Any) -> None:
    record_event(type="nobody.listens", record_type="x", record_id=1)
    assert Event.objects.count() == 1
    assert not HandlerRun.objects.exists()


def test_a_failing_handler_is_retried_with_backoff_then_succeeds(db: Any, calls: Any) -> None:
    seen, state = calls
    state["failures"] = 2
    event = record_event(type="test.ping", record_type="test", record_id=7)
    assert event is not None
    # when the worker runs: the first attempt fails and the next is 30 s away
    run_worker(until_idle=True, now=T0)
    run = HandlerRun.objects.get(event=event)
    assert (run.status, run.attempts) == (RunStatus.PENDING, 1)
    assert run.run_after == T0 + datetime.timedelta(seconds=30)
    assert "the remote end is down" in run.last_error
    # and a pass before then does not run it
    run_worker(until_idle=True, now=T0 + datetime.timedelta(seconds=29))
    assert seen == [event.pk]
    # when it is due (its queued task waits for the real time, so the worker's sweep puts it
    # on the queue again once it is a minute late): the second attempt fails, and the next
    # waits twice as long
    second = T0 + datetime.timedelta(seconds=30 + 61)
    run_worker(until_idle=True, now=second)
    run.refresh_from_db()
    assert (run.status, run.attempts) == (RunStatus.PENDING, 2)
    assert run.run_after == second + datetime.timedelta(seconds=60)
    # and the third attempt succeeds
    run_worker(until_idle=True, now=second + datetime.timedelta(seconds=60 + 61))
    run.refresh_from_db()
    assert (run.status, run.attempts, run.last_error) == (RunStatus.SUCCEEDED, 3, "")
    assert seen == [event.pk] * 3


def test_a_handler_that_keeps_failing_stops_after_its_attempts_with_the_error(
    db: Any, calls: Any
) -> None:
    seen, state = calls
    state["failures"] = 100
    event = record_event(type="test.ping", record_type="test", record_id=7)
    assert event is not None
    at = T0
    for _ in range(8):
        run_worker(until_idle=True, now=at)
        at += datetime.timedelta(hours=2)
    run = HandlerRun.objects.get(event=event)
    assert (run.status, run.attempts) == (RunStatus.FAILED, 5)
    assert run.finished_at is not None
    assert "RuntimeError: the remote end is down" in run.last_error
    assert len(seen) == 5


def test_a_handler_that_succeeded_never_runs_again(db: Any, calls: Any) -> None:
    seen, _state = calls
    event = record_event(type="test.ping", record_type="test", record_id=7)
    assert event is not None
    run_worker(until_idle=True, now=T0)
    run = HandlerRun.objects.get(event=event)
    assert run.status == RunStatus.SUCCEEDED
    # when its task is put on the queue again, executed directly, and the worker runs later
    runs.enqueue_runs([run.pk])
    assert runs.execute(run.pk) == "skipped"
    run_worker(until_idle=True, now=T0 + datetime.timedelta(days=2))
    # then the handler ran once
    assert seen == [event.pk]
    run.refresh_from_db()
    assert (run.status, run.attempts) == (RunStatus.SUCCEEDED, 1)


def test_a_failed_attempt_rolls_back_the_handler_writes(db: Any, owner: Any) -> None:
    @subscribe("test.ping", name="test.half_done")
    def half_done(event: Event) -> None:
        services.person_create(actor=owner, data=PersonIn.build({"full_name": "Half Done"}))
        raise RuntimeError("after a write")

    try:
        record_event(type="test.ping", record_type="test", record_id=1)
        run_worker(until_idle=True, now=T0)
    finally:
        unsubscribe("test.half_done")
    assert not Person.objects.filter(full_name="Half Done").exists()


def test_a_run_claimed_by_a_live_worker_is_not_claimed_again(db: Any, calls: Any) -> None:
    seen, _state = calls
    event = record_event(type="test.ping", record_type="test", record_id=7)
    assert event is not None
    run = HandlerRun.objects.get(event=event)
    # given another worker holds the run (its lease runs to T0 + 300 s)
    HandlerRun.objects.filter(pk=run.pk).update(
        status=RunStatus.RUNNING, attempts=1, lease_until=T0 + datetime.timedelta(seconds=300)
    )
    # then a worker before the lease ends leaves it alone
    run_worker(until_idle=True, now=T0 + datetime.timedelta(seconds=299))
    assert seen == []
    # and one after it ends takes it over (the first worker is presumed dead)
    run_worker(until_idle=True, now=T0 + datetime.timedelta(seconds=301))
    assert seen == [event.pk]
    run.refresh_from_db()
    assert (run.status, run.attempts) == (RunStatus.SUCCEEDED, 2)


def test_an_idle_pass_does_nothing(db: Any) -> None:
    run_once(worker_id="idle", now=T0)  # the platform's own job slots
    assert run_once(worker_id="idle", now=T0) == 0


def test_a_run_whose_workers_keep_dying_is_failed_after_its_attempts(db: Any, calls: Any) -> None:
    seen, _state = calls
    event = record_event(type="test.ping", record_type="test", record_id=7)
    assert event is not None
    # given the run's workers died during each of its five attempts (the lease ran out each time)
    HandlerRun.objects.filter(event=event).update(
        status=RunStatus.RUNNING, attempts=5, lease_until=T0 - datetime.timedelta(seconds=1)
    )
    # when a worker finds it again
    run_worker(until_idle=True, now=T0)
    # then it is not run a sixth time, but failed, with the reason
    run = HandlerRun.objects.get(event=event)
    assert seen == []
    assert (run.status, run.attempts) == (RunStatus.FAILED, 6)
    assert "its worker stopped during each of 5 attempts" in run.last_error
