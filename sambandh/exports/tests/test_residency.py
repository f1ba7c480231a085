"""Exports honour the residency rule (docs/privacy.md, "Residency"): the records whose
residency tag the company's export rules refuse to the viewer's role are left out of the
file, and the export's audit row says how many."""

from __future__ import annotations

import pytest

from sambandh.core.audit import values_after
from sambandh.core.models import AuditEvent
from sambandh.exports.tests.conftest import read_csv
from sambandh.privacy.services import settings_update
from tests.factories import make_organization, make_person

pytestmark = pytest.mark.django_db


def _world(owner):
    make_person(owner, full_name="Elsa Berg", residency="eu")
    make_person(owner, full_name="Emil Roth", residency="eu")
    make_person(owner, full_name="Carla Dias", residency="br")
    make_person(owner, full_name="No Tag")


def test_records_whose_residency_forbids_it_are_left_out(browser_for, admin_user, owner):
    _world(owner)
    settings_update(actor=admin_user, export_rules={"eu": ["admin", "manager"]})

    resp = browser_for(owner).get("/exports/people/?format=csv&sort=name")

    assert [r["Name"] for r in read_csv(resp)] == ["Carla Dias", "No Tag"]
    row = AuditEvent.objects.get(action="export")
    assert values_after(row)["rows"] == 2
    assert values_after(row)["withheld_by_residency"] == 2
    assert "2 withheld by residency" in row.summary


def test_a_role_the_rule_names_and_an_admin_export_everything(
    browser_for, admin_user, manager, owner
):
    _world(owner)
    settings_update(actor=admin_user, export_rules={"eu": ["manager"], "br": []})

    managed = read_csv(browser_for(manager).get("/exports/people/?format=csv&sort=name"))
    assert [r["Name"] for r in managed] == ["Elsa Berg", "Emil Roth", "No Tag"]
    everything = read_csv(browser_for(admin_user).get("/exports/people/?format=csv&sort=name"))
    assert len(everything) == 4
    rows = AuditEvent.objects.filter(action="export").order_by("id")
    assert [values_after(r).get("withheld_by_residency") for r in rows] == [1, None]


def test_ticked_rows_and_the_api_follow_the_same_rule(api, browser_for, admin_user, owner):
    elsa = make_person(owner, full_name="Elsa Berg", residency="eu")
    carla = make_person(owner, full_name="Carla Dias", residency="br")
    make_organization(owner, name="Kestrel EU", residency="eu")
    settings_update(actor=admin_user, export_rules={"eu": ["admin"]})

    picked = browser_for(owner).post(
        "/exports/people/selection/", {"format": "csv", "ids": [elsa.pk, carla.pk]}
    )
    assert [r["Name"] for r in read_csv(picked)] == ["Carla Dias"]
    orgs = api(owner).get("/api/v1/organizations/export", {"format": "csv"})
    assert read_csv(orgs) == []
    rows = AuditEvent.objects.filter(action="export").order_by("id")
    assert [values_after(r)["withheld_by_residency"] for r in rows] == [1, 1]


def test_without_a_rule_nothing_is_withheld(browser_for, owner):
    _world(owner)
    resp = browser_for(owner).get("/exports/people/?format=csv")
    assert len(read_csv(resp)) == 4
    assert "withheld_by_residency" not in values_after(AuditEvent.objects.get(action="export"))
