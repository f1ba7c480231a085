"""Hostile input answers a clear 4xx and changes nothing: ids and filters beyond 64 bits, cursors
and times the database cannot hold, bodies nested thousands deep, unknown query parameters."""

from __future__ import annotations

import base64
import json
import re
from typing import Any

import pytest

from config.api import MAX_BODY_DEPTH
from config.api import api as the_api
from sambandh.activities.models import Activity
from sambandh.contacts.models import Organization, Person, Tag
from sambandh.contacts.services_tags import tag_create
from sambandh.core import registry
from sambandh.core.ids import MAX_ID
from sambandh.core.models import AuditEvent
from sambandh.customfields.services import custom_field_create
from sambandh.sales.models import Deal, Lead, Pipeline, Stage
from tests import factories
from tests.api.helpers import assert_error, snapshot

pytestmark = pytest.mark.django_db

BEYOND_64_BITS = ["99999999999999999999", str(MAX_ID + 1)]
NOT_VALID_CURSOR = {"cursor": "Not valid."}
UNKNOWN = "Unknown field."
OUT_OF_UTC = "Enter a time from the year 1 to 9999 in UTC."
NESTED = "Enter text."


def everything() -> dict[str, int]:
    """How many of each record there are, and how many audit rows: any write changes one."""
    models = (Person, Organization, Deal, Lead, Activity, Tag, Pipeline, Stage, AuditEvent)
    return {model.__name__: model._default_manager.count() for model in models}


def api_operations() -> set[tuple[str, str]]:
    """Every (method, path) the API declares, its path parameter written ``{id}``."""
    return {
        (method, re.sub(r"\{\w+\}", "{id}", path))
        for path, operations in the_api.get_openapi_schema()["paths"].items()
        for method in operations
    }


def raw_post(client: Any, path: str, body: str) -> Any:
    """A POST of ``body`` exactly as written (not JSON-encoded by the test client)."""
    return client.client.post(
        path,
        body,
        content_type="application/json",
        headers={"Authorization": f"Bearer {client.token}"},
    )


@pytest.fixture
def as_owner(api: Any, owner: Any) -> Any:
    """A rep's API client (made before a test counts rows: its token is written with an audit
    row)."""
    return api(owner)


@pytest.fixture
def as_admin(api: Any, admin_user: Any) -> Any:
    return api(admin_user)


@pytest.fixture
def text_field_a(admin_user: Any) -> None:
    """A text custom field ``a`` on every record type."""
    for rt in registry.record_types():
        custom_field_create(
            actor=admin_user, data={"record_type": rt.key, "key": "a", "label": "A", "type": "text"}
        )


@pytest.fixture
def records(owner: Any, pipeline: Any, admin_user: Any) -> dict[str, Any]:
    """One record of each kind the API serves, visible to ``owner``."""
    person = factories.make_person(owner, full_name="Asha Rao")
    return {
        "custom-fields": custom_field_create(
            actor=admin_user,
            data={"record_type": "person", "key": "zone", "label": "Zone", "type": "text"},
        ),
        "people": person,
        "organizations": factories.make_organization(owner, name="Acme"),
        "deals": factories.make_deal(owner, pipeline),
        "leads": factories.make_lead(owner),
        "activities": factories.make_activity(owner, "note", person_id=person.pk),
        "tasks": factories.make_activity(owner, "task", subject="Call back"),
        "pipelines": pipeline,
        "tags": tag_create(actor=owner, name="vip"),
        "users": owner,
    }


