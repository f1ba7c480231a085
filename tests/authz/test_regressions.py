"""Regression tests for what the security review of the foundation found, one named for each."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from sambandh.accounts.services_access import record_share_add
from sambandh.activities import services as activities
from sambandh.activities.models import Activity
from sambandh.activities.schemas import ActivityIn
from sambandh.contacts import services as contacts
from sambandh.contacts.models import Person
from sambandh.contacts.schemas import PersonIn
from sambandh.core.errors import Forbidden
from sambandh.core.models import AuditEvent, SavedView
from sambandh.core.pagination import paginate
from sambandh.core.saved_views import saved_view_create
from sambandh.sales import services as sales
from sambandh.sales.schemas import DealFields
from sambandh.search.selectors import search
from tests.api.helpers import assert_error, snapshot
from tests.factories import (
    make_activity,
    make_deal,
    make_lead,
    make_organization,
    make_person,
)

pytestmark = pytest.mark.django_db


def _hand_over(admin, person, to):
    return contacts.person_update(
        actor=admin, person=person, data=PersonIn.build({"owner_id": to.pk}), version=None
    )


# --- names of hidden records through visible ones ---------------------------------------------
def test_a_hidden_deals_stage_changes_are_not_on_a_persons_timeline(
    api, browser_for, owner, teammate, admin_user, pipeline
):
    # given the owner's deal with a person, a stage change, and the person handed to a teammate
    person = make_person(owner, full_name="Asha Rao")
    deal = make_deal(owner, pipeline, name="Secret expansion")
    sales.deal_update(
        actor=owner, deal=deal, data=DealFields.build({"person_ids": [person.pk]}), version=None
    )
    _hand_over(admin_user, person, teammate)
    # when the teammate reads the person's timeline, on the page and through the API
    page = browser_for(teammate).get(f"/people/{person.pk}/").content.decode()
    resp = api(teammate).get(f"/api/v1/people/{person.pk}/timeline")
    # then the deal's stage changes are not there, neither by name nor by id
    assert resp.status_code == 200
    assert "Secret expansion" not in page and f"/deals/{deal.pk}/" not in page
    assert [e["kind"] for e in resp.json()["items"]] == []
    # while an admin, who sees the deal, has them
    mine = api(admin_user).get(f"/api/v1/people/{person.pk}/timeline").json()["items"]
    assert [(e["kind"], e["stage_change"]["deal"]["name"]) for e in mine] == [
        ("stage_change", "Secret expansion")
    ]


def test_an_activitys_deal_and_organization_are_hidden_after_its_person_changes_hands(
    api, owner, teammate, admin_user, pipeline
):
    org = make_organization(owner, name="Kestrel Analytics")
    person = make_person(owner, full_name="Asha Rao", organization_id=org.pk)
    deal = make_deal(owner, pipeline, name="Kestrel renewal", organization_id=org.pk)
    call = activities.activity_create(
        actor=owner,
        data=ActivityIn.build({"kind": "call", "person_id": person.pk, "deal_id": deal.pk}),
    )
    _hand_over(admin_user, person, teammate)
    resp = api(teammate).get(f"/api/v1/activities/{call.pk}")
    assert resp.status_code == 200
    body = resp.json()
    assert (body["person"]["id"], body["deal"], body["organization"]) == (person.pk, None, None)
    assert "Kestrel" not in resp.content.decode()


def test_a_persons_hidden_organization_is_not_on_their_record_list_row_or_search(
    api, browser_for, owner, teammate, admin_user
):
    org = make_organization(owner, name="Kestrel Analytics")
    person = make_person(owner, full_name="Asha Rao", organization_id=org.pk)
    _hand_over(admin_user, person, teammate)
    client = api(teammate)
    record = client.get(f"/api/v1/people/{person.pk}").json()
    row = client.get("/api/v1/people").json()["items"][0]
    assert record["organization"] is None and row["organization"] is None
    pages = [
        browser_for(teammate).get(url).content.decode()
        for url in (f"/people/{person.pk}/", "/people/", f"/people/{person.pk}/edit/")
    ]
    assert all("Kestrel" not in page and f"/organizations/{org.pk}/" not in page for page in pages)
    hits = search(viewer=teammate, q="Asha")
    assert [(h.title, h.subtitle) for h in hits] == [("Asha Rao", "")]
    # nor is the person found by the organization's name
    assert search(viewer=teammate, q="Kestrel") == []
    assert [h.subtitle for h in search(viewer=admin_user, q="Asha")] == ["Kestrel Analytics"]


def test_a_deals_hidden_organization_is_not_shown(api, browser_for, owner, teammate, pipeline):
    org = make_organization(owner, name="Kestrel Analytics")
    deal = make_deal(owner, pipeline, name="Renewal", organization_id=org.pk)
    record_share_add(actor=owner, record_type="deal", record=deal, user=teammate)
    body = api(teammate).get(f"/api/v1/deals/{deal.pk}")
    assert body.status_code == 200 and body.json()["organization"] is None
    for url in (f"/deals/{deal.pk}/", "/deals/", "/deals/list/"):
        assert "Kestrel" not in browser_for(teammate).get(url).content.decode()
    assert [h.subtitle for h in search(viewer=teammate, q="Renewal")] == [""]


# --- who changes an activity ---------------------------------------------------------------------
def test_an_activity_is_changed_only_by_its_author_assignee_their_managers_or_admins(
    api, browser_for, owner, teammate, manager
):
    # given the owner's note on a person the owner shares with a teammate for editing
    person = make_person(owner, full_name="Asha Rao")
    record_share_add(actor=owner, record_type="person", record=person, user=teammate, access="edit")
    note = make_activity(owner, "note", person_id=person.pk, body="Confidential")
    client, web = api(teammate), browser_for(teammate)
    before = snapshot(note)
    # when the teammate (who may edit the person) edits, detaches or deletes the note
    for resp in (
        client.patch(f"/api/v1/activities/{note.pk}", {"body": "Mine now", "version": 1}),
        client.patch(f"/api/v1/activities/{note.pk}", {"person_id": None, "version": 1}),
        client.delete(f"/api/v1/activities/{note.pk}?version=1"),
    ):
        # then each is refused, and nothing changed
        assert_error(resp, 403, "forbidden")
    assert web.post(f"/activities/{note.pk}/delete/", {"version": "1"}).status_code == 403
    assert snapshot(note) == before
    # and the person's page offers them no edit or delete for it
    page = web.get(f"/people/{person.pk}/").content.decode()
    assert f"/activities/{note.pk}/delete/" not in page
    assert f"/activities/{note.pk}/edit/" not in page
    # while the author's manager may
    resp = api(manager).patch(f"/api/v1/activities/{note.pk}", {"body": "Edited", "version": 1})
    assert resp.status_code == 200


def test_a_task_is_changed_by_its_assignee(api, owner, teammate):
    person = make_person(owner)
    task = make_activity(owner, "task", person_id=person.pk, subject="Call back", assignee=teammate)
    resp = api(teammate).post(f"/api/v1/tasks/{task.pk}/complete", {"version": 1})
    assert resp.status_code == 200 and resp.json()["done"] is True


def test_a_link_of_an_activity_changes_only_by_someone_who_sees_both_ends(
    api, owner, teammate, admin_user, pipeline
):
    # given the owner's call on their person and their deal, and the deal handed to a teammate
    person = make_person(owner)
    deal = make_deal(owner, pipeline, name="Renewal")
    call = activities.activity_create(
        actor=owner,
        data=ActivityIn.build({"kind": "call", "person_id": person.pk, "deal_id": deal.pk}),
    )
    sales.deal_update(
        actor=admin_user, deal=deal, data=DealFields.build({"owner_id": teammate.pk}), version=None
    )
    client = api(owner)
    before = snapshot(call)
    # when the author detaches it from the deal they can no longer see
    resp = client.patch(f"/api/v1/activities/{call.pk}", {"deal_id": None, "version": 1})
    # then that is refused, and the link stays
    assert_error(resp, 403, "forbidden", {"deal_id": "You cannot change this link."})
    assert snapshot(call) == before
    # and a change that leaves the link alone goes through
    resp = client.patch(f"/api/v1/activities/{call.pk}", {"subject": "Called", "version": 1})
    assert resp.status_code == 200 and resp.json()["deal"] is None


# --- lists, writes, views ------------------------------------------------------------------------
def test_a_reps_list_sorted_across_a_relation_merges_owned_and_shared(owner, teammate):
    # given people the rep owns and one shared with them, at organizations
    from sambandh.accounts.policy import visible_branches

    mine = [make_person(teammate, full_name=f"Mine {n}") for n in range(2)]
    theirs = make_person(owner, full_name="Shared")
    record_share_add(actor=owner, record_type="person", record=theirs, user=teammate)
    make_person(owner, full_name="Not shared")
    # when a page of them is sorted by a key across a relation
    page = paginate(
        Person.objects.all(),
        order=["organization__name", "full_name", "id"],
        limit=10,
        branches=visible_branches(teammate, "person"),
    )
    # then the page holds what the rep owns or is shared with them, not nothing
    assert sorted(p.full_name for p in page.items) == sorted(
        [*(p.full_name for p in mine), theirs.full_name]
    )


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/v1/people", {"full_name": "Handed over"}),
        ("/api/v1/organizations", {"name": "Handed over"}),
        ("/api/v1/leads", {"full_name": "Handed over"}),
        ("/api/v1/deals", {"name": "Handed over", "currency": "INR"}),
    ],
)
def test_a_write_that_hands_the_record_to_someone_else_answers_success(
    api, owner, outsider, pipeline, path, body
):
    # when a rep creates a record owned by someone they cannot see
    resp = api(owner).post(path, {**body, "owner_id": outsider.pk})
    # then it answers the record, as for any successful write (a client retrying a 404 would
    # have made a duplicate)
    assert resp.status_code == 201, resp.content
    created = resp.json()
    assert created["owner"]["id"] == outsider.pk
    # and afterwards it is not theirs to read
    assert api(owner).get(f"{path}/{created['id']}").status_code == 404


def test_a_change_of_owner_answers_success(api, owner, outsider):
    person = make_person(owner, full_name="Asha Rao")
    resp = api(owner).patch(
        f"/api/v1/people/{person.pk}", {"owner_id": outsider.pk, "version": person.version}
    )
    assert resp.status_code == 200 and resp.json()["owner"]["id"] == outsider.pk


def test_a_read_only_user_cannot_publish_a_shared_view(readonly, browser_for):
    with pytest.raises(Forbidden):
        saved_view_create(
            actor=readonly, list_key="people", name="Everyone's", filters={}, is_shared=True
        )
    # the page offers no "share with everyone", and a forged form publishes nothing
    client = browser_for(readonly)
    assert 'name="is_shared"' not in client.get("/people/").content.decode()
    client.post("/people/", {"_action": "save_view", "view_name": "Everyone's", "is_shared": "on"})
    assert not SavedView.objects.filter(is_shared=True).exists()
    # a view for themselves is fine
    saved_view_create(actor=readonly, list_key="people", name="Mine", filters={})


# --- edits not lost ------------------------------------------------------------------------------
def test_two_people_editing_one_note_the_second_sees_the_conflict_and_keeps_their_text(
    browser_for, owner, manager
):
    person = make_person(owner)
    note = make_activity(owner, "note", person_id=person.pk, body="First draft")
    # given both open the note's edit form at version 1
    first, second = browser_for(owner), browser_for(manager)
    assert 'name="version" value="1"' in first.get(f"/activities/{note.pk}/edit/").content.decode()
    # when the first saves, then the second
    form = {"kind": "note", "version": "1"}
    assert (
        first.post(f"/activities/{note.pk}/edit/", {**form, "body": "Owner's"}).status_code == 302
    )
    resp = second.post(f"/activities/{note.pk}/edit/", {**form, "body": "Manager's words"})
    # then the second is told, keeps what they typed, and the first edit stands
    assert resp.status_code == 409
    page = resp.content.decode()
    assert "changed by someone else" in page and "Manager&#x27;s words" in page
    note.refresh_from_db()
    assert (note.body, note.version) == ("Owner's", 2)


def test_a_task_ticked_on_a_stale_page_is_a_conflict(browser_for, owner):
    task = make_activity(owner, "task", subject="Call back")
    activities.task_complete(actor=owner, task=task, version=1)
    resp = browser_for(owner).post(
        f"/activities/{task.pk}/toggle/",
        {"done": "", "version": "1"},
        headers={"HX-Request": "true"},
    )
    task.refresh_from_db()
    assert resp.status_code == 200 and task.done_at is not None and task.version == 2


def test_a_handed_over_person_whose_organization_the_new_owner_cannot_see_saves(
    browser_for, owner, teammate, admin_user
):
    org = make_organization(owner, name="Kestrel Analytics")
    person = make_person(owner, full_name="Asha Rao", organization_id=org.pk)
    _hand_over(admin_user, person, teammate)
    client = browser_for(teammate)
    page = client.get(f"/people/{person.pk}/edit/").content.decode()
    assert "Kestrel" not in page and "A record you cannot see" in page
    resp = client.post(
        f"/people/{person.pk}/edit/",
        {"full_name": "Asha R. Rao", "owner": teammate.pk, "organization": "", "version": "2"},
    )
    assert resp.status_code == 302, resp.content.decode()[:2000]
    person.refresh_from_db()
    assert (person.full_name, person.organization_id) == ("Asha R. Rao", org.pk)


# --- structure -----------------------------------------------------------------------------------
APPS = Path(__file__).resolve().parents[2] / "sambandh"


def _imports(path: Path) -> list[tuple[str, list[str]]]:
    tree = ast.parse(path.read_text())
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.append((node.module, [alias.name for alias in node.names]))
    return found


def test_no_app_takes_another_apps_private_helpers():
    taken = []
    for path in APPS.rglob("*.py"):
        app = path.relative_to(APPS).parts[0]
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for module, names in _imports(path):
            parts = module.split(".")
            if parts[0] == "sambandh" and len(parts) > 1 and parts[1] not in (app, "core"):
                taken += [f"{path.name}: {module}.{n}" for n in names if n.startswith("_")]
    assert taken == []


def test_the_contacts_services_do_not_import_sales():
    modules = [
        module
        for path in (APPS / "contacts" / "services").rglob("*.py")
        for module, _names in _imports(path)
    ]
    assert not [m for m in modules if m.startswith("sambandh.sales")]


def test_converting_a_lead_moves_its_activities_through_their_service(owner, pipeline):
    lead = make_lead(owner, full_name="Asha Rao", company="Kestrel")
    notes = [make_activity(owner, "note", lead_id=lead.pk) for _ in range(2)]
    before = AuditEvent.objects.filter(record_type="activity", action="update").count()
    converted = sales.lead_convert(actor=owner, lead=lead, version=lead.version)
    for note in notes:
        note.refresh_from_db()
        assert (note.person_id, note.deal_id, note.version) == (
            converted.converted_person_id,
            converted.converted_deal_id,
            2,
        )
    assert AuditEvent.objects.filter(record_type="activity", action="update").count() == (
        before + 2
    )
    assert Activity.objects.filter(lead=lead).count() == 2  # the lead's history stays linked
