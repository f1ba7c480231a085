"""Retention policies: a dry run reports without changing anything; an enabled policy, run by
the daily job, deletes or anonymizes what has seen no activity for its period."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from sambandh.contacts.models import Organization, Person
from sambandh.core.models import AuditEvent
from sambandh.events.jobs import JobContext
from sambandh.privacy.erasure import PSEUDONYM_PREFIX
from sambandh.privacy.jobs import apply_retention
from sambandh.privacy.models import RetentionPolicy, RetentionRun
from sambandh.privacy.retention import policy_create
from sambandh.recyclebin.models import BinEntry
from tests import factories
from tests.api.helpers import assert_error

pytestmark = pytest.mark.django_db
URL = "/api/v1/privacy/retention-policies"


def _age(record, days):
    type(record).objects.filter(pk=record.pk).update(
        updated_at=timezone.now() - datetime.timedelta(days=days)
    )


@pytest.fixture
def people(owner):
    stale_eu = factories.make_person(
        owner, full_name="Old EU", email="old@example.eu", residency="eu"
    )
    stale_us = factories.make_person(owner, full_name="Old US", residency="us")
    fresh_eu = factories.make_person(owner, full_name="New EU", residency="eu")
    busy_eu = factories.make_person(owner, full_name="Busy EU", residency="eu")
    for p in (stale_eu, stale_us, busy_eu):
        _age(p, 400)
    factories.make_activity(owner, "call", person_id=busy_eu.pk)  # recent activity keeps it
    _age(busy_eu, 400)
    return stale_eu, stale_us, fresh_eu, busy_eu


def _job():
    now = timezone.now()
    return apply_retention(JobContext(slot=now, now=now))


def test_a_dry_run_reports_and_changes_nothing_then_the_enabled_policy_deletes(
    api, admin_user, people
):
    stale_eu, stale_us, fresh_eu, busy_eu = people
    client = api(admin_user)
    created = client.post(
        URL, {"record_type": "person", "region": "EU", "days": 365, "action": "delete"}
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["enabled"] is False and body["region"] == "eu"
    # enabling before a dry run is refused
    resp = client.patch(f"{URL}/{body['id']}", {"enabled": True})
    assert_error(resp, 422, "validation_failed")
    # the dry run: counts and ids, nothing deleted
    audit = AuditEvent.objects.count()
    dry = client.post(f"{URL}/{body['id']}/dry-run", {})
    assert dry.status_code == 200, dry.content
    assert dry.json()["matched"] == 1 and dry.json()["record_ids"] == [stale_eu.pk]
    assert Person.objects.count() == 4 and AuditEvent.objects.count() == audit
    # the daily job leaves a disabled policy at a dry run
    _job()
    assert Person.objects.count() == 4
    # enabled, the job deletes what the report said (into the recycle bin)
    assert client.patch(f"{URL}/{body['id']}", {"enabled": True}).json()["enabled"] is True
    assert _job() == "1 policies, 1 records"
    assert set(Person.objects.values_list("pk", flat=True)) == {
        stale_us.pk,
        fresh_eu.pk,
        busy_eu.pk,
    }
    assert BinEntry.objects.filter(record_type="person", record_id=stale_eu.pk).exists()
    run = RetentionRun.objects.get(dry_run=False)
    assert (run.matched, run.done, run.failures) == (1, 1, [])
    assert client.get(f"{URL}/{body['id']}").json()["last_run"]["done"] == 1


def test_an_anonymize_policy_erases_people_of_any_region(admin_user, people):
    stale_eu, stale_us, fresh_eu, busy_eu = people
    p = policy_create(
        actor=admin_user,
        data={"record_type": "person", "region": "", "days": 365, "action": "anonymize"},
    )
    from sambandh.privacy.retention import policy_update, retention_dry_run

    assert retention_dry_run(actor=admin_user, p=p).record_ids == [stale_eu.pk, stale_us.pk]
    policy_update(actor=admin_user, p=p, data={"enabled": True})
    _job()
    names = dict(Person.objects.values_list("pk", "full_name"))
    assert names[stale_eu.pk].startswith(PSEUDONYM_PREFIX) and names[stale_us.pk].startswith(
        PSEUDONYM_PREFIX
    )
    assert (names[fresh_eu.pk], names[busy_eu.pk]) == ("New EU", "Busy EU")
    # anonymized people are not anonymized again
    assert _job() == "1 policies, 0 records"


def test_bad_policies_are_refused(api, admin_user):
    client = api(admin_user)
    for body, field in (
        ({"record_type": "planet", "days": 30, "action": "delete"}, "record_type"),
        ({"record_type": "deal", "days": 30, "action": "anonymize"}, "action"),
        ({"record_type": "deal", "region": "eu", "days": 30, "action": "delete"}, "region"),
        ({"record_type": "person", "region": "Europe!", "days": 30, "action": "delete"}, "region"),
    ):
        resp = client.post(URL, body)
        assert_error(resp, 422, "validation_failed")
        assert field in resp.json()["error"]["fields"], (body, resp.json())
    assert_error(
        client.post(URL, {"record_type": "person", "days": 0, "action": "delete"}),
        422,
        "validation_failed",
    )
    assert not RetentionPolicy.objects.exists()


def test_organizations_by_residency(admin_user, owner):
    old = factories.make_organization(owner, name="Old GmbH", residency="eu")
    factories.make_organization(owner, name="Old Inc", residency="us")
    _age(old, 100)
    _age(Organization.objects.get(name="Old Inc"), 100)
    p = policy_create(
        actor=admin_user,
        data={"record_type": "organization", "region": "eu", "days": 90, "action": "delete"},
    )
    from sambandh.privacy.retention import retention_dry_run

    assert retention_dry_run(actor=admin_user, p=p).record_ids == [old.pk]


@pytest.mark.parametrize("role", ["owner", "manager", "readonly"])
def test_non_admins_may_not_touch_policies(api, request, admin_user, role):
    p = policy_create(
        actor=admin_user, data={"record_type": "person", "days": 30, "action": "delete"}
    )
    client = api(request.getfixturevalue(role))
    assert_error(
        client.post(URL, {"record_type": "person", "days": 30, "action": "delete"}),
        403,
        "forbidden",
    )
    assert_error(client.patch(f"{URL}/{p.pk}", {"days": 1}), 403, "forbidden")
    assert_error(client.post(f"{URL}/{p.pk}/dry-run", {}), 403, "forbidden")
    assert_error(client.delete(f"{URL}/{p.pk}"), 403, "forbidden")
    assert RetentionPolicy.objects.get().days == 30 and not RetentionRun.objects.exists()