# --- 1. ids beyond 64 bits, in paths and in filters -----------------------------------------------
RECORD_KINDS = ("people", "organizations", "deals", "leads", "activities", "tasks")
ID_OPERATIONS = [
    *(
        (method, f"/api/v1/{kind}/{{id}}")
        for kind in (*RECORD_KINDS, "pipelines", "tags")
        for method in ("get", "patch", "delete")
    ),
    ("get", "/api/v1/users/{id}"),
    # privacy (administrators only)
    *((m, "/api/v1/privacy/retention-policies/{id}") for m in ("get", "patch", "delete")),
    ("post", "/api/v1/privacy/retention-policies/{id}/dry-run"),
    ("get", "/api/v1/privacy/requests/{id}"),
    ("get", "/api/v1/privacy/requests/{id}/export"),
    ("post", "/api/v1/privacy/requests/{id}/complete"),
    ("post", "/api/v1/privacy/requests/{id}/erase"),
    ("post", "/api/v1/deals/{id}/move"),
    ("get", "/api/v1/deals/{id}/stage-history"),
    ("post", "/api/v1/leads/{id}/convert"),
    ("post", "/api/v1/tasks/{id}/complete"),
    ("post", "/api/v1/tasks/{id}/reopen"),
    ("post", "/api/v1/activities/{id}/pin"),
    ("delete", "/api/v1/activities/{id}/pin"),
    *((method, "/api/v1/custom-fields/{id}") for method in ("get", "patch", "delete")),
    ("post", "/api/v1/custom-fields/{id}/restore"),
    ("post", "/api/v1/custom-fields/{id}/purge"),
    *(
        operation
        for kind in ("people", "organizations", "deals", "leads", "gadgets")
        for operation in (
            ("get", f"/api/v1/{kind}/{{id}}/shares"),
            ("post", f"/api/v1/{kind}/{{id}}/shares"),
            ("delete", f"/api/v1/{kind}/{{id}}/shares/{{id}}"),
        )
    ),
    *(("get", f"/api/v1/{kind}/{{id}}/timeline") for kind in RECORD_KINDS[:4]),
    ("patch", "/api/v1/users/{id}"),
    ("post", "/api/v1/users/{id}/reassign"),
    *((method, "/api/v1/teams/{id}") for method in ("get", "patch", "delete")),
    ("post", "/api/v1/teams/{id}/members"),
    ("delete", "/api/v1/teams/{id}/members/{id}"),
    ("post", "/api/v1/scheduled-jobs/failed-handler-runs/{id}/retry"),
    ("post", "/api/v1/notifications/{id}/read"),
    ("get", "/api/v1/jobs/{id}"),
    ("post", "/api/v1/jobs/{id}/undo"),
    *(("get", f"/api/v1/imports/{{id}}{end}") for end in ("", "/rows", "/report")),
    ("post", "/api/v1/imports/{id}/undo"),
    ("post", "/api/v1/imports/{id}/cancel"),
    ("get", "/api/v1/emails/{id}"),
    ("post", "/api/v1/emails/{id}/retry"),
    *(
        (method, f"/api/v1/{kind}/{{id}}/attachments")
        for kind in (*RECORD_KINDS[:4], "activities", "gadgets")
        for method in ("get", "post")
    ),
    *(("get", f"/api/v1/attachments/{{id}}{end}") for end in ("", "/download")),
    ("delete", "/api/v1/attachments/{id}"),
    ("get", "/api/v1/recycle-bin/{id}"),
    ("post", "/api/v1/recycle-bin/{id}/restore"),
    ("get", "/api/v1/people/{id}/consents"),
    ("post", "/api/v1/people/{id}/consents"),
    ("post", "/api/v1/audit/{id}/restore"),
    ("get", "/api/v1/merges/{id}"),
    ("post", "/api/v1/merges/{id}/undo"),
    ("delete", "/api/v1/tokens/{id}"),
]


def test_id_operations_are_every_api_operation_with_an_id() -> None:
    assert set(ID_OPERATIONS) == {op for op in api_operations() if "{id}" in op[1]}


@pytest.mark.parametrize("value", BEYOND_64_BITS)
@pytest.mark.parametrize(("method", "path"), ID_OPERATIONS)
def test_id_beyond_64_bits_in_api_path_answers_404(as_admin, records, method, path, value):
    # given every kind of record, and an administrator who may change them all
    before = everything()
    # when an operation names an id the database cannot hold (with a body, so that nothing but
    # the id could be refused)
    url = path.format(id=value)
    body = {"version": 1, **({"stage_id": records["deals"].stage_id} if "move" in path else {})}
    if method == "get":
        resp = as_admin.get(url)
    elif method == "delete":
        resp = as_admin.delete(url + "?version=1")
    else:
        resp = getattr(as_admin, method)(url, body)
    # then the API's 404, and nothing changed
    assert_error(resp, 404, "not_found", {})
    assert everything() == before


