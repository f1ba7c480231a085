"""The leased-job base (events/leased.py) as both of its jobs use it, the bulk job and the
import: one claim at a time, a lease that a dead worker loses, writes and ends only with the
claim's token, and the same columns each table had before the base existed."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection

from sambandh.bulk.models import BulkJob
from sambandh.events import leased
from sambandh.imports.models import ImportJob

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
MODELS = [BulkJob, ImportJob]


def _job(model: type[leased.LeasedJob], actor: Any) -> Any:
    if model is BulkJob:
        return BulkJob.objects.create(actor=actor, record_type="person", action="tag")
    return ImportJob.objects.create(actor=actor, record_type="people", file="imports/x.csv")


@pytest.mark.parametrize("model", MODELS)
def test_each_jobs_statuses_include_the_ones_the_helpers_write(model):
    assert {leased.PENDING, leased.RUNNING} <= set(model.Status.values)
    assert model._meta.get_field("status").default == leased.PENDING


@pytest.mark.parametrize("model", MODELS)
def test_a_job_is_claimed_once_until_its_lease_runs_out(model, owner):
    job = _job(model, owner)

    first = leased.claim(model, job.pk, now=NOW)
    second = leased.claim(model, job.pk, now=NOW + datetime.timedelta(seconds=1))
    job.refresh_from_db()
    assert first is not None and second is None
    assert (job.status, job.token, job.attempts, job.started_at) == ("running", first, 1, NOW)
    assert job.lease_until == NOW + leased.lease()

    later = NOW + leased.lease() + datetime.timedelta(seconds=1)
    third = leased.claim(model, job.pk, now=later)
    job.refresh_from_db()
    assert third not in (None, first)
    assert (job.token, job.attempts, job.started_at) == (third, 2, NOW)  # started once


@pytest.mark.parametrize("model", MODELS)
def test_a_lost_claim_neither_extends_nor_ends_the_job(model, owner):
    job = _job(model, owner)
    token = leased.claim(model, job.pk, now=NOW)
    assert token is not None

    with pytest.raises(leased.LeaseLost):
        leased.extend(model, job.pk, "not-the-token", now=NOW, error="written")
    ended = leased.end(model, job.pk, "not-the-token", "done", now=NOW)
    job.refresh_from_db()
    assert not ended
    assert (job.status, job.error, job.finished_at) == ("running", "", None)

    leased.extend(model, job.pk, token, now=NOW + datetime.timedelta(minutes=1))
    job.refresh_from_db()
    assert job.lease_until == NOW + datetime.timedelta(minutes=1) + leased.lease()
    assert leased.end(model, job.pk, token, "failed", now=NOW, error="why")
    job.refresh_from_db()
    assert (job.status, job.error, job.finished_at, job.lease_until) == ("failed", "why", NOW, None)
    assert not leased.end(model, job.pk, token, "done", now=NOW)  # ends once


def test_a_claim_honours_the_jobs_own_conditions(owner):
    job = _job(ImportJob, owner)
    ImportJob.objects.filter(pk=job.pk).update(cancel_requested=True)

    assert leased.claim(ImportJob, job.pk, now=NOW, cancel_requested=False) is None
    job.refresh_from_db()
    assert (job.status, job.attempts) == ("pending", 0)


@pytest.mark.parametrize("model", MODELS)
def test_the_base_leaves_each_table_as_its_migrations_made_it(model):
    """The model's columns (the base's and its own), and whether each takes NULL, are the
    table's: the test database is built by the migrations, which the base did not change."""
    with connection.cursor() as cursor:
        found = connection.introspection.get_table_description(cursor, model._meta.db_table)
    table = {column.name: bool(column.null_ok) for column in found}
    declared = {field.column: field.null for field in model._meta.concrete_fields}
    assert declared == table
    assert {"actor_id", "status", "error", "attempts", "token", "lease_until"} <= set(table)
