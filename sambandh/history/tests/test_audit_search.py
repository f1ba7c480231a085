"""GET /api/v1/audit and Settings → Audit log: the whole trail, filtered, for administrators."""

from __future__ import annotations

import datetime

from django.utils import timezone

from sambandh.core.audit import audit_record
from sambandh.core.audit_context import audit_context
from sambandh.core.models import AuditEvent
from tests.api.helpers import assert_error, walk
from tests.factories import make_person

V1 = "/api/v1"


def _world(owner, teammate):
    asha = make_person(owner, full_name="Asha Rao", job_title="Engineer")
    bruno = make_person(teammate, full_name="Bruno Lima")
    with audit_context(at=timezone.now() - datetime.timedelta(days=30)):
        old = audit_record(actor=owner, action="update", record_type="tag", record_id=5)
    return asha, bruno, old


def test_filters_by_record_actor_action_and_time(owner, teammate, admin_user, api):
    asha, bruno, old = _world(owner, teammate)
    client = api(admin_user)
    by_record = client.get(f"{V1}/audit", {"record_type": "person", "record_id": asha.pk})
    assert by_record.status_code == 200, by_record.content
    items = by_record.json()["items"]
    assert [(i["action"], i["record_id"]) for i in items] == [("create", asha.pk)]
    assert items[0]["changes"]["job_title"] == [None, "Engineer"]
    assert set(items[0]) == {
        "id", "at", "actor", "actor_id", "action", "record_type", "record_id",
        "source", "ip", "summary", "changes",
    }  # fmt: skip
    assert items[0]["actor"] == {"id": owner.pk, "name": "Olivia Owner"}
    by_actor = walk(client, f"{V1}/audit", {"actor_id": teammate.pk})
    assert by_actor == list(
        AuditEvent.objects.filter(actor=teammate)
        .order_by("-at", "-id")
        .values_list("id", flat=True)
    )
    assert bruno.pk in {
        i["record_id"] for i in client.get(f"{V1}/audit", {"actor_id": teammate.pk}).json()["items"]
    }
    by_action = client.get(f"{V1}/audit", {"action": "update"}).json()["items"]
    assert {i["action"] for i in by_action} == {"update"} and old.pk in {i["id"] for i in by_action}
    since = (timezone.now() - datetime.timedelta(days=1)).isoformat()
    recent = walk(client, f"{V1}/audit", {"since": since})
    assert old.pk not in recent and len(recent) == AuditEvent.objects.count() - 1


def test_it_comes_a_page_at_a_time(owner, teammate, admin_user, api):
    _world(owner, teammate)
    client = api(admin_user)
    first = client.get(f"{V1}/audit", {"limit": 2}).json()
    assert len(first["items"]) == 2 and first["next"]
    every = walk(client, f"{V1}/audit", {"limit": 2})
    assert len(every) == AuditEvent.objects.count() and len(set(every)) == len(every)


def test_only_administrators_search_it(owner, manager, readonly, api):
    _world(owner, manager)
    for who in (owner, manager, readonly):
        assert_error(api(who).get(f"{V1}/audit"), 403, "forbidden")


def test_bad_filters_are_refused_by_name(admin_user, api):
    client = api(admin_user)
    assert_error(client.get(f"{V1}/audit", {"action": "explode"}), 422, "validation_failed")
    assert_error(client.get(f"{V1}/audit", {"record_id": "abc"}), 422, "validation_failed")
    assert_error(
        client.get(f"{V1}/audit", {"who": "me"}),
        422,
        "validation_failed",
        {"who": "Unknown field."},
    )
    assert_error(client.get(f"{V1}/audit", {"since": "yesterday"}), 422, "validation_failed")


def test_the_audit_log_page(owner, teammate, admin_user, browser_for):
    asha, _bruno, _old = _world(owner, teammate)
    page = browser_for(admin_user).get(
        "/settings/audit/", {"record_type": "person", "record_id": asha.pk}
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert "Asha Rao" in html and "Bruno Lima" not in html
    bad = browser_for(admin_user).get("/settings/audit/", {"record_id": "x", "since": "nope"})
    assert bad.status_code == 422
    assert "Enter a whole number above zero." in bad.content.decode()
    assert browser_for(owner).get("/settings/audit/").status_code == 403


def test_permission_changes_have_their_own_action(owner, admin_user, api):
    """A field permission, a sensitive mark and a role change are each a "permission_change"
    with the value before and after; the search by that action finds them, and the rows
    written as "permission" before the action existed, and nothing else."""
    from sambandh.accounts.services import user_update
    from sambandh.accounts.services_access import field_permission_set
    from sambandh.history.sensitive import sensitive_field_set

    legacy = audit_record(actor=admin_user, action="permission", record_type="deal")
    field_permission_set(
        actor=admin_user, record_type="person", field="phones", hidden_from=["read_only"]
    )
    field_permission_set(
        actor=admin_user,
        record_type="person",
        field="phones",
        hidden_from=[],
        read_only_for=["sales_rep"],
    )
    sensitive_field_set(actor=admin_user, record_type="person", field="emails", sensitive=True)
    user_update(actor=admin_user, user=owner, role="manager")
    make_person(owner, full_name="Not a permission")
    rows = list(AuditEvent.objects.filter(action="permission_change").order_by("id"))
    assert [r.changes for r in rows] == [
        {"field": [None, "phones"], "hidden_from": [[], ["read_only"]], "read_only_for": [[], []]},
        {
            "field": [None, "phones"],
            "hidden_from": [["read_only"], []],
            "read_only_for": [[], ["sales_rep"]],
        },
        {"field": [None, "emails"], "sensitive": [False, True]},
        {"role": ["sales_rep", "manager"]},
    ]
    found = api(admin_user).get(f"{V1}/audit", {"action": "permission_change"}).json()["items"]
    assert sorted(i["id"] for i in found) == sorted([legacy.pk, *(r.pk for r in rows)])