def test_the_largest_id_reaches_the_endpoint_and_the_next_matches_no_path(as_owner, records):
    # when a rep reads the largest id a record may have, and the next one up
    largest = as_owner.get(f"/api/v1/people/{MAX_ID}")
    beyond = as_owner.get(f"/api/v1/people/{MAX_ID + 1}")
    # then the endpoint looked the first up (no such person); the second matched no path
    assert_error(largest, 404, "not_found", {})
    assert largest.json()["error"]["message"] == "No such person."
    assert_error(beyond, 404, "not_found", {})
    assert beyond.json()["error"]["message"] == "No such API path."


ID_FILTERS = [
    # each list, and its export (sambandh/exports), which takes the same filters
    *(
        (f"{path}{export}", name)
        for export in ("", "/export")
        for path, names in (
            ("/api/v1/people", ("organization_id", "owner_id", "import")),
            ("/api/v1/organizations", ("parent_id", "owner_id", "import")),
            (
                "/api/v1/deals",
                ("pipeline_id", "stage_id", "owner_id", "organization_id", "person_id", "import"),
            ),
            ("/api/v1/leads", ("owner_id", "import")),
        )
        for name in names
    ),
    ("/api/v1/audit", "record_id"),
    ("/api/v1/audit", "actor_id"),
    *(
        (path, name)
        for path in ("/api/v1/activities", "/api/v1/activities/export", "/api/v1/tasks")
        for name in (
            "person_id",
            "organization_id",
            "deal_id",
            "lead_id",
            "owner_id",
            "assignee_id",
        )
    ),
]


def test_id_filters_are_every_id_filter_of_every_api_list() -> None:
    declared = {
        (path, param["name"])
        for path, operations in the_api.get_openapi_schema()["paths"].items()
        for param in operations.get("get", {}).get("parameters", [])
        # "import" is an id too: the import's whose records the list shows
        if param["in"] == "query" and (param["name"].endswith("_id") or param["name"] == "import")
    }
    assert set(ID_FILTERS) == declared


@pytest.mark.parametrize("value", [*BEYOND_64_BITS, "100000000000000000000", "1e20"])
@pytest.mark.parametrize(("path", "name"), ID_FILTERS)
def test_id_filter_beyond_64_bits_answers_422_naming_it(as_owner, records, path, name, value):
    resp = as_owner.get(path, {name: value})
    assert_error(resp, 422, "validation_failed")
    assert set(resp.json()["error"]["fields"]) == {name}


@pytest.mark.parametrize(("path", "name"), ID_FILTERS)
def test_the_largest_id_as_a_filter_answers_an_empty_page(as_owner, as_admin, records, path, name):
    client = as_admin if path == "/api/v1/audit" else as_owner  # the audit search: admins only
    resp = client.get(path, {name: str(MAX_ID)})
    assert resp.status_code == 200, resp.content
    if path.endswith("/export"):  # a CSV of the header alone
        lines = b"".join(resp.streaming_content).decode("utf-8-sig").strip().splitlines()
        assert len(lines) == 1 and "," in lines[0]
        return
    assert resp.json() == {"items": [], "next": None}


# --- 2. cursors holding what the database cannot hold ---------------------------------------------
def cursor(*values: Any) -> str:
    """A cursor as the API writes one (pagination.encode_cursor), with these values."""
    raw = json.dumps(list(values), separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    ("path", "sort", "values"),
    [
        ("/api/v1/people", "name", ["Asha Rao", "100000000000000000000"]),
        ("/api/v1/people", "name", ["Asha Rao", str(-MAX_ID - 2)]),
        ("/api/v1/people", "-updated", ["9999-12-31T23:59:59-14:00", "1"]),
        ("/api/v1/people", "-updated", ["0001-01-01T00:00:00+14:00", "1"]),
        ("/api/v1/people", "-updated", ["2025-01-01T00:00:00", "1"]),  # no offset: not ours
        ("/api/v1/deals", "-amount", ["1e1000", "1"]),
        ("/api/v1/deals", "-amount", ["100000000000000000000", "1"]),
        ("/api/v1/tasks", "due", ["9999-12-31T23:59:59-14:00", "1"]),
        ("/api/v1/users", None, ["Olivia Owner", "99999999999999999999"]),
    ],
)
def test_cursor_holding_out_of_range_values_answers_422(as_owner, records, path, sort, values):
    params = {"cursor": cursor(*values), **({"sort": sort} if sort else {})}
    resp = as_owner.get(path, params)
    assert_error(resp, 422, "validation_failed", NOT_VALID_CURSOR)


