"""`sambandh worker`: its help, its flags' bad values, and --until-idle running what is due."""

from __future__ import annotations

from typing import Any

import pytest

from sambandh.cli import main
from sambandh.contacts.schemas import OrganizationIn, PersonIn
from sambandh.contacts.services import organization_update, person_create
from sambandh.events.models import HandlerRun, JobRun, RunStatus
from sambandh.search.models import SearchDocument
from tests.factories import make_organization


def test_the_help_names_the_flags_and_what_the_worker_runs(capsys: Any) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["worker", "--help"])
    assert exited.value.code == 0
    out = capsys.readouterr().out
    assert "background tasks" in out and "scheduled jobs" in out
    for flag in ("--until-idle", "--interval", "--nice", "--worker-id", "--now", "--verbose"):
        assert flag in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--now", "yesterday"], "--now: not an ISO 8601 date and time"),
        (["--now", "2031-01-01T02:00:00"], "--now needs a time zone offset"),
        (["--interval", "0"], "--interval must be greater than zero"),
        (["--nice", "20"], "--nice must be from 0 to 19"),
        (["--nice", "-1"], "--nice must be from 0 to 19"),
    ],
)
def test_a_bad_flag_value_is_refused_with_exit_2(
    capsys: Any, args: list[str], message: str
) -> None:
    assert main(["worker", "--until-idle", *args]) == 2
    assert message in capsys.readouterr().err


@pytest.mark.django_db
def test_until_idle_runs_the_pending_handlers_and_due_jobs_then_exits_0(owner: Any) -> None:
    # given a renamed organization whose people's search documents wait for the worker
    org = make_organization(owner, name="Old Name")
    person = person_create(
        actor=owner, data=PersonIn.build({"full_name": "Ravi", "organization_id": org.pk})
    )
    organization_update(
        actor=owner, organization=org, data=OrganizationIn.build({"name": "New Name"}), version=1
    )
    # when the worker runs until idle at a given time
    assert main(["worker", "--until-idle", "--now", "2031-01-01T02:30:00+00:00"]) == 0
    # then the handler ran, the nightly slot ran, and the person is found by the new name
    run = HandlerRun.objects.get(handler="contacts.organization_renamed")
    assert run.status == RunStatus.SUCCEEDED
    assert JobRun.objects.filter(job="events.purge_finished", status=RunStatus.SUCCEEDED).exists()
    doc = SearchDocument.objects.get(record_type="person", record_id=person.pk)
    assert "New Name" in doc.subtitle
