"""Field permissions: an admin hides a field from roles or makes it read-only for them, through
``PUT /api/v1/field-permissions`` or Settings → Field permissions, and every page, list, filter,
sort, search and API answer follows from the next request."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from sambandh.accounts.models import FieldRule
from sambandh.accounts.services_access import field_permission_set
from sambandh.core.formats import iso
from sambandh.exports.columns import iso as export_iso
from sambandh.exports.tests.conftest import read_csv
from sambandh.sales import services as sales
from sambandh.sales.schemas import DealFields
from sambandh.search.selectors import search
from tests.api.helpers import assert_error, snapshot
from tests.factories import make_activity, make_deal, make_organization, make_person

pytestmark = pytest.mark.django_db
URL = "/api/v1/field-permissions"


@pytest.fixture
def person(owner):
    org = make_organization(owner, name="Kestrel Analytics")
    return make_person(
        owner,
        full_name="Asha Rao",
        email="asha@kestrel.example",
        phone="+91 98765 43210",
        organization_id=org.pk,
        job_title="Buyer",
    )


def _hide(admin, record_type, field, roles=("sales_rep",), read_only=()):
    field_permission_set(
        actor=admin,
        record_type=record_type,
        field=field,
        hidden_from=list(roles),
        read_only_for=list(read_only),
    )


def test_an_admin_sets_and_reads_a_fields_permissions(api, admin_user, owner):
    resp = api(admin_user).put(
        URL,
        {
            "record_type": "person",
            "field": "phones",
            "hidden_from": ["sales_rep"],
            "read_only_for": ["marketer"],
        },
    )
    assert resp.status_code == 200
    assert resp.json() == {
        "record_type": "person",
        "field": "phones",
        "hidden_from": ["sales_rep"],
        "read_only_for": ["marketer"],
    }
    listed = api(owner).get(URL, {"record_type": "person"}).json()["items"]
    phones = next(item for item in listed if item["field"] == "phones")
    assert (phones["hidden_from"], phones["read_only_for"]) == (["sales_rep"], ["marketer"])
    assert next(item for item in listed if item["field"] == "full_name")["hideable"] is False


def test_only_an_admin_sets_field_permissions(api, manager):
    client = api(manager)
    resp = client.put(URL, {"record_type": "person", "field": "phones", "hidden_from": []})
    assert_error(resp, 403, "forbidden")
    assert not FieldRule.objects.exists()


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"record_type": "spaceship", "field": "phones"}, {"record_type": "Not a record type."}),
        (
            {"record_type": "person", "field": "shoe_size"},
            {"field": "Not a field of this record type."},
        ),
        (
            {"record_type": "person", "field": "phones", "hidden_from": ["pirate"]},
            {
                "hidden_from.0": "Unknown role. Choose from: manager, sales_rep, "
                "support_agent, marketer, read_only."
            },
        ),
        (
            {"record_type": "person", "field": "phones", "read_only_for": ["admin"]},
            {"read_only_for.0": "Administrators always see and change every field."},
        ),
        (
            {"record_type": "person", "field": "full_name", "hidden_from": ["sales_rep"]},
            {"hidden_from": "This field identifies the record and cannot be hidden."},
        ),
        (
            {
                "record_type": "person",
                "field": "phones",
                "hidden_from": ["marketer"],
                "read_only_for": ["marketer"],
            },
            {"read_only_for": "“marketer” is already hidden from."},
        ),
        (
            {"record_type": "person", "field": "phones", "everyone": True},
            {"everyone": "Unknown field."},
        ),
    ],
)
def test_a_bad_field_permission_is_refused_and_changes_nothing(api, admin_user, body, fields):
    _hide(admin_user, "person", "emails", roles=["marketer"])
    before = list(FieldRule.objects.values_list())
    resp = api(admin_user).put(URL, body)
    assert_error(resp, 422, "validation_failed", fields)
    assert list(FieldRule.objects.values_list()) == before


def test_a_hidden_field_is_absent_from_the_record_and_the_list(api, admin_user, owner, person):
    client = api(owner)
    assert client.get(f"/api/v1/people/{person.pk}").json()["phone"] == "+919876543210"
    assert client.lane_answered
    # when phones are hidden from sales reps
    _hide(admin_user, "person", "phones")
    # then from the next request the record has no phones, and the read lane stepped aside
    record = client.get(f"/api/v1/people/{person.pk}")
    assert record.status_code == 200 and not client.lane_answered
    assert "phones" not in record.json() and "phone" not in record.json()
    assert record.json()["emails"][0]["email"] == "asha@kestrel.example"
    row = client.get("/api/v1/people").json()["items"][0]
    assert "phone" not in row and row["email"] == "asha@kestrel.example"
    assert "98765" not in record.content.decode() + str(row)
    # while an admin still sees them
    assert api(admin_user).get(f"/api/v1/people/{person.pk}").json()["phone"] == "+919876543210"


def test_a_hidden_field_cannot_be_filtered_or_sorted_on(api, admin_user, owner, pipeline):
    make_deal(owner, pipeline, name="Big", amount="900")
    _hide(admin_user, "deal", "amount")
    _hide(admin_user, "person", "emails")
    client = api(owner)
    assert_error(
        client.get("/api/v1/deals", {"sort": "-amount"}),
        422,
        "validation_failed",
        {"sort": "This field is hidden from you."},
    )
    assert_error(
        client.get("/api/v1/people", {"email": "asha@kestrel.example"}),
        422,
        "validation_failed",
        {"email": "This field is hidden from you."},
    )
    deal = client.get("/api/v1/deals").json()["items"][0]
    assert "amount" not in deal and deal["name"] == "Big"


def test_a_hidden_field_is_not_searched_nor_shown_in_results(admin_user, owner, person):
    assert [h.subtitle for h in search(viewer=owner, q="98765")] == [
        "Buyer · Kestrel Analytics · asha@kestrel.example"
    ]
    _hide(admin_user, "person", "phones")
    _hide(admin_user, "person", "emails")
    owner = type(owner).objects.get(pk=owner.pk)  # the next request
    assert search(viewer=owner, q="98765") == []
    assert search(viewer=owner, q="asha@kestrel.example") == []
    assert [h.subtitle for h in search(viewer=owner, q="Asha")] == ["Buyer · Kestrel Analytics"]
    assert [h.record_id for h in search(viewer=admin_user, q="98765")] == [person.pk]


def test_a_change_to_a_read_only_field_is_refused_and_changes_nothing(
    api, admin_user, owner, person
):
    _hide(admin_user, "person", "job_title", roles=[], read_only=["sales_rep"])
    client = api(owner)
    before = snapshot(person)
    resp = client.patch(f"/api/v1/people/{person.pk}", {"job_title": "CEO", "version": 1})
    assert_error(resp, 403, "forbidden", {"job_title": "You cannot change this field."})
    assert snapshot(person) == before
    # sending it back unchanged is fine
    resp = client.patch(
        f"/api/v1/people/{person.pk}", {"job_title": "Buyer", "source": "fair", "version": 1}
    )
    assert resp.status_code == 200 and resp.json()["job_title"] == "Buyer"


def test_a_change_to_a_hidden_field_is_refused(api, admin_user, owner, person):
    _hide(admin_user, "person", "phones")
    client = api(owner)
    before = snapshot(person)
    resp = client.patch(
        f"/api/v1/people/{person.pk}", {"phones": [{"number": "+91 90000 00000"}], "version": 1}
    )
    assert_error(resp, 403, "forbidden", {"phones": "You cannot change this field."})
    assert snapshot(person) == before


def test_pages_leave_out_a_hidden_field_and_forms_keep_it(browser_for, admin_user, owner, person):
    _hide(admin_user, "person", "phones")
    client = browser_for(owner)
    for url in (f"/people/{person.pk}/", "/people/", f"/people/{person.pk}/edit/"):
        page = client.get(url).content.decode()
        assert "98765" not in page and "9876543210" not in page, url
    # saving the form (which has no phone field now) keeps the phone
    resp = client.post(
        f"/people/{person.pk}/edit/",
        {"full_name": "Asha R. Rao", "owner": owner.pk, "organization": "", "version": "1"},
    )
    assert resp.status_code == 302
    person.refresh_from_db()
    assert (person.full_name, person.phone) == ("Asha R. Rao", "+919876543210")


def test_a_read_only_field_is_shown_but_disabled_in_the_form(
    browser_for, admin_user, owner, person
):
    _hide(admin_user, "person", "job_title", roles=[], read_only=["sales_rep"])
    page = browser_for(owner).get(f"/people/{person.pk}/edit/").content.decode()
    assert (
        'name="job_title" value="Buyer"' in page
        and "disabled" in page.split('name="job_title"')[1][:80]
    )


def test_a_hidden_amount_leaves_the_board_without_totals(browser_for, admin_user, owner, pipeline):
    make_deal(owner, pipeline, name="Big", amount="987654", currency="INR")
    _hide(admin_user, "deal", "amount")
    page = browser_for(owner).get("/deals/").content.decode()
    assert "Big" in page and "9,87,654" not in page and "987,654" not in page


def test_a_hidden_activity_field_is_not_on_the_timeline_nor_in_the_api(
    api, browser_for, admin_user, owner, person
):
    note = make_activity(owner, "note", person_id=person.pk, body="The secret price is 42")
    _hide(admin_user, "activity", "body")
    assert "secret price" not in browser_for(owner).get(f"/people/{person.pk}/").content.decode()
    assert "body" not in api(owner).get(f"/api/v1/activities/{note.pk}").json()


def test_the_settings_page_sets_field_permissions(browser_for, admin_user, owner):
    client = browser_for(admin_user)
    page = client.get("/settings/fields/?type=deal").content.decode()
    assert 'name="rule:amount:sales_rep"' in page
    resp = client.post("/settings/fields/?type=deal", {"rule:amount:sales_rep": "hidden"})
    assert resp.status_code == 302
    assert list(FieldRule.objects.values_list("record_type", "field", "role", "access")) == [
        ("deal", "amount", "sales_rep", "hidden")
    ]
    # a rep gets no settings
    assert browser_for(owner).get("/settings/fields/").status_code == 403


def test_field_permissions_apply_to_deal_writes_too(api, admin_user, owner, pipeline):
    deal = make_deal(owner, pipeline, name="Big")
    _hide(admin_user, "deal", "amount", roles=[], read_only=["sales_rep"])
    client = api(owner)
    before = snapshot(deal)
    resp = client.patch(f"/api/v1/deals/{deal.pk}", {"amount": "5", "version": 1})
    assert_error(resp, 403, "forbidden", {"amount": "You cannot change this field."})
    assert snapshot(deal) == before
    sales.deal_update(
        actor=admin_user, deal=deal, data=DealFields.build({"amount": "5"}), version=1
    )


# --- an activity's time and a task's due date ------------------------------------------------
# They place the activity on its timeline and the task in "My tasks" (and order them): the
# registry declares them always shown (``hideable=False``), like a record's name. The settings
# refuse to hide them; read-only they may be.
@pytest.mark.parametrize("field", ["occurred_at", "due_at"])
def test_an_activitys_time_and_due_date_cannot_be_hidden(api, browser_for, admin_user, field):
    resp = api(admin_user).put(
        URL, {"record_type": "activity", "field": field, "hidden_from": ["sales_rep"]}
    )
    assert_error(
        resp,
        422,
        "validation_failed",
        {"hidden_from": "This field identifies the record and cannot be hidden."},
    )
    listed = api(admin_user).get(URL, {"record_type": "activity"}).json()["items"]
    assert next(item for item in listed if item["field"] == field)["hideable"] is False
    client = browser_for(admin_user)
    page = client.get("/settings/fields/?type=activity").content.decode()
    select = page.split(f'name="rule:{field}:sales_rep"', 1)[1].split("</select>", 1)[0]
    assert 'value="read_only"' in select and 'value="hidden"' not in select
    client.post("/settings/fields/?type=activity", {f"rule:{field}:sales_rep": "hidden"})
    assert not FieldRule.objects.filter(access=FieldRule.Access.HIDDEN).exists()


@pytest.fixture
def dated(owner, person):
    when = dt.datetime(2026, 3, 4, 9, 15, tzinfo=dt.UTC)
    due = timezone.now().replace(microsecond=0) + dt.timedelta(days=2, hours=3)
    note = make_activity(owner, "call", person_id=person.pk, occurred_at=when.isoformat())
    task = make_activity(
        owner, "task", subject="Send the quote", person_id=person.pk, due_at=due.isoformat()
    )
    return note, task, when, due


def _due_badge(task):
    due = task.due_at  # the viewers here read times in UTC
    return f"Due {due:%b} {due.day}, {due.year}"


def _times_shown(api_client, browser, person, note, task, *, assignee=True):
    """Where the call's time and the task's due date are shown to the viewer (``assignee``: the
    task's assignee, whose "My tasks" and home page list it)."""
    record = browser.get(f"/people/{person.pk}/").content.decode()
    panel = browser.get(f"/panel/person/{person.pk}/").content.decode()
    tasks = browser.get("/tasks/").content.decode() if assignee else iso(task.due_at)
    home = browser.get("/").content.decode() if assignee else iso(task.due_at)
    timeline = api_client.get(f"/api/v1/people/{person.pk}/timeline").json()["items"]
    by_id = {i["activity"]["id"]: i["activity"] for i in timeline if i.get("activity")}
    exported = {
        row["ID"]: row
        for row in read_csv(api_client.get("/api/v1/activities/export", {"format": "csv"}))
    }
    return {
        "export": exported[str(note.pk)].get("When") == export_iso(note.occurred_at)
        and exported[str(task.pk)].get("Due") == export_iso(task.due_at),
        "page": iso(note.occurred_at) in record and _due_badge(task) in record,
        "panel": iso(note.occurred_at) in panel,
        "tasks": iso(task.due_at) in tasks,
        "home": iso(task.due_at) in home,
        "api": api_client.get(f"/api/v1/activities/{note.pk}").json().get("occurred_at") is not None
        and api_client.get(f"/api/v1/tasks/{task.pk}").json().get("due_at") is not None
        and "occurred_at" in by_id[note.pk]
        and "due_at" in by_id[task.pk],
    }


def test_a_read_only_due_date_is_shown_but_not_changed(api, browser_for, admin_user, owner, dated):
    note, task, _when, due = dated
    _hide(admin_user, "activity", "due_at", roles=[], read_only=["sales_rep"])
    _hide(admin_user, "activity", "occurred_at", roles=[], read_only=["sales_rep"])
    person = note.person
    shown = _times_shown(api(owner), browser_for(owner), person, note, task)
    assert shown == dict.fromkeys(shown, True)
    assert api(owner).get("/api/v1/tasks", {"sort": "due"}).status_code == 200
    client = api(owner)
    before = snapshot(task)
    resp = client.patch(
        f"/api/v1/tasks/{task.pk}", {"due_at": "2030-01-01T00:00:00Z", "version": task.version}
    )
    assert_error(resp, 403, "forbidden", {"due_at": "You cannot change this field."})
    assert snapshot(task) == before


def test_a_hidden_rule_on_a_time_written_to_the_table_counts_as_read_only(
    api, browser_for, admin_user, owner, dated
):
    """No setting writes one; a row put there some other way (by hand, from an old backup)
    neither hides the time from some pages and not others nor lets it be changed."""
    note, task, _when, _due = dated
    FieldRule.objects.bulk_create(
        FieldRule(record_type="activity", field=name, role="sales_rep", access="hidden")
        for name in ("occurred_at", "due_at")
    )
    shown = _times_shown(api(owner), browser_for(owner), note.person, note, task)
    assert shown == dict.fromkeys(shown, True)
    # sorting by them is no reveal, and stays allowed
    assert api(owner).get("/api/v1/activities", {"sort": "-occurred"}).status_code == 200
    assert api(owner).get("/api/v1/tasks", {"sort": "due"}).status_code == 200
    resp = api(owner).patch(
        f"/api/v1/activities/{note.pk}",
        {"occurred_at": "2030-01-01T00:00:00Z", "version": note.version},
    )
    assert_error(resp, 403, "forbidden", {"occurred_at": "You cannot change this field."})
    # an admin sees and changes them as ever
    admin_api, admin_browser = api(admin_user), browser_for(admin_user)
    shown = _times_shown(admin_api, admin_browser, note.person, note, task, assignee=False)
    assert shown == dict.fromkeys(shown, True)


def test_a_hidden_date_of_birth_leaves_every_answer_and_form_keeps_it(
    api, browser_for, admin_user, owner
):
    asha = make_person(owner, full_name="Asha Rao", birth_date=dt.date(1987, 11, 23))
    client = api(owner)
    assert client.get(f"/api/v1/people/{asha.pk}").json()["birth_date"] == "1987-11-23"
    page = browser_for(owner).get(f"/people/{asha.pk}/").content.decode()
    assert "Date of birth" in page and "Nov 23, 1987" in page
    form = browser_for(owner).get(f"/people/{asha.pk}/edit/").content.decode()
    assert 'name="birth_date"' in form
    # when the date of birth is hidden from sales reps
    _hide(admin_user, "person", "birth_date")
    record = client.get(f"/api/v1/people/{asha.pk}")
    assert record.status_code == 200 and "birth_date" not in record.json()
    listed = client.get("/api/v1/people").json()["items"][0]
    assert "1987-11-23" not in record.content.decode() + str(listed)
    for url in (f"/people/{asha.pk}/", f"/people/{asha.pk}/edit/"):
        page = browser_for(owner).get(url).content.decode()
        assert "Date of birth" not in page and 'name="birth_date"' not in page, url
        assert "1987-11-23" not in page and "Nov 23, 1987" not in page, url
    # a change to it through the API is refused, and the form saved without it keeps it
    refused = client.patch(f"/api/v1/people/{asha.pk}", {"birth_date": "1990-01-01", "version": 1})
    assert_error(refused, 403, "forbidden", {"birth_date": "You cannot change this field."})
    saved = browser_for(owner).post(
        f"/people/{asha.pk}/edit/",
        {"full_name": "Asha R. Rao", "owner": owner.pk, "organization": "", "version": "1"},
    )
    assert saved.status_code == 302
    asha.refresh_from_db()
    assert (asha.full_name, asha.birth_date) == ("Asha R. Rao", dt.date(1987, 11, 23))
    # the export leaves the column out for the rep, and has it for an admin
    rep_rows = read_csv(client.get("/api/v1/people/export", {"format": "csv"}))
    admin_rows = read_csv(api(admin_user).get("/api/v1/people/export", {"format": "csv"}))
    assert "Date of birth" not in rep_rows[0]
    assert admin_rows[0]["Date of birth"] == "1987-11-23"
    # an admin still sees it
    assert api(admin_user).get(f"/api/v1/people/{asha.pk}").json()["birth_date"] == "1987-11-23"
