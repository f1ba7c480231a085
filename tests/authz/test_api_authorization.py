"""Every API route, as the owner, a teammate, a manager, an outsider, a read-only user and an
admin (tests/authz/world.py): what each may see and do, that no answer shows a record they may
not see (by name, anywhere in the body, errors included), and that a denied request changes
nothing.

The routes come from the OpenAPI document, and each must have a case here: a new route without
one fails ``test_every_api_route_has_an_authorization_case``, so the suite grows with the API.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pytest

from config.api import api as ninja_api
from conftest import ApiClient
from sambandh.accounts.models import RecordShare, Team, User
from sambandh.core.models import AuditEvent
from tests.authz.world import (
    ROLES,
    World,
    build_world,
    world_bin_entry,
    world_import,
    world_job,
    world_privacy_request,
    world_retention_policy,
)

pytestmark = pytest.mark.django_db

V1 = "/api/v1"
# The first segment of a record route, and the kind of record in the world it names.
KINDS = {
    "people": "person",
    "organizations": "organization",
    "deals": "deal",
    "leads": "lead",
    "activities": "activity",
    "tasks": "task",
    "gadgets": "gadget",
}
SHAREABLE = ("person", "organization", "deal", "lead", "gadget")
TEAM_A = {"owner", "manager", "readonly", "admin"}


def sees(kind: str, side: str) -> set[str]:
    """Who may see the world's record of ``kind`` on ``side``."""
    if side == "hidden":
        return {"outsider", "admin"}
    if kind == "activity":
        # The owner's call is on the outsider's deal too: the outsider sees it there.
        return TEAM_A | {"outsider"}
    return set(TEAM_A)


def changes(kind: str, side: str) -> set[str]:
    """Who may change it (and share it, for shareable kinds): never the read-only user, and an
    activity only by its author, their managers and admins."""
    if side == "hidden":
        return {"outsider", "admin"}
    return {"owner", "manager", "admin"}


def operations() -> set[tuple[str, str]]:
    schema = ninja_api.get_openapi_schema()
    return {
        (method, path.removeprefix(V1)) for path, ops in schema["paths"].items() for method in ops
    }


@dataclass(frozen=True)
class Case:
    how: str  # read | write | share | list | create | admin | admin_read | pipelines | tags | open
    body: Any = None


def _record_case(method: str, path: str) -> Case:
    kind = KINDS[path.split("/")[1]]
    if path.endswith("/shares") and method == "post":
        return Case("share", {"user_id": "teammate", "access": "read"})
    if "/shares/" in path:
        return Case("share")
    if path.endswith("/attachments") and method == "post":
        return Case("attachment")  # multipart (test_attachment_authorization.py)
    if method == "get":
        return Case("read")
    bodies = {
        "person": {"job_title": "Changed"},
        "organization": {"industry": "Changed"},
        "deal": {"description": "Changed"},
        "lead": {"source": "Changed"},
        "activity": {"body": "Changed"},
        "task": {"body": "Changed"},
    }
    if path.endswith("/move"):
        return Case("write", {"stage_id": "other stage"})
    if path.endswith(("/convert", "/complete", "/reopen", "/pin")) or method == "delete":
        return Case("write", {})
    return Case("write", bodies[kind])


CASES: dict[tuple[str, str], Case] = {}
for _method, _path in sorted(operations()):
    _segment = _path.split("/")[1]
    if _segment in KINDS and "{" in _path:
        CASES[(_method, _path)] = _record_case(_method, _path)
    elif _method == "get":
        CASES[(_method, _path)] = Case("list" if _segment in KINDS else "open")
