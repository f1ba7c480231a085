"""Files on the timeline: a file added to a record is an entry of its own (kind "attachment",
which the timeline's filter knows), a file added to an activity shows on that activity's entry."""

from __future__ import annotations

import pytest

from sambandh.activities.selectors import timeline, timeline_filter
from sambandh.attachments import services
from sambandh.attachments.tests import samples
from tests.factories import make_activity, make_deal, make_person

pytestmark = pytest.mark.django_db


def _attach(actor, record_type, record, name, content=samples.PDF):
    return services.attachment_add(
        actor=actor,
        record_type=record_type,
        record_id=record.pk,
        upload=samples.upload(name, content),
    )


@pytest.fixture
def story(owner, pipeline):
    deal = make_deal(owner, pipeline, name="Kaveri looms")
    note = make_activity(owner, "note", deal_id=deal.pk, body="Signed at last")
    on_note = _attach(owner, "activity", note, "scan.png", samples.PNG)
    contract = _attach(owner, "deal", deal, "contract.pdf")
    return deal, note, on_note, contract


def test_the_api_timeline_shows_files_and_filters_them(api, owner, story):
    deal, note, on_note, contract = story
    client = api(owner)
    url = f"/api/v1/deals/{deal.pk}/timeline"
    items = client.get(url).json()["items"]
    # the deal's file is an entry, newest first; the note's file is on the note's entry
    assert [e["kind"] for e in items][:2] == ["attachment", "note"]
    assert items[0]["attachment"]["filename"] == "contract.pdf"
    assert items[0]["attachment"]["download_url"] == f"/api/v1/attachments/{contract.pk}/download"
    note_entry = next(e for e in items if e["kind"] == "note")
    assert [f["filename"] for f in note_entry["attachments"]] == ["scan.png"]
    # kind=attachment: the files only; and the text filter finds them by name
    only = client.get(url, {"kind": "attachment"}).json()["items"]
    assert [(e["kind"], e["attachment"]["id"]) for e in only] == [("attachment", contract.pk)]
    assert [e["kind"] for e in client.get(url, {"kind": "note"}).json()["items"]] == ["note"]
    found = client.get(url, {"q": "contract"}).json()["items"]
    assert [e["kind"] for e in found] == ["attachment"]


def test_older_pages_of_the_timeline_hold_each_file_once(owner, pipeline):
    person = make_person(owner, full_name="Asha Rao")
    for n in range(5):
        _attach(owner, "person", person, f"{n}.txt", b"file %d" % n)
    first = timeline(viewer=owner, record=person, limit=3)
    second = timeline(viewer=owner, record=person, limit=3, before=first.next_before)
    names = [e.attachment.filename for e in first.entries + second.entries]
    assert names == ["4.txt", "3.txt", "2.txt", "1.txt", "0.txt"]
    assert second.next_before is None


def test_the_timeline_reads_the_files_of_a_page_in_one_query(owner, pipeline, queries):
    # given a deal with activities and files, and files on some of its activities
    deal = make_deal(owner, pipeline, name="Busy deal")
    for n in range(6):
        note = make_activity(owner, "note", deal_id=deal.pk, body=f"note {n}")
        _attach(owner, "activity", note, f"n{n}.txt", b"x")
        _attach(owner, "deal", deal, f"d{n}.txt", b"y")
    for kind in ("", "note", "attachment"):
        with queries() as seen:
            found = timeline(viewer=owner, record=deal, only=timeline_filter(kind, ""))
        reads = [q for q in seen.captured_queries if "attachments_attachment" in q["sql"]]
        # then one query reads the deal's files and those of every activity on the page
        assert len(reads) == 1, kind
        notes = [e.activity for e in found.entries if e.activity]
        assert all(len(a.attachments) == 1 for a in notes)
        files = [e.attachment.filename for e in found.entries if e.attachment]
        assert files == ([] if kind == "note" else [f"d{n}.txt" for n in range(5, -1, -1)])