def test_a_cursor_the_api_wrote_still_reads_the_next_page(as_owner, owner, records):
    # given a second person, and the first page of one person by name
    factories.make_person(owner, full_name="Bela Das")
    first = as_owner.get("/api/v1/people", {"limit": 1})
    # when the next page is read with the cursor the API wrote
    second = as_owner.get("/api/v1/people", {"limit": 1, "cursor": first.json()["next"]})
    # then it is the second person
    assert second.status_code == 200, second.content
    assert [p["full_name"] for p in second.json()["items"]] == ["Bela Das"]


# --- 3. person_ids beyond 64 bits -----------------------------------------------------------------
@pytest.mark.parametrize("value", [1e20, 100000000000000000000, MAX_ID + 1])
def test_person_ids_beyond_64_bits_answers_422_and_creates_nothing(as_owner, records, value):
    before = everything()
    resp = as_owner.post("/api/v1/deals", {"name": "x", "person_ids": [value]})
    assert_error(resp, 422, "validation_failed")
    assert set(resp.json()["error"]["fields"]) == {"person_ids.0"}
    assert everything() == before


def test_person_ids_beyond_64_bits_in_an_update_changes_nothing(as_owner, records):
    deal = records["deals"]
    before = snapshot(deal)
    resp = as_owner.patch(
        f"/api/v1/deals/{deal.pk}", {"person_ids": [MAX_ID + 1], "version": deal.version}
    )
    assert_error(resp, 422, "validation_failed")
    assert set(resp.json()["error"]["fields"]) == {"person_ids.0"}
    assert snapshot(deal) == before


# --- 4. times UTC cannot hold ---------------------------------------------------------------------
@pytest.mark.parametrize("when", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00"])
@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/api/v1/tasks", {"subject": "x"}, "due_at"),
        ("/api/v1/activities", {"kind": "task", "subject": "x"}, "due_at"),
        ("/api/v1/activities", {"kind": "call", "subject": "x"}, "occurred_at"),
        ("/api/v1/activities", {"kind": "meeting", "subject": "x"}, "ends_at"),
    ],
)
def test_time_utc_cannot_hold_answers_422_and_creates_nothing(
    as_owner, records, path, body, field, when
):
    # given the writer's person, for the activities that must be on a record
    before = everything()
    body = {**body, "person_id": records["people"].pk, field: when}
    # when the time converted to UTC falls outside the years 1 to 9999
    resp = as_owner.post(path, body)
    # then it is refused, naming the field, and nothing was written
    assert_error(resp, 422, "validation_failed", {field: OUT_OF_UTC})
    assert everything() == before


def test_due_at_in_an_update_that_utc_cannot_hold_changes_nothing(as_owner, records):
    task = records["tasks"]
    before = snapshot(task)
    resp = as_owner.patch(
        f"/api/v1/tasks/{task.pk}",
        {"due_at": "0001-01-01T00:00:00+14:00", "version": task.version},
    )
    assert_error(resp, 422, "validation_failed", {"due_at": OUT_OF_UTC})
    assert snapshot(task) == before


def test_the_first_and_last_times_utc_holds_are_accepted(as_owner):
    first = as_owner.post("/api/v1/tasks", {"subject": "x", "due_at": "0001-01-01T14:00:00+14:00"})
    last = as_owner.post("/api/v1/tasks", {"subject": "y", "due_at": "9999-12-31T09:59:59-14:00"})
    assert (first.status_code, last.status_code) == (201, 201), (first.content, last.content)
    assert first.json()["due_at"] == "0001-01-01T00:00:00Z"
    assert last.json()["due_at"] == "9999-12-31T23:59:59Z"