CREATES = {
    ("post", "/people"): {"full_name": "New person"},
    ("post", "/organizations"): {"name": "New organization"},
    ("post", "/deals"): {"name": "New deal", "currency": "INR"},
    ("post", "/leads"): {"full_name": "New lead"},
    ("post", "/activities"): {"kind": "note", "body": "A new note", "person_id": "own person"},
    ("post", "/tasks"): {"subject": "A new task"},
}
CASES.update({op: Case("create", body) for op, body in CREATES.items()})
CASES.update(
    {
        ("post", "/users"): Case("admin", {"email": "new@example.com", "role": "sales_rep"}),
        ("patch", "/users/{user_id}"): Case("admin", {"full_name": "Renamed"}),
        ("post", "/users/{user_id}/reassign"): Case("admin", {"to_user_id": "owner"}),
        ("post", "/teams"): Case("admin", {"name": "Team C"}),
        ("patch", "/teams/{team_id}"): Case("admin", {"name": "Team B renamed"}),
        ("delete", "/teams/{team_id}"): Case("admin"),
        ("post", "/teams/{team_id}/members"): Case("admin", {"user_id": "teammate"}),
        ("delete", "/teams/{team_id}/members/{user_id}"): Case("admin"),
        ("put", "/company-settings"): Case(
            "admin", {"language": "en", "time_zone": "Asia/Kolkata", "currency": "INR"}
        ),
        ("post", "/exchange-rates"): Case(
            "admin", {"base": "USD", "quote": "INR", "rate": "83.25", "date": "2026-06-30"}
        ),
        ("put", "/field-permissions"): Case(
            "admin", {"record_type": "person", "field": "phones", "hidden_from": ["marketer"]}
        ),
        ("post", "/pipelines"): Case(
            "pipelines", {"name": "Renewals", "stages": [{"name": "Open"}]}
        ),
        ("patch", "/pipelines/{pipeline_id}"): Case("pipelines", {"name": "Renamed"}),
        ("delete", "/pipelines/{pipeline_id}"): Case("pipelines"),
        ("post", "/tags"): Case("create", {"name": "new tag"}),
        ("patch", "/tags/{tag_id}"): Case("tags", {"name": "renamed tag", "version": 1}),
        ("delete", "/tags/{tag_id}"): Case("tags"),
        ("post", "/custom-fields"): Case(
            "admin", {"record_type": "person", "key": "new_tier", "label": "New", "type": "text"}
        ),
        ("patch", "/custom-fields/{field_id}"): Case("admin", {"label": "Renamed"}),
        ("delete", "/custom-fields/{field_id}"): Case("admin"),
        ("post", "/custom-fields/{field_id}/restore"): Case("admin", {}),
        ("post", "/custom-fields/{field_id}/purge"): Case("admin", {}),
        ("get", "/scheduled-jobs"): Case("admin_read"),
        ("get", "/scheduled-jobs/failed-handler-runs"): Case("admin_read"),
        ("post", "/scheduled-jobs/failed-handler-runs/{run_id}/retry"): Case("admin", {}),
        ("post", "/notifications/read-all"): Case("self", {}),
        # one's own formats (tests/api/test_locale_formats.py): no one else's to reach
        ("patch", "/users/me"): Case("self", {"format_locale": "en-IN"}),
        ("put", "/notifications/digest"): Case("self", {"daily": True}),
        ("post", "/notifications/{notification_id}/read"): Case("self", {}),
        # bulk actions and their jobs (test_bulk_authorization.py)
        **{
            ("post", f"/{records}/bulk"): Case("bulk")
            for records in ("people", "organizations", "deals", "leads", "activities")
        },
        ("get", "/jobs/{job_id}"): Case("job_read"),
        ("post", "/jobs/{job_id}/undo"): Case("job_undo", {}),
        # imports (sambandh/imports/tests/test_api.py): a job is its actor's and the
        # administrators'; an upload is multipart; presets are saved by anyone who may write
        **{
            ("get", f"/imports/{{import_id}}{end}"): Case("job_read")
            for end in ("", "/rows", "/report")
        },
        ("post", "/imports"): Case("import"),
        ("post", "/imports/{import_id}/undo"): Case("import", {}),
        ("post", "/imports/{import_id}/cancel"): Case("import", {}),
        ("post", "/imports/presets"): Case(
            "create", {"name": "Authz", "record_type": "people", "mapping": {"Name": "full_name"}}
        ),
        # emails sent from records (test_email_authorization.py)
        ("post", "/emails"): Case("email"),
        ("get", "/emails/{activity_id}"): Case("email"),
        ("post", "/emails/{activity_id}/retry"): Case("email"),
        # the files themselves (test_attachment_authorization.py); listing a record's files
        # is a "read" case, and an upload is an "attachment" case (above)
        ("get", "/attachments/{attachment_id}"): Case("attachment"),
        ("get", "/attachments/{attachment_id}/download"): Case("attachment"),
        ("delete", "/attachments/{attachment_id}"): Case("attachment"),
        # recording a person's consent: who may change the person (as a share is checked: the
        # body takes no version, the ledger only appends)
        ("post", "/people/{person_id}/consents"): Case(
            "share", {"purpose": "newsletter", "status": "granted", "source": "authz test"}
        ),
        # the recycle bin: an entry is its owner's and the admins' (test_recycle_authorization)
        ("get", "/recycle-bin/{entry_id}"): Case("job_read"),
        ("post", "/recycle-bin/{entry_id}/restore"): Case("bin_restore", {}),
        # privacy: administrators only; the one-time export (test_privacy_authorization.py)
        ("get", "/privacy/requests"): Case("admin_read"),
        ("get", "/privacy/requests/{request_id}"): Case("admin_read"),
        ("get", "/privacy/requests/{request_id}/export"): Case("privacy_export"),
        ("post", "/privacy/requests"): Case(
            "admin", {"type": "correction", "person_id": "own person"}
        ),
        ("post", "/privacy/requests/{request_id}/erase"): Case("admin", {}),
        ("post", "/privacy/requests/{request_id}/complete"): Case("admin", {"notes": "Done"}),
        ("get", "/privacy/retention-policies"): Case("admin_read"),
        ("get", "/privacy/retention-policies/{policy_id}"): Case("admin_read"),
        ("post", "/privacy/retention-policies"): Case(
            "admin", {"record_type": "person", "days": 30, "action": "delete"}
        ),
        ("patch", "/privacy/retention-policies/{policy_id}"): Case("admin", {"days": 60}),
        ("delete", "/privacy/retention-policies/{policy_id}"): Case("admin"),
        ("post", "/privacy/retention-policies/{policy_id}/dry-run"): Case("admin", {}),
        ("get", "/privacy/settings"): Case("admin_read"),
        ("put", "/privacy/settings"): Case("admin", {"dpdp_days": 40}),
        # the audit trail: the search is the administrators'; a restore is a record's write
        # (test_who_may_restore_a_value_from_a_records_history)
        ("get", "/audit"): Case("admin_read"),
        ("post", "/audit/{event_id}/restore"): Case("audit_restore", {}),
    }
)


