"""A field removed, restored and purged: its values hidden but kept, back, then gone; the read
lane answers exactly as the API; the field's index is created and dropped; bad definitions
are refused naming the field and change nothing."""

from __future__ import annotations

import pytest
from django.db import connection

from sambandh.contacts.models import Person
from sambandh.core.models import AuditEvent
from sambandh.customfields import query
from sambandh.customfields.models import CustomField
from sambandh.customfields.services import (
    custom_field_create,
    custom_field_delete,
    custom_field_restore,
)
from sambandh.search.selectors import search
from tests.api.helpers import assert_error
from tests.factories import make_person

pytestmark = pytest.mark.django_db
URL = "/api/v1/custom-fields"


def _tier(admin):
    return custom_field_create(
        actor=admin,
        data={
            "record_type": "person",
            "key": "tier",
            "label": "Tier",
            "type": "picklist",
            "options": ["gold", "silver"],
        },
    )


def _indexes() -> set[str]:
    with connection.cursor() as cursor:
        return set(connection.introspection.get_constraints(cursor, Person._meta.db_table))


def test_removed_values_are_kept_hidden_restored_then_purged(
    api, admin_user, owner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        field = _tier(admin_user)
    # the field's indexes exist
    assert {query.index_name(field), query.owner_index_name(field)} <= set(_indexes())
    person = make_person(owner, full_name="Asha", custom={"tier": "gold"})
    rep = api(owner)
    url = f"/api/v1/people/{person.pk}"
    assert rep.get(url).json()["custom"] == {"tier": "gold"}
    # when the admin removes the field
    assert api(admin_user).delete(f"{URL}/{field.pk}").status_code == 204
    # then its value is shown nowhere: the API, the read lane (same bytes), lists, filters
    lane = rep.get(url)
    assert rep.lane_answered
    assert lane.json()["custom"] == {}
    through_api = api(owner, lane=False).get(url)
    assert through_api.content == lane.content
    assert_error(rep.get("/api/v1/people", {"custom.tier": "gold"}), 422, "validation_failed")
    assert search(viewer=owner, q="gold") == []
    # but it is still stored
    assert Person.objects.get(pk=person.pk).custom == {"tier": "gold"}
    # a removed field's key cannot be taken by a new field
    taken = api(admin_user).post(
        URL, {"record_type": "person", "key": "tier", "label": "T", "type": "text"}
    )
    assert_error(taken, 422, "validation_failed")
    assert set(taken.json()["error"]["fields"]) == {"key"}
    # when it is restored, the value is back
    restored = api(admin_user).post(f"{URL}/{field.pk}/restore")
    assert restored.status_code == 200 and restored.json()["removed"] is False
    assert rep.get(url).json()["custom"] == {"tier": "gold"}
    assert [h.record_id for h in search(viewer=owner, q="gold")] == [person.pk]
    # a field in use cannot be purged before it is removed
    assert_error(api(admin_user).post(f"{URL}/{field.pk}/purge"), 422, "validation_failed")
    # when it is removed and purged, values, index and field are gone
    custom_field_delete(actor=admin_user, field=field)
    assert api(admin_user).post(f"{URL}/{field.pk}/purge").status_code == 204
    assert Person.objects.get(pk=person.pk).custom == {}
    assert not CustomField.objects.filter(pk=field.pk).exists()
    assert not {query.index_name(field), query.owner_index_name(field)} & set(_indexes())
    actions = list(
        AuditEvent.objects.filter(record_type="custom_field", record_id=field.pk)
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["create", "delete", "update", "delete", "delete"]


def test_restore_and_remove_are_idempotent(admin_user):
    field = _tier(admin_user)
    custom_field_delete(actor=admin_user, field=field)
    custom_field_delete(actor=admin_user, field=field)
    custom_field_restore(actor=admin_user, field=field)
    custom_field_restore(actor=admin_user, field=field)
    field.refresh_from_db()
    assert field.deleted_at is None
    assert field.version == 3


def test_required_and_default_are_honoured(api, admin_user, owner):
    admin = api(admin_user)
    assert (
        admin.post(
            URL,
            {
                "record_type": "person",
                "key": "region",
                "label": "Region",
                "type": "text",
                "required": True,
            },
        ).status_code
        == 201
    )
    assert (
        admin.post(
            URL,
            {
                "record_type": "person",
                "key": "score",
                "label": "Score",
                "type": "number",
                "default": 5,
            },
        ).status_code
        == 201
    )
    rep = api(owner)
    missing = rep.post("/api/v1/people", {"full_name": "Asha"})
    assert_error(missing, 422, "validation_failed", {"custom.region": "This field is required."})
    made = rep.post("/api/v1/people", {"full_name": "Asha", "custom": {"region": "South"}})
    assert made.status_code == 201, made.content
    assert made.json()["custom"] == {"region": "South", "score": 5}
    # an update that leaves the required field alone is fine; clearing it is refused
    pid, version = made.json()["id"], made.json()["version"]
    ok = rep.patch(f"/api/v1/people/{pid}", {"version": version, "custom": {"score": 7}})
    assert ok.status_code == 200, ok.content
    assert ok.json()["custom"] == {"region": "South", "score": 7}
    cleared = rep.patch(
        f"/api/v1/people/{pid}", {"version": ok.json()["version"], "custom": {"region": None}}
    )
    assert_error(cleared, 422, "validation_failed", {"custom.region": "This field is required."})


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"record_type": "gizmo", "key": "k", "label": "K", "type": "text"}, "record_type"),
        ({"record_type": "person", "key": "k", "label": "K", "type": "colour"}, "type"),
        ({"record_type": "person", "key": "Bad Key", "label": "K", "type": "text"}, "key"),
        ({"record_type": "person", "key": "a__b", "label": "K", "type": "text"}, "key"),
        ({"record_type": "person", "key": "full_name", "label": "K", "type": "text"}, "key"),
        ({"record_type": "person", "key": "k", "label": "", "type": "text"}, "label"),
        ({"record_type": "person", "key": "k", "label": "K", "type": "picklist"}, "options"),
        (
            {
                "record_type": "person",
                "key": "k",
                "label": "K",
                "type": "picklist",
                "options": ["a", "a"],
            },
            "options",
        ),
        ({"record_type": "person", "key": "k", "label": "K", "type": "lookup"}, "target"),
        (
            {
                "record_type": "person",
                "key": "k",
                "label": "K",
                "type": "lookup",
                "target": "gizmo",
            },
            "target",
        ),
        (
            {
                "record_type": "person",
                "key": "k",
                "label": "K",
                "type": "number",
                "default": "five",
            },
            "default",
        ),
        (
            {
                "record_type": "person",
                "key": "k",
                "label": "K",
                "type": "text",
                "labels": {"xx-nope": "K"},
            },
            "labels.xx-nope",
        ),
    ],
)
def test_a_bad_definition_is_refused_naming_the_field(api, admin_user, body, field):
    before = (CustomField.objects.count(), AuditEvent.objects.count())
    resp = api(admin_user).post(URL, body)
    assert_error(resp, 422, "validation_failed")
    assert field in resp.json()["error"]["fields"], resp.json()
    assert (CustomField.objects.count(), AuditEvent.objects.count() - 1) == (before[0], before[1])


