"""The residency tag on people and organizations: written and read through the API, filtered on,
refused when malformed; and the daily retention job is declared."""

from __future__ import annotations

import pytest

from sambandh.contacts.models import Person
from sambandh.events.jobs import job_named
from tests import factories
from tests.api.helpers import assert_error, ids_of

pytestmark = pytest.mark.django_db


def test_people_carry_a_residency_tag_and_the_list_filters_on_it(api, owner):
    client = api(owner)
    made = client.post("/api/v1/people", {"full_name": "Asha Rao", "residency": " EU "})
    assert made.status_code == 201, made.content
    assert made.json()["residency"] == "eu"
    other = factories.make_person(owner, full_name="Bina", residency="in")
    assert ids_of(client.get("/api/v1/people", {"residency": "eu"})) == [made.json()["id"]]
    resp = client.patch(
        f"/api/v1/people/{other.pk}", {"residency": "us-ca", "version": other.version}
    )
    assert resp.status_code == 200 and resp.json()["residency"] == "us-ca"


def test_a_malformed_residency_is_refused_and_changes_nothing(api, owner):
    person = factories.make_person(owner, residency="br")
    resp = api(owner).patch(
        f"/api/v1/people/{person.pk}", {"residency": "Brazil!", "version": person.version}
    )
    assert_error(resp, 422, "validation_failed")
    assert "residency" in resp.json()["error"]["fields"]
    assert Person.objects.get(pk=person.pk).residency == "br"


def test_organizations_carry_it_too(api, owner):
    client = api(owner)
    made = client.post("/api/v1/organizations", {"name": "Loom GmbH", "residency": "eu"})
    assert made.status_code == 201 and made.json()["residency"] == "eu"
    factories.make_organization(owner, name="Loom Inc", residency="us")
    assert ids_of(client.get("/api/v1/organizations", {"residency": "eu"})) == [made.json()["id"]]


def test_the_person_form_takes_the_residency(browser_for, owner):
    client = browser_for(owner)
    resp = client.post(
        "/people/new/", {"full_name": "Chandra", "owner": str(owner.pk), "residency": "in"}
    )
    assert resp.status_code == 302, resp.content.decode()[:2000]
    assert Person.objects.get(full_name="Chandra").residency == "in"


def test_the_retention_job_runs_daily():
    job = job_named("privacy.retention")
    assert job is not None and job.schedule.latest_slot is not None
