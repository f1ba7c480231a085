"""The web interface's exports: every list's "Export" menu (its filters, sort and saved view)
and the selection bar's export of the ticked rows."""

from __future__ import annotations

import html
import re

import pytest

from sambandh.core.audit import values_after
from sambandh.core.models import AuditEvent
from sambandh.core.saved_views import saved_view_create
from sambandh.exports.tests.conftest import read_csv, read_xlsx
from tests.factories import make_deal, make_lead, make_organization, make_person

pytestmark = pytest.mark.django_db


def _export_links(page: str) -> dict[str, str]:
    found = re.findall(r'<a class="menu-item" href="([^"]+)" download>([^<]+)</a>', page)
    return {label: html.unescape(href) for href, label in found}


def test_every_list_offers_its_export_with_the_current_filters(browser_for, owner, pipeline):
    make_person(owner, full_name="Asha")
    make_organization(owner, name="Kestrel")
    make_deal(owner, pipeline)
    make_lead(owner)
    client = browser_for(owner)

    people = _export_links(client.get("/people/?country=IN&sort=-name").content.decode())
    assert set(people) == {"CSV", "Excel (XLSX)", "vCard"}
    assert people["CSV"].startswith("/exports/people/?format=csv&")
    assert "country=IN" in people["CSV"] and "sort=-name" in people["CSV"]
    for path, key in (
        ("/organizations/", "organizations"),
        ("/deals/list/", "deals"),
        ("/leads/", "leads"),
    ):
        links = _export_links(client.get(path).content.decode())
        assert set(links) == {"CSV", "Excel (XLSX)"}, path
        assert links["CSV"] == f"/exports/{key}/?format=csv"


def test_the_export_link_downloads_the_filtered_list(browser_for, owner, outsider):
    make_person(owner, full_name="Asha Rao", country="IN")
    make_person(owner, full_name="Bina Shah", country="IN")
    make_person(owner, full_name="Carlos Souza", country="BR")
    make_person(outsider, full_name="Dev Outsider", country="IN")

    resp = browser_for(owner).get("/exports/people/?format=csv&country=IN&sort=-name")

    assert resp["Content-Disposition"].startswith('attachment; filename="people-')
    assert [r["Name"] for r in read_csv(resp)] == ["Bina Shah", "Asha Rao"]
    assert values_after(AuditEvent.objects.get(action="export"))["filters"] == {"country": "IN"}


def test_a_saved_views_export_uses_its_filters_and_sort(browser_for, owner):
    make_person(owner, full_name="Asha Rao", country="IN")
    make_person(owner, full_name="Bina Shah", country="IN")
    make_person(owner, full_name="Carlos Souza", country="BR")
    view = saved_view_create(
        actor=owner, list_key="people", name="India", filters={"country": "IN"}, sort="-name"
    )
    client = browser_for(owner)

    links = _export_links(client.get(f"/people/?view={view.pk}").content.decode())
    assert f"view={view.pk}" in links["CSV"]
    resp = client.get(links["CSV"])
    assert [r["Name"] for r in read_csv(resp)] == ["Bina Shah", "Asha Rao"]


def test_a_read_only_user_exports_what_they_may_see(browser_for, readonly, owner, outsider):
    make_person(owner, full_name="Team Person")
    make_person(outsider, full_name="Other Team Person")
    wb = read_xlsx(browser_for(readonly).get("/exports/people/?format=xlsx"))
    names = [row[1] for row in wb.active.iter_rows(min_row=2, values_only=True)]
    assert "Other Team Person" not in names


