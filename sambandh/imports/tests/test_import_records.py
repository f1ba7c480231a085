"""An import's records, on a real database: the lists' ``import`` filter (web, API, export) shows
exactly the records an import created or changed, as the viewer may see them, and someone
else's import matches nothing; the import page links to them. A deal's close date columns land
in its expected and actual close dates, never in its description."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.urls import reverse

from sambandh.contacts.models import Person
from sambandh.core.ids import MAX_ID
from sambandh.imports.tests.helpers import outcomes, run_import
from sambandh.sales.models import Deal, Lead
from tests.api.helpers import assert_error
from tests.factories import make_lead, make_person

pytestmark = pytest.mark.django_db

PEOPLE = "Name,Email,Company\nAsha Rao,asha@example.com,New Co\nRavi Iyer,ravi@example.com,\n"
PEOPLE_MAPPING = {"Name": "full_name", "Email": "email", "Company": "organization"}


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Any) -> Any:
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def imported(owner: Any) -> Any:
    """An import that created Asha (and her organization, New Co) and updated Meera, beside
    people it never touched."""
    make_person(owner, full_name="Untouched One", email="one@example.com")
    meera = make_person(owner, full_name="Meera", email="meera@example.com")
    text = PEOPLE + "Meera Iyer,meera@example.com,\n"
    job = run_import(owner, "people", text, mapping=PEOPLE_MAPPING)
    assert outcomes(job) == [(2, "created"), (3, "created"), (4, "merged")]
    return job, meera


def _names(resp: Any, key: str = "full_name") -> set[str]:
    assert resp.status_code == 200, resp.content
    return {item[key] for item in resp.json()["items"]}


def test_the_api_lists_exactly_the_records_an_import_created_or_changed(api, owner, imported):
    job, _meera = imported
    make_person(owner, full_name="Added Later")
    client = api(owner)
    assert _names(client.get("/api/v1/people", {"import": job.pk})) == {
        "Asha Rao",
        "Ravi Iyer",
        "Meera Iyer",
    }
    # the organization it made on the way is among its organizations
    orgs = client.get("/api/v1/organizations", {"import": job.pk})
    assert _names(orgs, "name") == {"New Co"}
    # the filter goes with the others
    assert _names(client.get("/api/v1/people", {"import": job.pk, "name": "iyer"})) == {
        "Ravi Iyer",
        "Meera Iyer",
    }


def test_the_filter_shows_only_what_the_viewer_may_see(api, owner, outsider, teammate, imported):
    job, _meera = imported
    # given one of the imported people since handed to someone the importer may not see
    Person.objects.filter(full_name="Ravi Iyer").update(owner=outsider)
    # then the importer's filter leaves him out, as their list does
    assert _names(api(owner).get("/api/v1/people", {"import": job.pk})) == {
        "Asha Rao",
        "Meera Iyer",
    }
    # and a teammate, who may not see the owner's import, gets nothing by it
    assert _names(api(teammate).get("/api/v1/people", {"import": job.pk})) == set()


def test_someone_elses_import_matches_nothing_even_for_records_they_see(
    api, owner, admin_user, imported
):
    job, _meera = imported
    # an administrator sees every import and every record: they get the same records
    assert len(_names(api(admin_user).get("/api/v1/people", {"import": job.pk}))) == 3
    # while another user's own import of the same people is not the owner's to filter by
    theirs = run_import(admin_user, "people", PEOPLE, mapping=PEOPLE_MAPPING)
    assert _names(api(owner).get("/api/v1/people", {"import": theirs.pk})) == set()


def test_a_dry_run_and_an_unknown_import_match_nothing(api, owner, imported):
    dry = run_import(owner, "people", PEOPLE, mapping=PEOPLE_MAPPING, dry_run=True)
    client = api(owner)
    assert _names(client.get("/api/v1/people", {"import": dry.pk})) == set()
    assert _names(client.get("/api/v1/people", {"import": MAX_ID})) == set()


@pytest.mark.parametrize("value", ["abc", "0", "-1", "1e20", str(MAX_ID + 1)])
def test_a_bad_import_id_answers_422_naming_it(api, owner, value):
    resp = api(owner).get("/api/v1/people", {"import": value})
    assert_error(resp, 422, "validation_failed")
    assert set(resp.json()["error"]["fields"]) == {"import"}


def test_leads_and_deals_take_the_filter(api, owner, pipeline):
    make_lead(owner, full_name="Old Lead")
    leads = run_import(owner, "leads", "Name\nNew Lead\n", mapping={"Name": "full_name"})
    deals = run_import(owner, "deals", "Title\nNew Deal\n", mapping={"Title": "name"})
    client = api(owner)
    assert _names(client.get("/api/v1/leads", {"import": leads.pk})) == {"New Lead"}
    assert _names(client.get("/api/v1/deals", {"import": deals.pk}), "name") == {"New Deal"}
    assert _names(client.get("/api/v1/leads", {"import": deals.pk})) == set()
    assert Lead.objects.count() == 2 and Deal.objects.count() == 1


def test_the_export_takes_the_filter(api, owner, imported):
    job, _meera = imported
    resp = api(owner).get("/api/v1/people/export", {"import": job.pk})
    assert resp.status_code == 200
    text = b"".join(resp.streaming_content).decode("utf-8-sig")
    assert "Asha Rao" in text and "Meera Iyer" in text
    assert "Untouched One" not in text


def test_the_web_list_and_the_import_page_link(owner, browser_for, imported):
    job, _meera = imported
    client = browser_for(owner)
    page = client.get(reverse("imports:job", args=[job.pk])).content.decode()
    link = f'href="/people/?import={job.pk}"'
    assert link in page and "Records from this import" in page
    listing = client.get(f"/people/?import={job.pk}").content.decode()
    assert "Asha Rao" in listing and "Meera Iyer" in listing
    assert "Untouched One" not in listing
    # the list says so, and keeps the filter while the others change
    assert f"From import #{job.pk}" in listing
    assert f'<input type="hidden" name="import" value="{job.pk}">' in listing
    for url in ("/organizations/", "/leads/", "/deals/list/"):
        assert f"From import #{job.pk}" in client.get(f"{url}?import={job.pk}").content.decode()


def test_the_list_query_count_does_not_grow_with_the_import(api, owner, imported):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    job, _meera = imported
    client = api(owner)
    client.get("/api/v1/people", {"import": job.pk})
    with CaptureQueriesContext(connection) as small:
        client.get("/api/v1/people", {"import": job.pk})
    bigger = run_import(
        owner,
        "people",
        "Name\n" + "".join(f"Person {n}\n" for n in range(30)),
        mapping={"Name": "full_name"},
    )
    client.get("/api/v1/people", {"import": bigger.pk})
    with CaptureQueriesContext(connection) as large:
        resp = client.get("/api/v1/people", {"import": bigger.pk})
    assert len(resp.json()["items"]) == 30
    assert len(large.captured_queries) == len(small.captured_queries)


# --- a deal's close dates ----------------------------------------------------------------------
def test_a_deals_close_dates_land_in_its_close_date_fields(owner, pipeline):
    text = (
        "Deal - Title,Deal - Stage,Deal - Expected close date,Deal - Won time,Notes\n"
        "Won one,Won,2025-03-01,2025-02-20,Signed early\n"
        "Open one,Proposal,,2025-04-30,\n"
        "Plain,Proposal,2025-06-30,,\n"
    )
    mapping = {
        "Deal - Title": "name",
        "Deal - Stage": "stage",
        "Deal - Expected close date": "expected_close_date",
        "Deal - Won time": "closed_on",
        "Notes": "description",
    }
    job = run_import(owner, "deals", text, mapping=mapping)
    assert outcomes(job) == [(2, "created"), (3, "created"), (4, "created")]
    won = Deal.objects.get(name="Won one")
    assert won.status == "won"
    assert won.expected_close_date == datetime.date(2025, 3, 1)
    assert won.closed_at == datetime.datetime(2025, 2, 20, 12, tzinfo=datetime.UTC)
    assert won.description == "Signed early"
    # an open deal's only date is where a close date goes while it is open
    still_open = Deal.objects.get(name="Open one")
    assert (still_open.expected_close_date, still_open.closed_at) == (
        datetime.date(2025, 4, 30),
        None,
    )
    assert still_open.description == ""
    assert Deal.objects.get(name="Plain").expected_close_date == datetime.date(2025, 6, 30)
    # and a re-run changes nothing
    again = run_import(owner, "deals", text, mapping=mapping)
    assert {o for _n, o in outcomes(again)} <= {"created", "unchanged"}


def test_a_pipedrive_export_keeps_its_won_time_out_of_the_description(owner, pipeline):
    text = (
        "Deal - Title,Deal - Pipeline,Deal - Stage,Deal - Won time,Deal - Expected close date\n"
        f"Big one,{pipeline.name},Won,2025-01-15,\n"
    )
    job = run_import(owner, "deals", text, preset="pipedrive")
    assert outcomes(job) == [(2, "created")]
    deal = Deal.objects.get()
    assert deal.closed_at == datetime.datetime(2025, 1, 15, 12, tzinfo=datetime.UTC)
    assert deal.expected_close_date == datetime.date(2025, 1, 15)
    assert deal.description == ""


def test_a_close_date_in_the_future_is_a_rows_error(owner, pipeline):
    text = "Title,Stage,Won\nLater,Won,2999-01-01\n"
    job = run_import(
        owner, "deals", text, mapping={"Title": "name", "Stage": "stage", "Won": "closed_on"}
    )
    assert outcomes(job) == [(2, "rejected")]
    assert Deal.objects.count() == 0


def test_a_bulk_action_selects_by_the_import_filter(api, owner, imported):
    job, _meera = imported
    client = api(owner)
    resp = client.post(
        "/api/v1/people/bulk", {"filter": {"import": job.pk}, "action": "tag", "tags": ["x"]}
    )
    assert resp.status_code == 202, resp.content
    assert resp.json()["total"] == 3
    bad = client.post(
        "/api/v1/people/bulk", {"filter": {"import": "abc"}, "action": "tag", "tags": ["x"]}
    )
    assert_error(bad, 422, "validation_failed")
    assert set(bad.json()["error"]["fields"]) == {"filter.import"}


def test_the_deal_api_takes_the_close_date_of_a_deal_created_won(api, owner, pipeline):
    won = pipeline.stages.get(name="Won")
    client = api(owner)
    resp = client.post(
        "/api/v1/deals", {"name": "Signed", "stage_id": won.pk, "closed_on": "2025-02-20"}
    )
    assert resp.status_code == 201, resp.content
    assert resp.json()["closed_at"].startswith("2025-02-20T12:00:00")
    future = client.post(
        "/api/v1/deals", {"name": "Later", "stage_id": won.pk, "closed_on": "2999-01-01"}
    )
    assert_error(future, 422, "validation_failed")
    assert set(future.json()["error"]["fields"]) == {"closed_on"}
    assert not Deal.objects.filter(name="Later").exists()
