"""Pinning a note to the top of a record's timeline (activities.services.note_pin): in the API
(POST/DELETE /activities/{id}/pin, pinned_at, the timeline's ``pinned``) and on the page."""

from __future__ import annotations

import pytest

from sambandh.activities.models import Activity
from sambandh.core.models import AuditEvent
from tests import factories
from tests.web.helpers import text

pytestmark = pytest.mark.django_db


def test_pin_and_unpin_a_note_through_the_api(api, owner, teammate):
    person = factories.make_person(owner, full_name="Ana Pereira")
    old = factories.make_activity(owner, "note", body="Prefers WhatsApp", person_id=person.pk)
    factories.make_activity(owner, "note", body="Newer note", person_id=person.pk)
    client = api(owner)
    response = client.post(f"/api/v1/activities/{old.pk}/pin", {"version": old.version})
    assert response.status_code == 200, response.content
    assert response.json()["pinned_at"] is not None
    timeline = client.get(f"/api/v1/people/{person.pk}/timeline").json()
    assert [e["activity"]["id"] for e in timeline["pinned"]] == [old.pk]
    # the pinned note keeps its place among the rest too
    assert old.pk in [e["activity"]["id"] for e in timeline["items"] if e.get("activity")]
    # a filtered timeline has no pinned head
    assert client.get(f"/api/v1/people/{person.pk}/timeline?kind=note").json()["pinned"] == []
    assert AuditEvent.objects.filter(record_type="activity", record_id=old.pk).count() == 2
    pinned_version = response.json()["version"]
    response = client.delete(f"/api/v1/activities/{old.pk}/pin?version=0")
    assert response.status_code == 409
    response = client.delete(f"/api/v1/activities/{old.pk}/pin?version={pinned_version}")
    assert response.status_code == 200 and response.json()["pinned_at"] is None
    assert client.get(f"/api/v1/people/{person.pk}/timeline").json()["pinned"] == []


def test_only_notes_and_only_by_those_who_may_change_them(api, owner, teammate, outsider):
    person = factories.make_person(owner, full_name="Ana Pereira")
    call = factories.make_activity(owner, "call", subject="Intro", person_id=person.pk)
    note = factories.make_activity(owner, "note", body="Hi", person_id=person.pk)
    response = api(owner).post(f"/api/v1/activities/{call.pk}/pin", {"version": call.version})
    assert response.status_code == 422
    response = api(outsider).post(f"/api/v1/activities/{note.pk}/pin", {"version": note.version})
    assert response.status_code == 404
    assert not Activity.objects.filter(pinned_at__isnull=False).exists()


def test_the_record_page_shows_pinned_notes_on_top(owner, browser_for):
    person = factories.make_person(owner, full_name="Ana Pereira")
    note = factories.make_activity(owner, "note", body="Prefers WhatsApp", person_id=person.pk)
    client = browser_for(owner)
    page = f"/people/{person.pk}/"
    response = client.post(
        f"/activities/{note.pk}/pin/", {"pinned": "1", "version": note.version, "next": page}
    )
    assert response.status_code == 302 and response["Location"] == page
    body = text(client.get(page))
    assert 'aria-label="Pinned notes"' in body and f'id="pinned-activity-{note.pk}"' in body
    assert body.index("Pinned notes") < body.index(f'id="activity-{note.pk}"')
    assert ">Unpin<" in body
