"""Settings › Jobs: the scheduled jobs and failed handler runs, and the retry (admins only)."""

from __future__ import annotations

from typing import Any

import pytest

from sambandh.events.models import Event, HandlerRun, RunStatus

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
        last_error="RuntimeError: <script>boom</script>",
    )


def test_an_admin_sees_the_jobs_and_the_failed_runs_with_their_error(
    client: Any, admin_user: Any, failed_run: HandlerRun
) -> None:
    client.force_login(admin_user)
    resp = client.get("/settings/jobs/")
    body = resp.content.decode()
    assert resp.status_code == 200
    assert "events.purge_finished" in body
    assert "contacts.organization_renamed" in body
    assert "&lt;script&gt;boom&lt;/script&gt;" in body
    assert "<script>boom" not in body


def test_an_admin_retries_a_failed_run(
    client: Any, admin_user: Any, failed_run: HandlerRun
) -> None:
    client.force_login(admin_user)
    resp = client.post(f"/settings/jobs/handler-runs/{failed_run.pk}/retry/")
    assert resp.status_code == 302
    failed_run.refresh_from_db()
    assert (failed_run.status, failed_run.attempts) == (RunStatus.PENDING, 0)


def test_a_manager_may_not_retry_and_nothing_changes(
    client: Any, manager: Any, failed_run: HandlerRun
) -> None:
    client.force_login(manager)
    resp = client.post(f"/settings/jobs/handler-runs/{failed_run.pk}/retry/")
    assert resp.status_code == 403
    failed_run.refresh_from_db()
    assert (failed_run.status, failed_run.attempts) == (RunStatus.FAILED, 5)


def test_retrying_a_run_that_has_not_failed_is_refused(
    client: Any, admin_user: Any, failed_run: HandlerRun
) -> None:
    HandlerRun.objects.filter(pk=failed_run.pk).update(status=RunStatus.SUCCEEDED)
    client.force_login(admin_user)
    resp = client.post(f"/settings/jobs/handler-runs/{failed_run.pk}/retry/", follow=True)
    assert "Only a failed handler run can be retried." in resp.content.decode()
    failed_run.refresh_from_db()
    assert failed_run.status == RunStatus.SUCCEEDED
