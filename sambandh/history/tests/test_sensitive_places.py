"""Reads of sensitive fields in the places beyond record pages, lists, search and exports: a
record picker, an edit form, an inline editor, the board, the home page, a timeline, the merge
page, the History tab. Each writes one "read" row per request and record type (or one for the
record it shows whole), names only what it showed, and writes nothing when the field is not
marked or hidden from the viewer. Pages that do not need a sensitive value do not show it."""

from __future__ import annotations

from datetime import date

import pytest

from sambandh.accounts.services_access import field_permission_set
from sambandh.core.models import AuditEvent
from sambandh.history.sensitive import sensitive_field_set
from tests.factories import make_activity, make_deal, make_lead, make_organization, make_person

pytestmark = pytest.mark.django_db


def _reads():
    return AuditEvent.objects.filter(action="read").order_by("id")


def _mark(admin, record_type, *fields):
    for name in fields:
        sensitive_field_set(actor=admin, record_type=record_type, field=name, sensitive=True)


@pytest.fixture
def ashas(owner):
    return [
        make_person(owner, full_name="Asha Rao", email="asha@example.com"),
        make_person(owner, full_name="Asha Iyer", email="iyer@example.com"),
    ]


def test_a_record_picker_records_the_addresses_it_shows(owner, admin_user, browser_for, ashas):
    _mark(admin_user, "person", "emails")
    resp = browser_for(owner).get("/people/suggest/", {"person_0": "Asha"})
    assert "asha@example.com" in resp.content.decode()
    (row,) = _reads()
    assert (row.record_type, row.record_id, row.actor_id) == ("person", None, owner.pk)
    assert row.changes == {
        "fields": [None, ["emails"]],
        "ids": [None, sorted(p.pk for p in ashas)],
        "via": [None, "picker"],
    }
    # the registry's picker too, one row per request
    assert browser_for(owner).get("/lookup/person/", {"x": "Asha"}).status_code == 200
    assert _reads().count() == 2


def test_a_picker_records_nothing_when_the_viewer_may_not_see_the_address(
    owner, admin_user, browser_for, ashas
):
    _mark(admin_user, "person", "emails")
    field_permission_set(
        actor=admin_user, record_type="person", field="emails", hidden_from=["sales_rep"]
    )
    page = browser_for(owner).get("/people/suggest/", {"person_0": "Asha"}).content.decode()
    assert "asha@example.com" not in page
    assert not _reads().exists()


def test_an_edit_form_is_a_read_of_the_record(owner, admin_user, browser_for):
    person = make_person(owner, full_name="Asha Rao", phone="+91 98450 12345")
    _mark(admin_user, "person", "phones")
    assert browser_for(owner).get(f"/people/{person.pk}/edit/").status_code == 200
    (row,) = _reads()
    assert (row.record_type, row.record_id) == ("person", person.pk)
    assert row.changes == {"fields": [None, ["phones"]], "via": [None, "form"]}


def test_an_inline_editor_reads_its_one_field(owner, admin_user, browser_for, pipeline):
    deal = make_deal(owner, pipeline, amount="52000", source="Referral")
    _mark(admin_user, "deal", "amount")
    client = browser_for(owner)
    assert client.get(f"/inline/deal/{deal.pk}/amount/").status_code == 200
    assert client.get(f"/inline/deal/{deal.pk}/amount/", {"show": 1}).status_code == 200
    assert [r.changes for r in _reads()] == [
        {"fields": [None, ["amount"]], "via": [None, "inline"]}
    ] * 2
    # a field not marked: nothing
    assert client.get(f"/inline/deal/{deal.pk}/source/").status_code == 200
    assert _reads().count() == 2


def test_the_board_writes_one_row_for_its_cards(owner, admin_user, browser_for, pipeline):
    deals = [make_deal(owner, pipeline, amount=str(1000 * n)) for n in range(1, 4)]
    _mark(admin_user, "deal", "amount")
    assert browser_for(owner).get("/deals/").status_code == 200
    (row,) = _reads()
    assert row.changes == {
        "fields": [None, ["amount"]],
        "ids": [None, sorted(d.pk for d in deals)],
        "via": [None, "board"],
    }


def test_the_board_shows_no_close_date_the_viewer_may_not_see(
    owner, admin_user, browser_for, pipeline
):
    make_deal(owner, pipeline, expected_close_date=date(2031, 7, 14))
    page = browser_for(owner).get("/deals/").content.decode()
    assert 'datetime="2031-07-14"' in page
    field_permission_set(
        actor=admin_user, record_type="deal", field="expected_close_date", hidden_from=["sales_rep"]
    )
    assert 'datetime="2031-07-14"' not in browser_for(owner).get("/deals/").content.decode()


