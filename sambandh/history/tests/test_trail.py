"""The audit trail's rows: append-only (the model, and PostgreSQL's trigger), changes as
{field: [before, after]} (old rows still read), and where each write came from."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from sambandh.cli import main
from sambandh.contacts.models import Person
from sambandh.core.audit import audit_record, row_changes
from sambandh.core.audit_context import audit_context
from sambandh.core.models import AuditEvent, AuditRowImmutable
from tests.bulk_jobs import run_worker, start
from tests.factories import make_person

V1 = "/api/v1"


def _last(record_type: str, record_id: int, action: str = "update") -> AuditEvent:
    return AuditEvent.objects.filter(
        record_type=record_type, record_id=record_id, action=action
    ).latest("id")


# --- append-only ------------------------------------------------------------------------------
def test_the_model_refuses_to_change_or_delete_a_row(owner):
    person = make_person(owner, full_name="Asha Rao")
    row = _last("person", person.pk, "create")
    row.summary = "rewritten"
    with pytest.raises(AuditRowImmutable):
        row.save()
    with pytest.raises(AuditRowImmutable):
        row.delete()
    with pytest.raises(AuditRowImmutable):
        AuditEvent.objects.filter(pk=row.pk).update(summary="rewritten")
    with pytest.raises(AuditRowImmutable):
        AuditEvent.objects.filter(pk=row.pk).delete()
    row.refresh_from_db()
    assert row.summary == "Asha Rao"
    assert AuditEvent.objects.filter(pk=row.pk).exists()


@pytest.mark.postgres
def test_postgres_refuses_update_and_delete_whoever_asks(owner):
    person = make_person(owner, full_name="Asha Rao")
    row = _last("person", person.pk, "create")
    for statement in (
        "UPDATE core_auditevent SET summary = 'x' WHERE id = %s",
        "DELETE FROM core_auditevent WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement, [row.pk])
    row.refresh_from_db()
    assert row.summary == "Asha Rao"


def test_a_deleted_user_keeps_their_rows(admin_user, db):
    from tests.factories import make_user

    leaver = make_user("sales_rep", email="leaver@example.com", full_name="Lee Leaver")
    row = audit_record(actor=leaver, action="update", record_type="tag", record_id=1)
    leaver_id = leaver.pk
    leaver.delete()
    row = AuditEvent.objects.select_related("actor").get(pk=row.pk)
    assert (row.actor_id, row.actor) == (leaver_id, None)


# --- the shape of changes -------------------------------------------------------------------------
def test_every_row_holds_before_and_after(owner, api):
    person = make_person(owner, full_name="Asha Rao", job_title="Engineer")
    assert _last("person", person.pk, "create").changes["job_title"] == [None, "Engineer"]
    resp = api(owner).patch(f"{V1}/people/{person.pk}", {"job_title": "CTO", "version": 1})
    assert resp.status_code == 200, resp.content
    assert _last("person", person.pk).changes["job_title"] == ["Engineer", "CTO"]
    person.refresh_from_db()
    version = person.version
    api(owner).delete(f"{V1}/people/{person.pk}?version={version}")
    assert _last("person", person.pk, "delete").changes == {}
    assert not Person.objects.filter(pk=person.pk).exists()


def test_rows_written_before_the_uniform_format_still_read(db):
    # given rows as services wrote them before (format 1): a create's values, an update's
    # pairs and an update's value after alone
    create = AuditEvent.objects.create(
        action="create", record_type="tag", changes={"name": "vip"}, changes_format=1
    )
    update = AuditEvent.objects.create(
        action="update",
        record_type="tag",
        changes={"name": ["vip", "VIP"], "status": "sent"},
        changes_format=1,
    )
    assert row_changes(create) == {"name": [None, "vip"]}
    assert row_changes(update) == {"name": ["vip", "VIP"], "status": [None, "sent"]}


# --- where a write came from ----------------------------------------------------------------------
def test_a_page_write_records_the_interface_and_the_address(owner, browser_for):
    person = make_person(owner, full_name="Asha Rao", country="IN")
    resp = browser_for(owner).post(
        f"/inline/person/{person.pk}/country/",
        {"value": "FR", "version": person.version},
        REMOTE_ADDR="203.0.113.9",
    )
    assert resp.status_code == 200, resp.content
    row = _last("person", person.pk)
    assert (row.source, row.ip, row.changes["country"]) == (
        "interface",
        "203.0.113.9",
        ["IN", "FR"],
    )


def test_an_api_write_records_the_api_and_the_address(owner, api):
    person = make_person(owner, full_name="Asha Rao")
    client = api(owner)
    resp = client.client.patch(
        f"{V1}/people/{person.pk}",
        {"job_title": "CTO", "version": 1},
        content_type="application/json",
        headers={"Authorization": f"Bearer {client.token}"},
        REMOTE_ADDR="2001:db8::7",
    )
    assert resp.status_code == 200, resp.content
    row = _last("person", person.pk)
    assert (row.source, row.ip) == ("api", "2001:db8::7")


def test_a_background_job_records_the_job(owner, api):
    person = make_person(owner, full_name="Asha Rao")
    start(api(owner), "people", {"ids": [person.pk], "action": "tag", "tags": ["vip"]})
    run_worker()
    row = _last("person", person.pk)
    assert "tags" in row.changes
    assert (row.source, row.ip, row.actor_id) == ("job", None, owner.pk)


def test_the_command_line_records_the_cli(admin_user, capsys):
    assert main(["token", "create", "--email", admin_user.email]) == 0
    row = AuditEvent.objects.filter(action="token", record_id=admin_user.pk).latest("id")
    assert (row.source, row.ip) == ("cli", None)


def test_nothing_set_is_the_system_and_a_bad_address_is_dropped(db):
    row = audit_record(actor=None, action="update", record_type="tag", record_id=1)
    assert (row.source, row.ip) == ("system", None)
    with audit_context(source="import", ip="not an address"):
        row = audit_record(actor=None, action="update", record_type="tag", record_id=1)
    assert (row.source, row.ip) == ("import", None)
    with pytest.raises(ValueError), audit_context(source="elsewhere"):
        pass
