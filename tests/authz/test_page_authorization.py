"""Every page of the web interface, as the owner, a teammate, a manager, an outsider, a
read-only user and an admin (tests/authz/world.py): who gets the page, a 403 or a 404, that no
page shows a record the role may not see, and that a form sent by someone who may not change
the record changes nothing.

The routes come from the URL configuration, and each must have a case here: a new page without
one fails ``test_every_page_has_an_authorization_case``.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tests.authz.test_api_authorization import _state, changes, sees
from tests.authz.world import (
    ROLES,
    World,
    build_world,
    world_import,
    world_job,
    world_privacy_request,
    world_retention_policy,
)

pytestmark = pytest.mark.django_db

KINDS = {
    "people": "person",
    "organizations": "organization",
    "deals": "deal",
    "leads": "lead",
    "activities": "activity",
}
TYPE_KINDS = ("person", "organization", "deal", "lead")


def routes() -> set[str]:
    def walk(patterns: list[Any], prefix: str) -> Any:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern):
                yield route

    return {
        r for r in walk(get_resolver().url_patterns, "/") if not r.startswith(("/api/", "/^api/"))
    }


# How each route is checked: "record" pages need the record's visibility, "change" pages the
# right to change it; "open" pages every signed-in user gets; "admin" pages only admins;
# "manager" pages only admins and managers; "post" routes answer no page (405 to a GET);
# "public" ones need no login and show no record.
CASES: dict[str, str] = {
    "/": "open",
    "/account/": "open",
    "/account/tokens/": "open",
    "/account/tokens/<id:token_id>/revoke/": "post",
    # one's own sessions and password (sambandh/security): every signed-in user, only their own
    "/account/sessions/": "open",
    "/account/sessions/others/revoke/": "post",
    "/account/sessions/<slug:digest>/revoke/": "post",
    "/account/password/": "open",
    # the signed-in user's own multi-factor authentication (sambandh/mfa)
    "/account/security/": "open",
    "/account/security/start/": "post",
    "/account/security/confirm/": "post",
    "/account/security/recovery-codes/": "post",
    "/account/security/disable/": "post",
    "/account/shares/<str:record_type>/<id:record_id>/": "record",
    "/account/shares/<str:record_type>/<id:record_id>/add/": "post",
    "/account/shares/<str:record_type>/<id:record_id>/<id:share_id>/remove/": "post",
    "/activities/new/": "open",
    "/activities/<id:activity_id>/edit/": "change",
    "/activities/<id:activity_id>/toggle/": "post",
    "/activities/<id:activity_id>/delete/": "post",
    "/activities/<id:activity_id>/pin/": "post",
    "/timeline/<str:record_type>/<id:record_id>/": "record",
    # the editor of a field in place: 200 to those who may change the record, 403 to those who
    # only see it, 404 to the others
    "/inline/<slug:record_type>/<id:record_id>/<slug:field>/": "change",
    # a record's side panel (sambandh/panels): 200 to those who see the record, else 404
    "/panel/<slug:record_type>/<id:record_id>/": "record",
    # a record input's suggestions (web/views_lookup.py): only what the viewer may see
    "/lookup/<slug:record_type>/": "open",
    # the duplicate review queue (sambandh/dedupe): administrators and managers only
    "/duplicates/": "manager",
    "/duplicates/scan/": "post",
    "/duplicates/<id:pair_id>/dismiss/": "post",
    # duplicate candidates beside a create form: only records the viewer may see are named
    "/duplicates/candidates/people/": "open",
    "/duplicates/candidates/organizations/": "open",
    "/duplicates/candidates/leads/": "open",
    "/deals/": "open",
    "/deals/list/": "open",
    "/deals/new/": "create",
    "/deals/stages/": "open",
    "/deals/currencies/": "open",
    "/deals/<id:deal_id>/": "record",
    "/deals/<id:deal_id>/edit/": "change",
    "/deals/<id:deal_id>/delete/": "change",
    "/deals/<id:deal_id>/move/": "post",
    "/leads/": "open",
    "/leads/new/": "create",
    "/leads/<id:lead_id>/": "record",
    "/leads/<id:lead_id>/edit/": "change",
    "/leads/<id:lead_id>/delete/": "change",
    "/leads/<id:lead_id>/convert/": "change",
    "/organizations/": "open",
    "/organizations/new/": "create",
    "/organizations/suggest/": "open",
    "/organizations/<id:organization_id>/": "record",
    "/organizations/<id:organization_id>/edit/": "change",
    "/organizations/<id:organization_id>/delete/": "change",
    "/people/": "open",
    "/people/new/": "create",
    "/people/suggest/": "open",
    # the merge page (contacts/views_merge.py): without ids it only explains; the records it
    # names are read through the selectors (404 for one the viewer may not see)
    "/people/merge/": "open",
    "/organizations/merge/": "open",
    "/merges/<id:merge_id>/undo/": "post",
    "/people/<id:person_id>/": "record",
    "/people/<id:person_id>/edit/": "change",
    "/people/<id:person_id>/delete/": "change",
    "/records/<slug:list_key>/": "open",
    "/search/": "open",
    "/search/palette/": "open",
    "/tasks/": "open",
    "/notifications/": "open",
    "/account/colleagues/": "open",
    "/notifications/read-all/": "post",
    "/notifications/digest/": "post",
    "/notifications/<id:notification_id>/open/": "post",
    "/settings/": "admin (a redirect to its first tab)",
    "/settings/company/": "admin",
    "/settings/exchange-rates/": "admin",
    "/settings/fields/": "admin",
    "/settings/custom-fields/": "admin",
    "/settings/custom-fields/<id:field_id>/": "admin",
    "/settings/custom-fields/<id:field_id>/<slug:action>/": "post",
    "/settings/jobs/": "admin",
    "/settings/audit/": "admin",
    "/settings/jobs/handler-runs/<id:run_id>/retry/": "post",
    "/settings/pipelines/": "admin",
    "/settings/pipelines/new/": "admin",
    "/settings/pipelines/<id:pipeline_id>/": "admin",
    "/settings/pipelines/<id:pipeline_id>/default/": "post",
    "/settings/pipelines/<id:pipeline_id>/delete/": "admin",
    "/settings/teams/": "admin",
    "/settings/teams/<id:team_id>/": "admin",
    "/settings/teams/<id:team_id>/delete/": "admin",
    "/settings/users/": "admin",
    "/settings/users/invite/": "admin",
    "/settings/users/<id:user_id>/": "admin",
    "/bulk/<slug:list_key>/": "post",
    "/people/quick/": "post",
    "/organizations/quick/": "post",
    "/bulk/<slug:list_key>/count/": "open",
    "/bulk/<slug:list_key>/field/": "create",
    "/lists/<slug:list_key>/count/": "open",
    "/jobs/<id:job_id>/": "job",
    "/jobs/<id:job_id>/undo/": "post",
    "/people/<id:person_id>/email/": "change (compose: see the record and write)",
    "/deals/<id:deal_id>/email/": "change (compose: see the record and write)",
    "/emails/<id:activity_id>/retry/": "post",
    "/attachments/<str:record_type>/<id:record_id>/": "record",
    # a file's pages: test_attachment_authorization.py
    "/attachments/<id:attachment_id>/download/": "attachment",
    "/attachments/<id:attachment_id>/inline/": "attachment",
    "/attachments/<id:attachment_id>/preview/": "attachment",
    "/attachments/<id:attachment_id>/delete/": "post",
    # a person's consents (GET: the section on a page of its own; POST: record one)
    "/people/<id:person_id>/consents/": "record",
    # what a person reaches from an email, signed in or not (tests in sambandh/consents)
    "/consent/confirm/<str:token>/": "public",
    "/consent/unsubscribe/<str:token>/": "public",
    "/recycle-bin/": "open",
    # the import wizard (sambandh/imports): one's own imports (admins: everyone's); the wizard's
    # mapping step sends back to the upload while no file waits
    "/imports/": "open",
    "/imports/new/": "create",
    "/imports/new/mapping/": "create (redirect)",
    "/imports/<id:import_id>/": "job",
    "/imports/<id:import_id>/undo/": "job",
    "/imports/<id:import_id>/report/": "job",
    "/imports/<id:import_id>/run/": "post",
    "/imports/<id:import_id>/cancel/": "post",
    # a list's export (sambandh/exports): every role gets the file of what it may see
    "/exports/<slug:list_key>/": "open",
    "/exports/<slug:list_key>/selection/": "post",
    # a record's History tab (sambandh/history), and putting a value back from it
    "/history/<slug:record_type>/<id:record_id>/": "record",
    "/history/entries/<id:event_id>/restore/": "post",
    "/recycle-bin/<id:entry_id>/restore/": "post",
    "/privacy/": "admin",
    "/privacy/requests/new/": "admin",
    "/privacy/requests/<id:request_id>/": "admin",
    "/privacy/requests/<id:request_id>/<slug:action>/": "post",
    "/privacy/retention/": "admin",
    "/privacy/retention/<id:policy_id>/": "admin",
    "/privacy/retention/<id:policy_id>/<slug:action>/": "post",
    "/privacy/settings/": "admin",
    # the tests' own record type's page (tests/registry_app) is a stub
    "/gadgets/<id:record_id>/": "public",
    "/health": "public",
    "/ready": "public",
    "/login/": "public",
    # the second step of a login: only for the session that passed the password step
    "/login/code/": "public",
    "/logout/": "post",
    # the language switcher (anyone, signed in or not) and the scripts' translations
    "/language/": "post",
    "/jsi18n/": "public",
    "/password-reset/": "public",
    "/password-reset/sent/": "public",
    "/reset/<uidb64>/<token>/": "public",
    "/reset/done/": "public",
}


#: A field of each kind of record that can be edited in place (web/inline.py).
INLINE_FIELDS = {
    "person": "source",
    "organization": "industry",
    "deal": "source",
    "lead": "source",
    "activity": "outcome",
}


def test_every_page_has_an_authorization_case():
    pages = {r for r in routes() if not r.startswith("/admin/")}
    assert pages == set(CASES)


def _urls(world: World, route: str, side: str) -> list[tuple[str, str]]:
    """The concrete URLs of ``route`` for the world's records on ``side``, each with the kind
    of record it names ("" for none)."""
    if "<str:record_type>" in route or "<slug:record_type>" in route:
        found = []
        for kind in TYPE_KINDS:
            record = world.records[kind][side]
            path = (
                route.replace("<str:record_type>", kind)
                .replace("<slug:record_type>", kind)
                .replace("<id:record_id>", str(record.pk))
                .replace("<slug:field>", INLINE_FIELDS[kind])
            )
            found.append((path, kind))
        return found
    match = re.search(r"^/(\w+)/<id:(\w+)>", route)
    if match and match.group(1) in KINDS:
        kind = KINDS[match.group(1)]
        record = world.records[kind][side]
        return [(re.sub(r"<id:\w+>", str(record.pk), route), kind)]
    values = {
        "<id:pipeline_id>": str(world.pipeline.pk),
        "<id:team_id>": str(world.extra["team_b"].pk),
        "<id:user_id>": str(world.user("teammate").pk),
        "<slug:list_key>": "people"
        if route.startswith(("/bulk/", "/lists/", "/exports/"))
        else "gadgets",
    }
    if "<id:request_id>" in route:
        values["<id:request_id>"] = str(world_privacy_request(world).pk)
    if "<id:policy_id>" in route:
        values["<id:policy_id>"] = str(world_retention_policy(world).pk)
    if "<id:job_id>" in route:
        values["<id:job_id>"] = str(world_job(world).pk)
    if "<id:import_id>" in route:
        values["<id:import_id>"] = str(world_import(world).pk)
    if "<id:field_id>" in route:
        from sambandh.customfields.models import CustomField
        from sambandh.customfields.services import custom_field_create

        field = CustomField.objects.filter(key="authz_tier").first() or custom_field_create(
            actor=world.user("admin"),
            data={"record_type": "person", "key": "authz_tier", "label": "Tier", "type": "text"},
        )
        values["<id:field_id>"] = str(field.pk)
        values["<slug:action>"] = "remove"
    for placeholder, value in values.items():
        route = route.replace(placeholder, value)
    return [(route, "")]


QUERIES = {
    "/search/": "?q=Zircon",
    "/search/palette/": "?q=Priya",
    "/people/suggest/": "?q=Zircon",
    "/organizations/suggest/": "?q=Zircon",
    "/deals/stages/": "?pipeline={pipeline}",
    "/bulk/<slug:list_key>/field/": "?field=job_title",
    "/exports/<slug:list_key>/": "?format=csv",
    # the hidden side's names, email and domain typed: never named to those who may not see it
    "/duplicates/candidates/people/": "?full_name=Oscar+HIDDENPERSON&email_0=oscar@hidden.example",
    "/duplicates/candidates/organizations/": "?name=Zircon+HIDDENORG+Ltd",
    # a lead's: the hidden lead and the hidden person, by name, email and company
    "/duplicates/candidates/leads/": "?full_name=Hugo+HIDDENLEAD&email=oscar@hidden.example"
    "&company=Hidco",
}


def _client(world: World, role: str) -> Client:
    client = Client()
    client.force_login(world.user(role))
    return client


@pytest.mark.parametrize("role", ROLES)
def test_what_each_role_gets_on_every_page(role):
    world = build_world()
    client = _client(world, role)
    for route, how in sorted(CASES.items()):
        if how in ("public", "post", "attachment"):
            continue
        for side in ("own", "hidden"):
            for url, kind in _urls(world, route, side):
                query = QUERIES.get(route, "").format(pipeline=world.pipeline.pk)
                resp = client.get(url + query)
                if how == "open":
                    expected = 200
                elif how == "create":
                    expected = 403 if role == "readonly" else 200
                elif how == "create (redirect)":
                    expected = 403 if role == "readonly" else 302
                elif how == "manager":
                    expected = 200 if role in ("admin", "manager") else 403
                elif how.startswith("admin"):
                    expected = (302 if "redirect" in how else 200) if role == "admin" else 403
                elif how == "record":
                    expected = 200 if role in sees(kind, side) else 404
                elif how == "job":  # the owner's bulk job or import: theirs and the admins'
                    expected = 200 if role in ("owner", "admin") else 404
                elif role in changes(kind, side):
                    expected = 200
                else:
                    expected = 403 if role in sees(kind, side) else 404
                assert resp.status_code == expected, (role, url, side, resp.status_code)
                content = b"".join(resp.streaming_content) if resp.streaming else resp.content
                body = world.readable(content.decode())
                for secret in world.secrets(role):
                    assert secret not in body, f"{role} sees a {secret} name on {url}"
                if not kind:
                    break  # the same page for both sides


@pytest.mark.parametrize("role", ["teammate", "readonly", "outsider"])
def test_a_form_sent_by_someone_who_may_not_change_the_record_changes_nothing(role):
    # given the world, and a role that may not change the owner's records
    world = build_world()
    client = _client(world, role)
    posts = [
        (f"/people/{world.records['person']['own'].pk}/edit/", {"full_name": "Changed"}),
        (f"/people/{world.records['person']['own'].pk}/delete/", {"version": "2"}),
        (f"/organizations/{world.records['organization']['own'].pk}/edit/", {"name": "X"}),
        (f"/deals/{world.records['deal']['own'].pk}/edit/", {"name": "X"}),
        (f"/deals/{world.records['deal']['own'].pk}/move/", {"stage": "1"}),
        (f"/leads/{world.records['lead']['own'].pk}/edit/", {"full_name": "X"}),
        (f"/leads/{world.records['lead']['own'].pk}/convert/", {}),
        (f"/activities/{world.records['activity']['own'].pk}/edit/", {"body": "X"}),
        (f"/activities/{world.records['activity']['own'].pk}/delete/", {}),
        (f"/activities/{world.records['task']['own'].pk}/toggle/", {"done": "1"}),
        (
            f"/account/shares/person/{world.records['person']['own'].pk}/add/",
            {"with": f"user:{world.user(role).pk}", "access": "edit"},
        ),
        (
            f"/account/shares/person/{world.records['person']['own'].pk}/"
            f"{world.share_ids['person:own']}/remove/",
            {},
        ),
    ]
    before = _state()
    for url, data in posts:
        # when they send it anyway
        resp = client.post(url, data)
        # then it is refused, and nothing changed
        assert resp.status_code in (403, 404), (role, url, resp.status_code)
    assert _state() == before