# --- 5. bodies and custom values nested deep ------------------------------------------------------
def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.parametrize("depth", [MAX_BODY_DEPTH, 10_000])
def test_custom_value_nested_deep_answers_400_and_creates_nothing(as_owner, depth):
    before = everything()
    resp = raw_post(
        as_owner, "/api/v1/people", f'{{"full_name": "x", "custom": {{"a": {nested(depth)}}}}}'
    )
    assert_error(resp, 400, "bad_request", {})
    assert everything() == before


@pytest.mark.parametrize("depth", [MAX_BODY_DEPTH + 1, 10_000])
def test_body_nested_deep_answers_400_and_creates_nothing(as_owner, depth):
    before = everything()
    resp = raw_post(as_owner, "/api/v1/people", nested(depth))
    assert_error(resp, 400, "bad_request", {})
    assert everything() == before


@pytest.mark.parametrize("value", ["NaN", "Infinity", "-Infinity", "1e400"])
def test_custom_number_json_cannot_spell_answers_400_and_creates_nothing(as_owner, value):
    before = everything()
    resp = raw_post(as_owner, "/api/v1/people", f'{{"full_name": "x", "custom": {{"a": {value}}}}}')
    assert_error(resp, 400, "bad_request", {})
    assert everything() == before


@pytest.mark.parametrize("value", [[[1]], [{"b": 1}], {"b": 1}, [[]]])
@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/v1/people", {"full_name": "x"}),
        ("/api/v1/organizations", {"name": "x"}),
        ("/api/v1/leads", {"full_name": "x"}),
        ("/api/v1/deals", {"name": "x"}),
        ("/api/v1/tasks", {"subject": "x"}),
    ],
)
def test_custom_value_nested_in_a_list_or_object_answers_422_naming_it(
    as_owner, pipeline, text_field_a, path, body, value
):
    before = everything()
    resp = as_owner.post(path, {**body, "custom": {"a": value}})
    assert_error(resp, 422, "validation_failed", {"custom.a": NESTED})
    assert everything() == before


def test_custom_value_nested_in_an_update_changes_nothing(as_owner, records, text_field_a):
    person = records["people"]
    before = snapshot(person)
    resp = as_owner.patch(
        f"/api/v1/people/{person.pk}", {"custom": {"a": [[1]]}, "version": person.version}
    )
    assert_error(resp, 422, "validation_failed", {"custom.a": NESTED})
    assert snapshot(person) == before


def test_custom_plain_values_and_lists_of_them_are_kept(as_owner, admin_user):
    for key, kind, options in (
        ("a", "multi_picklist", ["x", "y", "z"]),
        ("b", "text", None),
        ("c", "number", None),
        ("d", "boolean", None),
        ("e", "text", None),
    ):
        custom_field_create(
            actor=admin_user,
            data={"record_type": "person", "key": key, "label": key, "type": kind}
            | ({"options": options} if options else {}),
        )
    custom = {"a": ["z", "x"], "b": "y", "c": 1.5, "d": False, "e": None}
    resp = as_owner.post("/api/v1/people", {"full_name": "x", "custom": custom})
    assert resp.status_code == 201, resp.content
    # a multi-select keeps the options' order; null leaves a field unset
    assert resp.json()["custom"] == {"a": ["x", "z"], "b": "y", "c": 1.5, "d": False}


# --- 6. unknown query parameters ------------------------------------------------------------------
GETS = sorted(op[1] for op in api_operations() if op[0] == "get")


def test_gets_are_the_api_reads() -> None:
    some = {"/api/v1/people", "/api/v1/people/{id}", "/api/v1/users/me", "/api/v1/search"}
    assert some | {"/api/v1/deals/{id}/stage-history"} <= set(GETS)


