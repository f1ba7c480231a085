"""Reads of sensitive fields in answers that show many records: a list page, an API list, the
search (page and API) and an export each write one "read" row per request and record type,
naming the fields and the record ids shown, not one per cell; nothing when the field is not
shown (not a column, hidden from the viewer, not marked)."""

from __future__ import annotations

import pytest

from sambandh.accounts.services_access import field_permission_set
from sambandh.core.models import AuditEvent
from sambandh.history.sensitive import sensitive_field_set
from tests.factories import make_organization, make_person

pytestmark = pytest.mark.django_db
V1 = "/api/v1"


@pytest.fixture
def marked(owner, admin_user):
    people = [
        make_person(owner, full_name="Asha Rao", email="asha@example.com", phone="+91 98450 12345"),
        make_person(owner, full_name="Asha Iyer", email="iyer@example.com"),
        make_person(owner, full_name="Bruno Lima", email="bruno@example.com"),
    ]
    make_organization(owner, name="Asha Textiles")
    sensitive_field_set(actor=admin_user, record_type="person", field="emails", sensitive=True)
    return people


def _reads():
    return AuditEvent.objects.filter(action="read").order_by("id")


def test_a_list_page_writes_one_row_for_the_rows_shown(owner, browser_for, marked):
    resp = browser_for(owner).get("/people/")
    assert resp.status_code == 200
    (row,) = _reads()
    assert (row.actor_id, row.record_type, row.record_id, row.source) == (
        owner.pk,
        "person",
        None,
        "interface",
    )
    assert row.changes == {
        "fields": [None, ["emails"]],
        "ids": [None, sorted(p.pk for p in marked)],
        "via": [None, "list"],
    }
    # without the email column, the list shows no sensitive value: nothing more
    assert browser_for(owner).get("/people/?cols=name&cols=phone").status_code in (200, 302)
    assert browser_for(owner).get("/people/?cols=phone").status_code == 200
    assert _reads().count() == 1
    # the organizations' list shows no marked field
    assert browser_for(owner).get("/organizations/").status_code == 200
    assert _reads().count() == 1


def test_an_api_list_writes_one_row(owner, api, marked):
    resp = api(owner).get(f"{V1}/people", {"limit": 2})
    assert resp.status_code == 200
    shown = [item["id"] for item in resp.json()["items"]]
    (row,) = _reads()
    assert (row.source, row.changes["ids"], row.changes["fields"]) == (
        "api",
        [None, sorted(shown)],
        [None, ["emails"]],
    )


def test_the_search_writes_one_row_per_record_type(owner, api, browser_for, marked):
    asha, iyer, _bruno = marked
    assert browser_for(owner).get("/search/", {"q": "asha"}).status_code == 200
    (row,) = _reads()
    # both Ashas' emails in the subtitles; the organization shows nothing marked
    assert row.record_type == "person"
    assert row.changes["ids"] == [None, sorted([asha.pk, iyer.pk])]
    assert row.changes["via"] == [None, "search"]
    assert api(owner).get(f"{V1}/search", {"q": "bruno"}).status_code == 200
    assert _reads().count() == 2
    assert _reads().last().changes["ids"] == [None, [marked[2].pk]]


def test_an_export_writes_one_row_with_the_ids_in_the_file(owner, browser_for, marked):
    resp = browser_for(owner).get("/exports/people/?format=csv")
    assert resp.status_code == 200
    b"".join(resp.streaming_content)  # the row is written when the file is finished
    (row,) = _reads()
    assert row.changes["via"] == [None, "export"]
    assert row.changes["ids"] == [None, sorted(p.pk for p in marked)]
    assert row.changes["fields"] == [None, ["emails"]]


def test_nothing_is_recorded_when_the_viewer_may_not_see_the_field(
    owner, admin_user, api, browser_for, marked
):
    field_permission_set(
        actor=admin_user, record_type="person", field="emails", hidden_from=["sales_rep"]
    )
    assert browser_for(owner).get("/people/").status_code == 200
    assert api(owner).get(f"{V1}/people").status_code == 200
    assert api(owner).get(f"{V1}/search", {"q": "asha"}).status_code == 200
    assert not _reads().exists()
    # and an unmarked field is no read for anyone
    sensitive_field_set(actor=admin_user, record_type="person", field="emails", sensitive=False)
    assert api(admin_user).get(f"{V1}/people").status_code == 200
    assert not _reads().exists()
