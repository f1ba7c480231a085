"""Scheduled jobs in one process: slots by schedule and time zone, one run per slot, catch-up
once, failures recorded, and the purge job."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from sambandh.events import clock
from sambandh.events.jobs import JobContext, run_due_jobs, scheduled_job, unregister
from sambandh.events.models import Event, HandlerRun, JobRun, RunStatus
from sambandh.events.schedules import Schedule

UTC = datetime.UTC


def at(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text)


@pytest.mark.parametrize(
    ("schedule", "now", "latest", "following"),
    [
        (Schedule.build("minute"), "2031-01-01T10:30:45+00:00", "10:30", "10:31"),
        (Schedule.build("hourly", minute=15), "2031-01-01T10:10:00+00:00", "09:15", "10:15"),
        (Schedule.build("hourly", minute=15), "2031-01-01T10:15:00+00:00", "10:15", "11:15"),
        (Schedule.build("nightly"), "2031-01-01T01:59:00+00:00", "02:00", "02:00"),
        # 09:30 in Kolkata is 04:00 UTC
        (
            Schedule.build("daily", at="09:30", tz="Asia/Kolkata"),
            "2031-01-01T05:00:00+00:00",
            "04:00",
            "04:00",
        ),
    ],
)
def test_a_schedule_turns_a_moment_into_its_slot(
    schedule: Schedule, now: str, latest: str, following: str
) -> None:
    moment = at(now)
    assert schedule.latest_slot(moment) <= moment < schedule.next_slot(moment)
    assert schedule.latest_slot(moment).strftime("%H:%M") == latest
    assert schedule.next_slot(moment).strftime("%H:%M") == following


def test_a_daily_slot_follows_its_zone_across_daylight_saving() -> None:
    berlin = Schedule.build("daily", at="09:00", tz="Europe/Berlin")
    # winter: UTC+1; summer (after 30 March 2031): UTC+2
    assert berlin.latest_slot(at("2031-01-15T12:00:00+00:00")) == at("2031-01-15T08:00:00+00:00")
    assert berlin.latest_slot(at("2031-07-15T12:00:00+00:00")) == at("2031-07-15T07:00:00+00:00")


@pytest.mark.parametrize(
    ("every", "kwargs"),
    [("weekly", {}), ("daily", {}), ("hourly", {"minute": 60}), ("nightly", {"tz": "Mars/Base"})],
)
def test_a_bad_declaration_is_refused(every: str, kwargs: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        Schedule.build(every, **kwargs)


@pytest.fixture
def hourly_job() -> Any:
    ran: list[datetime.datetime] = []
    state = {"fail": False}

    @scheduled_job("test.inprocess", every="hourly")
    def job(context: JobContext) -> str:
        ran.append(context.slot)
        if state["fail"]:
            raise RuntimeError("the report server is down")
        return "done"

    yield ran, state
    unregister("test.inprocess")


def test_a_slot_runs_once_however_often_workers_look(db: Any, hourly_job: Any) -> None:
    ran, _state = hourly_job
    now = at("2031-01-01T10:20:00+00:00")
    for worker in ("a", "b", "a"):
        run_due_jobs(now=now, worker_id=worker)
    assert ran == [at("2031-01-01T10:00:00+00:00")]
    row = JobRun.objects.get(job="test.inprocess")
    assert (row.status, row.result, row.worker_id) == (RunStatus.SUCCEEDED, "done", "a")


def test_after_downtime_the_missed_slot_runs_once(db: Any, hourly_job: Any) -> None:
    ran, _state = hourly_job
    run_due_jobs(now=at("2031-01-01T10:20:00+00:00"), worker_id="a")
    # the workers were down for three days
    for worker in ("a", "b"):
        run_due_jobs(now=at("2031-01-04T10:20:00+00:00"), worker_id=worker)
    assert ran == [at("2031-01-01T10:00:00+00:00"), at("2031-01-04T10:00:00+00:00")]


def test_a_failing_job_is_recorded_and_the_next_slot_still_runs(db: Any, hourly_job: Any) -> None:
    ran, state = hourly_job
    state["fail"] = True
    run_due_jobs(now=at("2031-01-01T10:20:00+00:00"), worker_id="a")
    failed = JobRun.objects.get(job="test.inprocess")
    assert failed.status == RunStatus.FAILED
    assert "RuntimeError: the report server is down" in failed.error
    # a failed slot is not run again; the next one is
    state["fail"] = False
    run_due_jobs(now=at("2031-01-01T10:40:00+00:00"), worker_id="b")
    run_due_jobs(now=at("2031-01-01T11:01:00+00:00"), worker_id="b")
    assert len(ran) == 2
    assert list(
        JobRun.objects.filter(job="test.inprocess")
        .order_by("slot")
        .values_list("status", flat=True)
    ) == [
        RunStatus.FAILED,
        RunStatus.SUCCEEDED,
    ]


def test_a_slot_whose_worker_died_is_taken_over_after_its_lease(db: Any, hourly_job: Any) -> None:
    ran, _state = hourly_job
    slot = at("2031-01-01T10:00:00+00:00")
    JobRun.objects.create(
        job="test.inprocess",
        slot=slot,
        status=RunStatus.RUNNING,
        worker_id="dead",
        lease_until=slot + datetime.timedelta(minutes=5),
    )
    run_due_jobs(now=slot + datetime.timedelta(minutes=4), worker_id="b")
    assert ran == []
    run_due_jobs(now=slot + datetime.timedelta(minutes=6), worker_id="b")
    assert ran == [slot]
    row = JobRun.objects.get(job="test.inprocess")
    assert (row.status, row.attempts, row.worker_id) == (RunStatus.SUCCEEDED, 2, "b")


def test_the_purge_job_deletes_old_finished_work_and_keeps_failures_and_events(db: Any) -> None:
    from sambandh.events.jobs import job_named

    now = at("2031-06-01T02:00:00+00:00")
    old = now - datetime.timedelta(days=31)
    event = Event.objects.create(type="x.created", at=old)
    done = HandlerRun.objects.create(
        event=event, handler="a", status=RunStatus.SUCCEEDED, finished_at=old
    )
    failed = HandlerRun.objects.create(
        event=event, handler="b", status=RunStatus.FAILED, finished_at=old
    )
    recent = HandlerRun.objects.create(
        event=event,
        handler="c",
        status=RunStatus.SUCCEEDED,
        finished_at=now - datetime.timedelta(days=1),
    )
    job = job_named("events.purge_finished")
    assert job is not None
    # (as a worker at that time: the other jobs due then finish at it, and are not old)
    with clock.frozen(now):
        run_due_jobs(now=now, worker_id="a")
    remaining = set(HandlerRun.objects.values_list("pk", flat=True))
    assert done.pk not in remaining
    assert {failed.pk, recent.pk} <= remaining
    assert Event.objects.filter(pk=event.pk).exists()
    assert JobRun.objects.get(job="events.purge_finished").result.endswith(
        "1 handler runs, 0 job runs"
    )