@pytest.mark.parametrize("path", GETS)
def test_unknown_query_parameter_answers_422_naming_it(as_owner, records, path):
    # given a read of every kind (a list, a record, the search, the viewer)
    kind = path.split("/")[3]
    url = path.format(id=records[kind].pk if kind in records else 0)
    params = {"q": "Asha"} if kind == "search" else {}
    # when it is sent with a parameter it does not declare
    resp = as_owner.get(url, {**params, "custom.loyalty_tier": "gold"})
    # then it is refused, naming the parameter, as an unknown body field is (a list that
    # takes custom field filters says no such custom field is defined)
    lists = {
        f"/api/v1/{kind}{export}"
        for kind in ("people", "organizations", "deals", "leads")
        for export in ("", "/export")
    }
    activities = {"/api/v1/activities", "/api/v1/activities/export"}
    message = "Unknown custom field." if path in lists | activities else UNKNOWN
    assert_error(resp, 422, "validation_failed", {"custom.loyalty_tier": message})


def test_every_unknown_query_parameter_is_named_and_declared_ones_are_not(as_owner, owner, records):
    resp = as_owner.get(
        "/api/v1/people", {"owner_id": owner.pk, "custom.tier": "gold", "colour": "red"}
    )
    assert_error(
        resp,
        422,
        "validation_failed",
        {"custom.tier": "Unknown custom field.", "colour": UNKNOWN},
    )


def test_unknown_query_parameter_on_a_create_answers_422_and_creates_nothing(as_owner):
    before = everything()
    resp = as_owner.post("/api/v1/people?notify=yes", {"full_name": "Asha Rao"})
    assert_error(resp, 422, "validation_failed", {"notify": UNKNOWN})
    assert everything() == before


def test_unknown_query_parameter_on_an_update_changes_nothing(as_owner, records):
    person = records["people"]
    before = snapshot(person)
    resp = as_owner.patch(
        f"/api/v1/people/{person.pk}?notify=yes", {"job_title": "CEO", "version": person.version}
    )
    assert_error(resp, 422, "validation_failed", {"notify": UNKNOWN})
    assert snapshot(person) == before


def test_delete_takes_its_version_from_the_query_and_nothing_else(as_owner, records):
    person = records["people"]
    before = snapshot(person)
    refused = as_owner.delete(f"/api/v1/people/{person.pk}?version={person.version}&force=1")
    assert_error(refused, 422, "validation_failed", {"force": UNKNOWN})
    assert snapshot(person) == before
    deleted = as_owner.delete(f"/api/v1/people/{person.pk}?version={person.version}")
    assert deleted.status_code == 204, deleted.content
    assert not Person.objects.filter(pk=person.pk).exists()


def test_unknown_query_parameter_without_a_token_answers_401(as_owner):
    resp = as_owner.client.get("/api/v1/people", {"custom.loyalty_tier": "gold"})  # no token
    assert_error(resp, 401, "unauthorized", {})


def test_more_query_parameters_than_django_reads_answers_400(as_owner, records):
    url = f"/api/v1/people/{records['people'].pk}?"
    resp = as_owner.get(url + "&".join(f"p{i}=1" for i in range(2001)))
    assert_error(resp, 400, "bad_request", {})


# Digits str.isdigit() accepts and int() refuses ("²", "³": superscripts) once reached int() and
# answered 500 (found by bench/api_fuzz.py on /scheduling/working-hours).
@pytest.mark.parametrize("digits", ["³", "1²", "①"])
@pytest.mark.parametrize("param", ["user_ids", "person_ids", "organization_ids"])
def test_digits_int_refuses_answer_422_naming_the_parameter(as_owner, digits, param):
    resp = as_owner.get("/api/v1/scheduling/working-hours", {param: digits})
    assert_error(resp, 422, "validation_failed", {param: "Give up to 50 ids separated by commas."})


# An offset cursor of twenty digits passed the schema and overflowed the database's integer
# (found by bench/api_fuzz.py on /privacy/requests).
@pytest.mark.parametrize("cursor", ["97428901966303309494", "9223372036854775808", "1234567890"])
def test_an_offset_cursor_past_nine_digits_answers_422(as_admin, cursor):
    resp = as_admin.get("/api/v1/privacy/requests", {"cursor": cursor})
    assert resp.status_code == 422
    assert "cursor" in resp.json()["error"]["fields"]
    assert as_admin.get("/api/v1/privacy/requests", {"cursor": "999999999"}).status_code == 200