def test_every_api_route_has_an_authorization_case():
    assert operations() == set(CASES)


# --- reading ------------------------------------------------------------------------------------
def _kind(path: str) -> str:
    """The kind of the world's record a route acts on (a pin acts on a note)."""
    if path.endswith("/pin"):
        return "note"
    return KINDS.get(path.split("/")[1], "")


def _ids(world: World, path: str, side: str) -> dict[str, Any]:
    """The values of a route's path parameters for the world's record on ``side``."""
    kind = _kind(path)
    values: dict[str, Any] = {}
    for name in re.findall(r"\{(\w+)\}", path):
        if name == "share_id":
            values[name] = world.share_ids[f"{kind}:{side}"]
        elif name == "user_id":
            values[name] = world.user("teammate").pk
        elif name == "team_id":
            values[name] = world.extra["team_b"].pk
        elif name == "pipeline_id":
            values[name] = world.pipeline.pk
        elif name == "field_id":
            values[name] = _custom_field(world).pk
        elif name == "run_id":
            values[name] = _failed_handler_run().pk
        elif name == "job_id":
            values[name] = world_job(world).pk
        elif name == "import_id":
            values[name] = world_import(world).pk
        elif name == "entry_id":
            values[name] = world_bin_entry(world).pk
        elif name == "request_id":
            values[name] = world_privacy_request(world).pk
        elif name == "policy_id":
            values[name] = world_retention_policy(world).pk
        elif name == "tag_id":
            from sambandh.contacts.models import Tag

            values[name] = Tag.objects.get_or_create(name="vip")[0].pk
        else:
            values[name] = world.records[kind][side].pk
    return values


def _custom_field(world: World) -> Any:
    """The world's custom field (made by its admin, once)."""
    from sambandh.customfields.models import CustomField
    from sambandh.customfields.services import custom_field_create

    found = CustomField.objects.filter(key="authz_tier").first()
    return found or custom_field_create(
        actor=world.user("admin"),
        data={"record_type": "person", "key": "authz_tier", "label": "Tier", "type": "text"},
    )


def _failed_handler_run() -> Any:
    from sambandh.events.models import Event, HandlerRun, RunStatus

    event = Event.objects.create(type="person.updated", record_type="person", record_id=1)
    return HandlerRun.objects.create(
        event=event, handler="test.broken", status=RunStatus.FAILED, attempts=5, last_error="boom"
    )


def _url(world: World, path: str, side: str = "own") -> str:
    return V1 + path.format(**_ids(world, path, side))


def _head(resp: Any) -> bytes:
    return b"(streamed)" if resp.streaming else resp.content[:300]


def _assert_no_secret(world: World, role: str, resp: Any, what: str) -> None:
    raw = b"".join(resp.streaming_content) if resp.streaming else resp.content
    body = world.readable(raw.decode("utf-8", "replace"))
    for secret in world.secrets(role):
        assert secret not in body, f"{role} got a {secret} name from {what}: {body[:500]}"


