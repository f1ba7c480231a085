"""A record's timeline narrowed to some kinds of entry, or to those whose text holds a word: in
the API (``?kind=note,call&q=``) and on the record page (``?tl_kind=&tl_q=``)."""

from __future__ import annotations

import pytest

from tests.factories import make_activity, make_deal, make_person, move_deal

pytestmark = pytest.mark.django_db


@pytest.fixture
def story(owner, pipeline):
    person = make_person(owner, full_name="Asha Rao")
    deal = make_deal(owner, pipeline, name="Kaveri looms", person_ids=[person.pk])
    move_deal(owner, deal, "Proposal")
    note = make_activity(owner, "note", person_id=person.pk, body="Asked about the discount")
    call = make_activity(owner, "call", person_id=person.pk, subject="Renewal call", body="")
    task = make_activity(owner, "task", person_id=person.pk, subject="Send the quote", body="")
    return person, note, call, task


def kinds(resp):
    return [(e["kind"], (e["activity"] or {}).get("id")) for e in resp.json()["items"]]


def test_the_api_filters_the_timeline_by_kind_and_text(api, owner, story):
    person, note, call, task = story
    client = api(owner)
    url = f"/api/v1/people/{person.pk}/timeline"
    assert {k for k, _ in kinds(client.get(url))} == {"note", "call", "task", "stage_change"}
    assert kinds(client.get(url, {"kind": "note,call"})) == [("call", call.pk), ("note", note.pk)]
    assert {k for k, _ in kinds(client.get(url, {"kind": "stage_change"}))} == {"stage_change"}
    assert kinds(client.get(url, {"q": "discount"})) == [("note", note.pk)]
    assert kinds(client.get(url, {"kind": "task", "q": "discount"})) == []
    refused = client.get(url, {"kind": "note,fax"})
    assert refused.status_code == 422
    assert refused.json()["error"]["fields"] == {"kind": "Unknown kind: fax."}


def test_the_record_page_filters_its_timeline(browser_for, owner, story):
    person, note, call, task = story
    client = browser_for(owner)
    page = client.get(f"/people/{person.pk}/", {"tl_kind": "task"})
    assert page.status_code == 200
    shown = [e.activity.pk for e in page.context["timeline"].entries if e.activity]
    assert shown == [task.pk]
    body = page.content.decode()
    assert 'name="tl_kind"' in body and '<option value="task" selected>' in body
    found = client.get(f"/people/{person.pk}/", {"tl_q": "nothing like this"})
    assert "Nothing matches this filter" in found.content.decode()
    # a hand-edited kind filters nothing
    everything = client.get(f"/people/{person.pk}/").context["timeline"].entries
    edited = client.get(f"/people/{person.pk}/", {"tl_kind": "fax"}).context["timeline"].entries
    assert len(edited) == len(everything) == 5  # three activities, two stage changes