def test_the_selection_bar_exports_the_ticked_rows_only_those_the_viewer_sees(
    browser_for, owner, outsider
):
    a = make_person(owner, full_name="Asha")
    make_person(owner, full_name="Bina")
    hidden = make_person(outsider, full_name="Not Yours")
    client = browser_for(owner)

    page = client.get("/people/").content.decode()
    assert 'formaction="/exports/people/selection/"' in page

    resp = client.post(
        "/exports/people/selection/",
        {"ids": [a.pk, hidden.pk], "format": "csv", "next": "/people/"},
    )
    assert [r["Name"] for r in read_csv(resp)] == ["Asha"]
    assert values_after(AuditEvent.objects.get(action="export"))["ids"] == sorted([a.pk, hidden.pk])

    matching = client.post(
        "/exports/people/selection/",
        {"scope": "matching", "filter.name": "Bin", "format": "csv"},
    )
    assert [r["Name"] for r in read_csv(matching)] == ["Bina"]


def test_bad_requests_say_why_and_export_nothing(browser_for, owner):
    make_person(owner, full_name="Asha")
    client = browser_for(owner)

    for resp in (
        client.get("/exports/people/?format=pdf"),
        client.get("/exports/deals/?format=vcf"),
        client.get("/exports/people/?format=csv&sort=bogus"),
        client.post("/exports/people/selection/", {"ids": ["x"], "format": "csv"}),
        client.post("/exports/people/selection/", {"format": "csv"}),
    ):
        assert resp.status_code == 302
    page = client.get("/people/").content.decode()
    assert "Choose a file format to export." in page
    assert client.get("/exports/nothing/?format=csv").status_code == 404
    assert client.get("/exports/people/selection/").status_code == 405
    assert not AuditEvent.objects.filter(action="export").exists()


def test_signed_out_visitors_are_sent_to_log_in(client):
    resp = client.get("/exports/people/?format=csv")
    assert resp.status_code == 302 and "/login/" in resp["Location"]


def test_my_tasks_page_exports_my_open_tasks(browser_for, owner, outsider):
    from sambandh.activities.models import Activity
    from tests.factories import make_activity

    person = make_person(owner, full_name="Asha Rao")
    make_activity(owner, "task", subject="Send the quote", person_id=person.pk, assignee=owner)
    done = make_activity(owner, "task", subject="Call back", person_id=person.pk, assignee=owner)
    Activity.objects.filter(pk=done.pk).update(done_at=done.created_at)
    make_activity(owner, "note", subject="Met at the fair", person_id=person.pk)
    make_activity(outsider, "task", subject="Someone else's", assignee=outsider)
    client = browser_for(owner)

    page = client.get("/tasks/").content.decode()
    links = re.findall(r'<a href="(/exports/activities/[^"]+)" download>([^<]+)</a>', page)
    urls = {label: html.unescape(href) for href, label in links}
    assert set(urls) == {"CSV", "Excel (XLSX)"}

    rows = read_csv(client.get(urls["CSV"]))
    assert [(r["Kind"], r["Subject"], r["Assigned to"]) for r in rows] == [
        ("task", "Send the quote", "Olivia Owner")
    ]
    sheet = read_xlsx(client.get(urls["Excel (XLSX)"])).active
    assert [c.value for c in next(sheet.iter_rows(min_row=2, max_row=2))][2] == "Send the quote"


def test_the_search_page_exports_its_results_per_type(browser_for, owner, outsider):
    asha = make_person(owner, full_name="Asha Rao")
    make_person(outsider, full_name="Asha Hidden")
    make_organization(owner, name="Asha Textiles")
    client = browser_for(owner)

    page = client.get("/search/", {"q": "asha"}).content.decode()
    links = re.findall(r'<a href="(/exports/[^"]+)" download>([^<]+)</a>', page)
    urls = [html.unescape(href) for href, _label in links]
    assert "/exports/people/?format=csv&search=asha" in urls
    assert "/exports/organizations/?format=xlsx&search=asha" in urls
    rows = read_csv(client.get("/exports/people/?format=csv&search=asha"))
    assert [r["ID"] for r in rows] == [str(asha.pk)]
    # a list that cannot be searched says so, and exports nothing
    resp = client.get("/exports/activities/?format=csv&search=asha", follow=True)
    assert "This list cannot be searched." in resp.content.decode()