SEARCHES = ["Zircon", "HIDDENORG", "Yak", "Priya", "OWNPERSON", "Oscar", "HIDDENCONV", "Orion"]


@pytest.mark.parametrize("role", ROLES)
def test_what_each_role_reads_through_every_api_route(role):
    # given the world, and the role's client
    world = build_world()
    client = ApiClient(world.user(role))
    for (method, path), case in sorted(CASES.items()):
        if method != "get":
            continue
        if case.how in ("email", "privacy_export"):
            continue  # test_email_authorization.py, test_privacy_authorization.py
        if case.how == "read":
            kind = KINDS[path.split("/")[1]]
            for side in ("own", "hidden"):
                # when the role reads the record of each side
                resp = client.get(_url(world, path, side))
                # then it is there when they may see it, and a 404 like a missing one when not
                expected = 200 if role in sees(kind, side) else 404
                assert resp.status_code == expected, (role, path, side, _head(resp))
                _assert_no_secret(world, role, resp, f"{path} ({side})")
        elif case.how == "admin_read":
            resp = client.get(_url(world, path))
            assert resp.status_code == (200 if role == "admin" else 403), (role, path)
        elif case.how == "attachment":
            continue  # test_attachment_authorization.py
        elif case.how == "job_read":
            # a bulk job: its actor's and the administrators', a 404 to everyone else
            resp = client.get(_url(world, path))
            assert resp.status_code == (200 if role in ("owner", "admin") else 404), (role, path)
            _assert_no_secret(world, role, resp, path)
        else:
            params = {"q": "Priya"} if path == "/search" else {}
            resp = client.get(_url(world, path), params)
            assert resp.status_code == 200, (role, path, _head(resp))
            _assert_no_secret(world, role, resp, path)
    for q in SEARCHES:
        resp = client.get(f"{V1}/search", {"q": q})
        assert resp.status_code == 200
        _assert_no_secret(world, role, resp, f"search {q}")


@pytest.mark.parametrize("role", ROLES)
def test_each_role_reads_only_their_own_notifications(role):
    from sambandh.notifications.models import Notification
    from sambandh.notifications.services import notify

    # given a notification for the role and one for someone else
    world = build_world()
    others = [r for r in ROLES if r != role]
    mine = notify(user_id=world.user(role).pk, kind="assigned", key="authz:mine")
    theirs = notify(user_id=world.user(others[0]).pk, kind="assigned", key="authz:theirs")
    assert mine is not None and theirs is not None
    client = ApiClient(world.user(role))
    # then they list theirs only, may not mark someone else's read (404, nothing changed)
    listed = client.get(f"{V1}/notifications").json()["items"]
    assert [n["id"] for n in listed] == [mine.pk]
    resp = client.post(f"{V1}/notifications/{theirs.pk}/read", {})
    assert resp.status_code == 404
    assert Notification.objects.get(pk=theirs.pk).read_at is None
    # and mark their own read, one or all, leaving the other's unread
    assert client.post(f"{V1}/notifications/{mine.pk}/read", {}).status_code == 200
    assert client.post(f"{V1}/notifications/read-all", {}).status_code == 200
    assert Notification.objects.get(pk=theirs.pk).read_at is None


# --- writing ------------------------------------------------------------------------------------
def _state() -> dict[str, Any]:
    """Everything a denied write must leave as it was."""
    from sambandh.activities.models import Activity
    from sambandh.bulk.models import BulkItem, BulkJob
    from sambandh.consents.models import Consent
    from sambandh.contacts.models import Organization, Person
    from sambandh.customfields.models import CustomField
    from sambandh.events.models import HandlerRun
    from sambandh.privacy.models import (
        DataSubjectRequest,
        PrivacySettings,
        RetentionPolicy,
        RetentionRun,
        SuppressedContact,
    )
    from sambandh.recyclebin.models import BinEntry
    from sambandh.sales.models import Deal, Lead, Pipeline
    from tests.registry_app.models import Gadget

    return {
        model.__name__: sorted(model._default_manager.values_list())
        for model in (
            Person,
            Organization,
            Deal,
            Lead,
            Activity,
            Gadget,
            Pipeline,
            User,
            Team,
            CustomField,
            HandlerRun,
            BulkJob,
            BulkItem,
            BinEntry,
            Consent,
            DataSubjectRequest,
            RetentionPolicy,
            RetentionRun,
            PrivacySettings,
            SuppressedContact,
        )
    } | {
        "shares": sorted(RecordShare.objects.values_list()),
        "audit": AuditEvent.objects.count(),
    }