def test_the_home_page_records_the_amounts_of_my_deals(owner, admin_user, browser_for, pipeline):
    deal = make_deal(owner, pipeline, amount="52000")
    _mark(admin_user, "deal", "amount")
    assert browser_for(owner).get("/").status_code == 200
    (row,) = _reads()
    assert (row.changes["ids"], row.changes["via"]) == ([None, [deal.pk]], [None, "home"])


def test_a_record_page_records_its_timeline_and_related_cards(
    owner, admin_user, browser_for, pipeline
):
    person = make_person(owner, full_name="Asha Rao")
    note = make_activity(owner, "note", body="Prefers calls after six", person_id=person.pk)
    make_activity(owner, "note", body="", subject="Empty note", person_id=person.pk)
    deal = make_deal(owner, pipeline, amount="52000", person_ids=[person.pk])
    _mark(admin_user, "activity", "body")
    _mark(admin_user, "deal", "amount")
    assert browser_for(owner).get(f"/people/{person.pk}/").status_code == 200
    rows = {r.record_type: r.changes for r in _reads()}
    # the note with a body, not the empty one; the deals card's amount
    assert rows == {
        "activity": {
            "fields": [None, ["body"]],
            "ids": [None, [note.pk]],
            "via": [None, "timeline"],
        },
        "deal": {"fields": [None, ["amount"]], "ids": [None, [deal.pk]], "via": [None, "related"]},
    }
    # the side panel's latest activity, and the API's timeline
    assert browser_for(owner).get(f"/panel/person/{person.pk}/").status_code == 200
    assert _reads().filter(record_type="activity").count() == 2


def test_the_merge_page_records_both_records(owner, admin_user, browser_for):
    a = make_person(owner, full_name="Asha Rao", job_title="Buyer")
    b = make_person(owner, full_name="Asha Rao", job_title="Chief buyer")
    _mark(admin_user, "person", "job_title")
    resp = browser_for(owner).get("/people/merge/", {"ids": f"{a.pk},{b.pk}"})
    assert resp.status_code == 200
    (row,) = _reads()
    assert row.changes == {
        "fields": [None, ["job_title"]],
        "ids": [None, sorted([a.pk, b.pk])],
        "via": [None, "merge"],
    }


def test_the_history_tab_records_the_earlier_values(owner, admin_user, browser_for):
    person = make_person(owner, full_name="Asha Rao", job_title="Buyer")
    _mark(admin_user, "person", "job_title")
    assert browser_for(owner).get(f"/history/person/{person.pk}/").status_code == 200
    (row,) = _reads()
    assert (row.record_id, row.changes) == (
        person.pk,
        {"fields": [None, ["job_title"]], "via": [None, "history"]},
    )


def test_the_convert_form_does_not_suggest_a_sensitive_company(owner, admin_user, browser_for):
    lead = make_lead(owner, full_name="Lena Fischer", company="Fischer Textil")
    client = browser_for(owner)
    assert "Fischer Textil deal" in client.get(f"/leads/{lead.pk}/convert/").content.decode()
    _mark(admin_user, "lead", "company")
    page = client.get(f"/leads/{lead.pk}/convert/").content.decode()
    assert "Fischer Textil" not in page
    assert "Lena Fischer deal" in page
    assert not _reads().exists()


def test_a_hidden_job_title_is_not_shown_under_a_name(owner, admin_user, browser_for):
    org = make_organization(owner, name="Kestrel Looms")
    make_person(owner, full_name="Asha Rao", job_title="Chief buyer", organization_id=org.pk)
    field_permission_set(
        actor=admin_user, record_type="person", field="job_title", hidden_from=["sales_rep"]
    )
    client = browser_for(owner)
    assert "Chief buyer" not in client.get(f"/organizations/{org.pk}/").content.decode()
    assert "Chief buyer" not in client.get("/people/").content.decode()
    assert "Chief buyer" in browser_for(admin_user).get("/people/").content.decode()


def test_a_marked_board_writes_one_row_however_many_cards(
    owner, admin_user, browser_for, pipeline, queries
):
    _mark(admin_user, "deal", "amount", "expected_close_date")
    client = browser_for(owner)
    assert client.get("/deals/").status_code == 200  # the session's first request

    def count(n):
        for i in range(n):
            make_deal(owner, pipeline, amount="100", expected_close_date=date(2031, 1, 1 + i))
        with queries() as ctx:
            assert client.get("/deals/").status_code == 200
        return len(ctx.captured_queries)

    assert count(3) == count(12)
    assert [len(r.changes["ids"][1]) for r in _reads()] == [3, 15]
