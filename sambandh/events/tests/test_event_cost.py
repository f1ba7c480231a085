"""What the event log costs a write: one INSERT when nobody listens; the handlers' runs in one
more when someone does, and the fan-out leaves the request."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from sambandh.events.models import Event, HandlerRun
from tests.factories import make_organization, make_person


def _statements(client: Any, body: dict[str, Any]) -> int:
    with CaptureQueriesContext(connection) as queries:
        resp = client.post("/api/v1/people", body)
    assert resp.status_code == 201, resp.content
    return len(queries)


def test_a_person_create_costs_one_statement_more_with_its_event(
    api: Any, owner: Any, settings: Any
) -> None:
    client = api(owner)
    _statements(client, {"full_name": "Warm Up"})  # the token, compiled statements
    settings.EVENTS_ENABLED = False
    without = _statements(client, {"full_name": "Without Event"})
    settings.EVENTS_ENABLED = True
    before = Event.objects.count()
    with_event = _statements(client, {"full_name": "With Event"})
    assert with_event == without + 1
    assert Event.objects.count() == before + 1
    assert not HandlerRun.objects.exists()


def test_an_organization_rename_writes_a_run_instead_of_reindexing_its_people(
    api: Any, owner: Any
) -> None:
    org = make_organization(owner, name="Acme")
    for n in range(30):
        make_person(owner, full_name=f"Person {n}", organization_id=org.pk)
    client = api(owner)
    with CaptureQueriesContext(connection) as queries:
        resp = client.patch(f"/api/v1/organizations/{org.pk}", {"name": "Acme Two", "version": 1})
    assert resp.status_code == 200, resp.content
    # the request's statements do not grow with the people (30 documents were rebuilt before)
    assert len(queries) < 30
    (run,) = HandlerRun.objects.all()
    assert (run.handler, run.event.type, run.event.fields) == (
        "contacts.organization_renamed",
        "organization.updated",
        ["name"],
    )