def _body(world: World, case: Case, path: str, side: str) -> Any:
    body = dict(case.body or {})
    kind = _kind(path)
    for key, value in list(body.items()):
        if value in ROLES:
            body[key] = world.user(value).pk
        elif value == "own person":
            body[key] = world.records["person"]["own"].pk
        elif value == "other stage":
            deal = world.records["deal"][side]
            body[key] = world.pipeline.stages.exclude(pk=deal.stage_id).first().pk
    if case.how == "write":
        body.setdefault("version", world.records[kind][side].version)
    return body


def _send(client: ApiClient, method: str, url: str, body: Any) -> Any:
    if method == "delete":
        return client.delete(url)
    return getattr(client, method)(url, body)


RECORD_WRITES = [
    (method, path)
    for (method, path), case in sorted(CASES.items())
    if case.how in ("write", "share")
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("method", "path"), RECORD_WRITES)
@pytest.mark.parametrize("side", ["own", "hidden"])
def test_who_may_change_each_record_through_the_api(method, path, side, role):
    # given the world
    world = build_world()
    case = CASES[(method, path)]
    kind = _kind(path)
    url = _url(world, path, side)
    if method == "delete" and case.how == "write":
        url += f"?version={world.records[kind][side].version}"
    client = ApiClient(world.user(role))  # (its token is audited: made before the snapshot)
    before = _state()
    # when the role changes (or shares) the record of that side
    body = _body(world, case, path, side) if method != "delete" else None
    resp = _send(client, method, url, body)
    # then it is done by those who may, refused (403) to those who see it but may not, and a
    # 404 for those who may not see it; a refusal changes nothing
    allowed = changes(kind, side)
    if role in allowed:
        assert resp.status_code in (200, 201, 204), (role, path, side, _head(resp))
    else:
        expected = 403 if role in sees(kind, side) else 404
        assert resp.status_code == expected, (role, path, side, _head(resp))
        assert _state() == before
    _assert_no_secret(world, role, resp, f"{method} {path} ({side})")


OTHER_WRITES = [
    (method, path)
    for (method, path), case in sorted(CASES.items())
    if case.how in ("create", "admin", "pipelines", "tags")
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("method", "path"), OTHER_WRITES)
def test_who_may_create_and_configure_through_the_api(method, path, role):
    world = build_world()
    case = CASES[(method, path)]
    url = _url(world, path)
    if path == "/teams/{team_id}":
        url = V1 + f"/teams/{world.extra['empty_team'].pk}"
    if path == "/teams/{team_id}/members/{user_id}":
        url = V1 + f"/teams/{world.extra['team_b'].pk}/members/{world.user('outsider').pk}"
    body = _body(world, case, path, "own")
    if path in ("/pipelines/{pipeline_id}", "/company-settings"):
        body["version"] = world.pipeline.version if "pipelines" in path else 1
    if method == "delete" and path in ("/pipelines/{pipeline_id}", "/tags/{tag_id}"):
        url += "?version=1"
    client = ApiClient(world.user(role))
    before = _state()
    resp = _send(client, method, url, body)
    may = {
        "create": set(ROLES) - {"readonly"},
        "admin": {"admin"},
        "pipelines": {"admin", "manager"},
        "tags": {"admin", "manager"},
    }[case.how]
    if role in may:
        # (a pipeline with deals cannot be deleted: a clear 422, nothing changed)
        assert resp.status_code in (200, 201, 204, 422), (role, path, _head(resp))
        if resp.status_code == 422:
            assert _state() == before
    else:
        assert resp.status_code == 403, (role, path, _head(resp))
        assert _state() == before
    _assert_no_secret(world, role, resp, f"{method} {path}")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("side", ["own", "hidden"])
def test_who_may_restore_a_value_from_a_records_history(side, role):
    # given the world's person on that side and the audit row that created them
    world = build_world()
    person = world.records["person"][side]
    row = AuditEvent.objects.filter(record_type="person", record_id=person.pk, action="create")
    url = f"{V1}/audit/{row.latest('id').pk}/restore"
    client = ApiClient(world.user(role))
    before = _state()
    # when the role puts its name back as it was created
    resp = client.post(url, {"field": "full_name", "version": person.version})
    # then those who may change the person may, those who only see it get 403, others 404
    if role in changes("person", side):
        assert resp.status_code == 200, (role, side, _head(resp))
    else:
        expected = 403 if role in sees("person", side) else 404
        assert resp.status_code == expected, (role, side, _head(resp))
        assert _state() == before
    _assert_no_secret(world, role, resp, f"restore ({side})")