def test_a_duplicate_key_is_refused(api, admin_user):
    _tier(admin_user)
    resp = api(admin_user).post(
        URL, {"record_type": "person", "key": "tier", "label": "T", "type": "text"}
    )
    assert_error(resp, 422, "validation_failed")
    assert set(resp.json()["error"]["fields"]) == {"key"}
    assert CustomField.objects.count() == 1


def test_type_key_and_record_type_are_fixed(api, admin_user):
    field = _tier(admin_user)
    resp = api(admin_user).patch(f"{URL}/{field.pk}", {"type": "text", "label": "New"})
    assert_error(
        resp, 422, "validation_failed", {"type": "This cannot change: define a new field instead."}
    )
    field.refresh_from_db()
    assert (field.type, field.label) == ("picklist", "Tier")
    ok = api(admin_user).patch(f"{URL}/{field.pk}", {"label": "Level", "options": ["a", "b"]})
    assert ok.status_code == 200 and ok.json()["label"] == "Level"
    assert ok.json()["options"] == ["a", "b"]


def test_oversized_and_nested_values_are_refused(api, admin_user, owner):
    custom_field_create(
        actor=admin_user,
        data={"record_type": "person", "key": "note", "label": "Note", "type": "long_text"},
    )
    rep = api(owner)
    huge = rep.post("/api/v1/people", {"full_name": "A", "custom": {"note": "x" * 20_000}})
    assert_error(huge, 422, "validation_failed")
    assert set(huge.json()["error"]["fields"]) <= {"custom", "custom.note"}
    nested = rep.post("/api/v1/people", {"full_name": "A", "custom": {"note": {"a": [1]}}})
    assert_error(nested, 422, "validation_failed", {"custom.note": "Enter text."})
    not_object = rep.post("/api/v1/people", {"full_name": "A", "custom": ["note"]})
    assert not_object.status_code == 422
    assert Person.objects.count() == 0


def test_filters_and_sorts_use_the_fields_index(
    admin_user, owner, django_capture_on_commit_callbacks
):
    from sambandh.core.listing import ListQuery
    from sambandh.customfields.selectors import custom_list_query

    with django_capture_on_commit_callbacks(execute=True):
        field = _tier(admin_user)
    for i in range(30):
        make_person(owner, full_name=f"P{i}", custom={"tier": "gold" if i % 3 else "silver"})
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
    for filters, sort in (({"custom.tier": "gold"}, ""), ({}, "custom.tier"), ({}, "-custom.tier")):
        qs, order = custom_list_query(
            Person.objects.all(), record_type="person", query=ListQuery(filters=filters, sort=sort)
        )
        plan = qs.order_by(*(order or ["id"]))[:50].explain()
        assert query.index_name(field) in plan, plan
    # the branch of a rep's own records walks the index led by the owner
    for sort in ("custom.tier", "-custom.tier"):
        qs, order = custom_list_query(
            Person.objects.filter(owner=owner), record_type="person", query=ListQuery(sort=sort)
        )
        plan = qs.order_by(*(order or ["id"]))[:50].explain()
        assert query.owner_index_name(field) in plan, plan
    # filtered to one value and sorted by the field, the page is read in the index's order:
    # the ties' order (the default: full name, id), without sorting the matching rows
    for sort in ("custom.tier", "-custom.tier"):
        qs, order = custom_list_query(
            Person.objects.all(),
            record_type="person",
            query=ListQuery(filters={"custom.tier": "gold"}, sort=sort),
        )
        assert order == (["full_name", "id"] if sort[0] != "-" else ["-full_name", "-id"])
        plan = qs.order_by(*(order or ["id"]))[:50].explain()
        assert query.index_name(field) in plan, plan
        assert "TEMP B-TREE" not in plan and "Sort Key" not in plan, plan
        names = list(qs.order_by(*(order or ["id"])).values_list("full_name", flat=True))
        assert names == sorted(names, reverse=sort[0] == "-")
