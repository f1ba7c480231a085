"""Hostile input in the web pages answers a clear 4xx or the page's own notice, never a server
error: ids beyond 64 bits in paths and list filters, timeline cursors UTC cannot hold, composer
times UTC cannot hold, "digits" int() refuses."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from sambandh.activities.models import Activity
from sambandh.contacts.models import Organization, Person
from sambandh.contacts.views import ORGANIZATIONS, PEOPLE
from sambandh.core.ids import MAX_ID
from sambandh.core.models import AuditEvent
from sambandh.sales.models import Deal, Lead
from sambandh.sales.views import DEALS, LEADS
from tests import factories
from tests.web.helpers import HTMX, text

pytestmark = pytest.mark.django_db

BEYOND_64_BITS = ["99999999999999999999", str(MAX_ID + 1)]
OUT_OF_UTC = "Enter a time from the year 1 to 9999 in UTC."


def everything() -> dict[str, int]:
    models = (Person, Organization, Deal, Lead, Activity, AuditEvent)
    return {model.__name__: model._default_manager.count() for model in models}


def web_routes() -> set[str]:
    """Every route of the web (not the API), as written in the urls.py files."""

    def walk(patterns: list[Any], prefix: str) -> Any:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern):
                yield route

    return {route for route in walk(get_resolver().url_patterns, "/") if "api/" not in route}


# --- ids beyond 64 bits in paths ------------------------------------------------------------------
ID_ROUTES = [
    *(f"/{kind}/<id>/{action}" for kind in ("people", "organizations") for action in ("", "edit/")),
    "/people/<id>/delete/",
    "/organizations/<id>/delete/",
    *(f"/deals/<id>/{action}" for action in ("", "edit/", "move/", "delete/")),
    *(f"/leads/<id>/{action}" for action in ("", "edit/", "convert/", "delete/")),
    "/activities/<id>/edit/",
    "/activities/<id>/toggle/",
    "/activities/<id>/delete/",
    "/activities/<id>/pin/",
    "/timeline/person/<id>/",
    "/account/tokens/<id>/revoke/",
    "/account/shares/person/<id>/",
    "/account/shares/person/<id>/add/",
    "/account/shares/person/<id>/<id>/remove/",
    "/gadgets/<id>/",  # the tests' own record type (tests/registry_app)
    "/settings/users/<id>/",
    "/settings/teams/<id>/",
    "/settings/teams/<id>/delete/",
    "/settings/pipelines/<id>/",
    "/settings/pipelines/<id>/default/",
    "/settings/pipelines/<id>/delete/",
    "/settings/custom-fields/<id>/",
    "/settings/custom-fields/<id>/<slug:action>/",
    "/settings/jobs/handler-runs/<id>/retry/",
    "/notifications/<id>/open/",
    "/jobs/<id>/",
    "/jobs/<id>/undo/",
    "/inline/person/<id>/source/",
    "/panel/person/<id>/",
    "/people/<id>/email/",
    "/deals/<id>/email/",
    "/emails/<id>/retry/",
    "/attachments/person/<id>/",
    *(f"/attachments/<id>/{action}/" for action in ("download", "inline", "preview", "delete")),
    "/recycle-bin/<id>/restore/",
    "/people/<id>/consents/",
    "/history/person/<id>/",
    "/history/entries/<id>/restore/",
    "/duplicates/<id>/dismiss/",
    "/merges/<id>/undo/",
    "/privacy/requests/<id>/",
    "/privacy/requests/<id>/<slug:action>/",
    "/privacy/retention/<id>/",
    "/privacy/retention/<id>/<slug:action>/",
    *(f"/imports/<id>/{action}" for action in ("", "run/", "cancel/", "undo/", "report/")),
]


def test_id_routes_are_every_web_route_with_an_id() -> None:
    with_ids = {r for r in web_routes() if "<id:" in r}
    written = {
        re.sub(r"<id:\w+>", "<id>", r)
        .replace("<str:record_type>", "person")
        .replace("<slug:record_type>", "person")
        .replace("<slug:field>", "source")
        for r in with_ids
    }
    assert written == set(ID_ROUTES)
    assert not {r for r in web_routes() if "<int:" in r}


@pytest.mark.parametrize("value", BEYOND_64_BITS)
@pytest.mark.parametrize("route", ID_ROUTES)
def test_id_beyond_64_bits_in_web_path_answers_404(owner, pipeline, browser_for, route, value):
    # given a signed-in rep with a record of each kind
    person = factories.make_person(owner, full_name="Asha Rao")
    factories.make_deal(owner, pipeline)
    factories.make_activity(owner, "task", subject="Call back", person_id=person.pk)
    client = browser_for(owner)
    before = everything()
    # when a page or a form names an id the database cannot hold
    url = route.replace("<id>", value)
    read, write = client.get(url), client.post(url, {"version": "1"})
    # then no page matches it, and nothing changed
    assert (read.status_code, write.status_code) == (404, 404)
    assert everything() == before


def test_the_largest_id_reaches_the_page_and_is_not_found(owner, browser_for):
    client = browser_for(owner)
    assert client.get(f"/people/{MAX_ID}/").status_code == 404
    assert client.get(f"/timeline/person/{MAX_ID}/").status_code == 404
    assert client.get(f"/history/person/{MAX_ID}/").status_code == 404
    assert client.post(f"/history/entries/{MAX_ID}/restore/", {"version": "1"}).status_code == 404


# --- ids beyond 64 bits in list filters -----------------------------------------------------------
LIST_FILTERS = [
    *(("/people/", name) for name in ("owner_id", "organization_id")),
    ("/organizations/", "owner_id"),
    *(
        ("/deals/list/", name)
        for name in ("owner_id", "pipeline_id", "stage_id", "organization_id", "person_id")
    ),
    ("/leads/", "owner_id"),
]


def test_list_filters_are_every_id_filter_of_every_web_list() -> None:
    urls = {"people": "/people/", "organizations": "/organizations/", "deals": "/deals/list/"}
    declared = {
        (urls.get(spec.key, f"/{spec.key}/"), name)
        for spec in (PEOPLE, ORGANIZATIONS, DEALS, LEADS)
        for name in spec.filters
        if name.endswith("_id")
    }
    assert declared == set(LIST_FILTERS)


@pytest.mark.parametrize("value", [*BEYOND_64_BITS, "100000000000000000000"])
@pytest.mark.parametrize(("url", "name"), LIST_FILTERS)
def test_web_list_filter_beyond_64_bits_shows_the_bad_filter_notice(
    owner, pipeline, browser_for, url, name, value
):
    # given one record of each listed kind
    organization = factories.make_organization(owner, name="Acme Widgets")
    factories.make_person(owner, full_name="Asha Rao", organization_id=organization.pk)
    factories.make_deal(owner, pipeline, name="Acme renewal")
    factories.make_lead(owner, full_name="Lena Lead")
    # when the list is opened with an id filter the database cannot hold
    response = browser_for(owner).get(url, {name: value})
    # then the list's notice says what was wrong, and the list is shown unfiltered
    body = text(response)
    assert response.status_code == 200
    assert re.search(r'role="alert">\s*Out of range\.', body)
    shown = {"/people/": "Asha Rao", "/organizations/": "Acme Widgets", "/leads/": "Lena Lead"}
    assert shown.get(url, "Acme renewal") in body


def test_board_filter_beyond_64_bits_shows_the_board_notice(owner, pipeline, browser_for):
    factories.make_deal(owner, pipeline, name="Acme renewal")
    response = browser_for(owner).get("/deals/", {"owner_id": "100000000000000000000"})
    body = text(response)
    assert response.status_code == 200
    assert "Out of range." in body
    assert "Acme renewal" in body


@pytest.mark.parametrize(
    "url", ["/deals/?pipeline=²", "/people/?view=²", "/people/new/?organization=²"]
)
def test_a_digit_int_cannot_read_in_an_optional_id_is_ignored(owner, pipeline, browser_for, url):
    # "²" is a digit to str.isdigit(), and not a number to int()
    assert browser_for(owner).get(url).status_code == 200


# --- the timeline's "before" ----------------------------------------------------------------------
BEFORE_OUT_OF_RANGE = [
    "9999-12-31T23:59:59-14:00_1",
    "0001-01-01T00:00:00+14:00_1",
    "2025-01-01T00:00:00+00:00_99999999999999999999",
]


@pytest.fixture
def noted(owner: Any, pipeline: Any) -> dict[str, Any]:
    """A record of each kind with a note on its timeline."""
    person = factories.make_person(owner, full_name="Asha Rao")
    found = {
        "person": person,
        "organization": factories.make_organization(owner, name="Acme"),
        "deal": factories.make_deal(owner, pipeline),
        "lead": factories.make_lead(owner),
    }
    for kind, record in found.items():
        factories.make_activity(
            owner, "note", body=f"Newest {kind} note", **{f"{kind}_id": record.pk}
        )
    return found


@pytest.mark.parametrize("before", BEFORE_OUT_OF_RANGE)
@pytest.mark.parametrize("kind", ["person", "organization", "deal", "lead"])
def test_timeline_before_out_of_range_shows_the_newest_entries(
    owner, browser_for, noted, kind, before
):
    # given a record with a note, and a "load older" link edited to a time or id out of range
    record = noted[kind]
    pages = {"person": "people", "organization": "organizations", "deal": "deals", "lead": "leads"}
    client = browser_for(owner)
    # when the record page and the timeline fragment are opened with it
    page = client.get(f"/{pages[kind]}/{record.pk}/", {"before": before})
    older = client.get(f"/timeline/{kind}/{record.pk}/", {"before": before}, headers=HTMX)
    # then both show the newest entries, as for any mangled link
    assert (page.status_code, older.status_code) == (200, 200)
    assert f"Newest {kind} note" in text(page)
    assert f"Newest {kind} note" in text(older)


# --- the composer's times -------------------------------------------------------------------------
CREATE = "/activities/new/"


@pytest.mark.parametrize(
    ("time_zone", "data"),
    [
        ("Asia/Kolkata", {"kind": "task", "subject": "x", "due_at": "0001-01-01T00:00"}),
        ("America/Los_Angeles", {"kind": "task", "subject": "x", "due_at": "9999-12-31T23:00"}),
        ("America/Los_Angeles", {"kind": "call", "occurred_at": "9999-12-31T23:00"}),
        ("Asia/Tokyo", {"kind": "meeting", "occurred_at": "0001-01-01T01:00"}),
    ],
)
def test_composer_time_utc_cannot_hold_is_refused_and_nothing_written(
    owner, browser_for, time_zone, data
):
    # given a rep whose zone puts the typed time outside the years 1 to 9999 in UTC
    owner.time_zone = time_zone
    owner.save(update_fields=["time_zone"])
    person = factories.make_person(owner, full_name="Asha Rao")
    before = everything()
    # when the composer sends it
    response = browser_for(owner).post(
        CREATE, {**data, "record_type": "person", "record_id": person.pk}, headers=HTMX
    )
    # then the composer says so, and nothing was written
    assert response.status_code == 422
    assert OUT_OF_UTC in text(response)
    assert everything() == before


def test_composer_meeting_ending_after_9999_is_refused_and_nothing_written(owner, browser_for):
    person = factories.make_person(owner, full_name="Asha Rao")
    before = everything()
    response = browser_for(owner).post(
        CREATE,
        {
            "kind": "meeting",
            "occurred_at": "9999-12-31T23:00",
            "duration_minutes": "120",
            "record_type": "person",
            "record_id": person.pk,
        },
        headers=HTMX,
    )
    assert response.status_code == 422
    assert "The meeting would end after the year 9999." in text(response)
    assert everything() == before
