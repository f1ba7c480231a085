"""/api/v1/scheduled-jobs: the jobs and the failed handler runs, and the retry (admins only)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from sambandh.events.jobs import run_due_jobs
from sambandh.events.models import Event, HandlerRun, RunStatus
from tests.api.helpers import assert_error

pytestmark = pytest.mark.django_db


@pytest.fixture
def failed_run() -> HandlerRun:
    event = Event.objects.create(
        type="organization.updated", record_type="organization", record_id=3
    )
    return HandlerRun.objects.create(
        event=event,
        handler="contacts.organization_renamed",
        status=RunStatus.FAILED,
        attempts=5,
        last_error="RuntimeError: boom",
    )


def test_an_admin_reads_the_jobs_with_their_last_run_and_next_slot(
    api: Any, admin_user: Any
) -> None:
    run_due_jobs(now=datetime.datetime(2031, 1, 1, 3, 0, tzinfo=datetime.UTC), worker_id="w1")
    resp = api(admin_user).get("/api/v1/scheduled-jobs")
    assert resp.status_code == 200
    (purge,) = [j for j in resp.json()["items"] if j["name"] == "events.purge_finished"]
    assert purge["schedule"] == "daily at 02:00 UTC"
    assert purge["last_run"]["slot"].startswith("2031-01-01T02:00:00")
    assert purge["last_run"]["status"] == "succeeded"
    assert purge["last_run"]["worker_id"] == "w1"
    assert purge["recent_failures"] == []


def test_an_admin_reads_the_failed_runs_and_retries_one(
    api: Any, admin_user: Any, failed_run: HandlerRun
) -> None:
    client = api(admin_user)
    listed = client.get("/api/v1/scheduled-jobs/failed-handler-runs").json()["items"]
    assert [(r["id"], r["event_type"], r["last_error"]) for r in listed] == [
        (failed_run.pk, "organization.updated", "RuntimeError: boom")
    ]
    resp = client.post(f"/api/v1/scheduled-jobs/failed-handler-runs/{failed_run.pk}/retry")
    assert resp.status_code == 200
    assert (resp.json()["status"], resp.json()["attempts"]) == ("pending", 0)
    assert client.get("/api/v1/scheduled-jobs/failed-handler-runs").json()["items"] == []


def test_retrying_a_run_that_has_not_failed_answers_409_and_changes_nothing(
    api: Any, admin_user: Any, failed_run: HandlerRun
) -> None:
    HandlerRun.objects.filter(pk=failed_run.pk).update(status=RunStatus.SUCCEEDED)
    resp = api(admin_user).post(f"/api/v1/scheduled-jobs/failed-handler-runs/{failed_run.pk}/retry")
    assert_error(resp, 409, "not_failed", {})
    failed_run.refresh_from_db()
    assert (failed_run.status, failed_run.attempts) == (RunStatus.SUCCEEDED, 5)


def test_retrying_an_unknown_run_answers_404(api: Any, admin_user: Any) -> None:
    resp = api(admin_user).post("/api/v1/scheduled-jobs/failed-handler-runs/999999/retry")
    assert_error(resp, 404, "not_found", {})


def test_a_manager_may_not_read_or_retry(api: Any, manager: Any, failed_run: HandlerRun) -> None:
    client = api(manager)
    assert client.get("/api/v1/scheduled-jobs").status_code == 403
    resp = client.post(f"/api/v1/scheduled-jobs/failed-handler-runs/{failed_run.pk}/retry")
    assert_error(resp, 403, "forbidden", {})
    failed_run.refresh_from_db()
    assert failed_run.status == RunStatus.FAILED
