"""Bulk delete (sambandh/bulk): each record the actor may delete goes to the recycle bin as an
entry of its own, the others are skipped with the reason; undoing the job restores them."""

from __future__ import annotations

import pytest

from sambandh.activities.models import Activity
from sambandh.contacts.models import Person
from sambandh.recyclebin.models import BinEntry
from tests.bulk_jobs import V1, job, outcomes, run_worker, start
from tests.factories import make_activity, make_person

pytestmark = pytest.mark.django_db


def test_bulk_delete_bins_each_record_and_undo_restores_them(api, owner, outsider):
    # given two of the owner's people (one with a note) and one of the outsider's
    mine = [make_person(owner, full_name=f"Mine {i}") for i in range(2)]
    note = make_activity(owner, "note", person_id=mine[0].pk)
    theirs = make_person(outsider, full_name="Theirs")
    client = api(owner)
    # when the owner deletes all three in bulk
    job_id = start(
        client, "people", {"ids": [*(p.pk for p in mine), theirs.pk], "action": "delete"}
    )
    run_worker()
    # then theirs went to the bin, each as its own entry, and the other was skipped
    assert job(client, job_id)["status"] == "done"
    found = outcomes(client, job_id)
    assert found[mine[0].pk][0] == found[mine[1].pk][0] == "changed"
    assert found[theirs.pk][0] == "skipped"
    assert not Person.objects.filter(pk__in=[p.pk for p in mine]).exists()
    assert not Activity.objects.filter(pk=note.pk).exists()
    assert Person.objects.filter(pk=theirs.pk).exists()
    entries = BinEntry.objects.filter(record_type="person", deleted_by=owner)
    assert sorted(entries.values_list("record_id", flat=True)) == sorted(p.pk for p in mine)
    # when the job is undone
    resp = client.post(f"{V1}/jobs/{job_id}/undo", {})
    assert resp.status_code == 202, resp.content
    undo_id = resp.json()["id"]
    run_worker()
    # then both are back, with the note, and the entries are marked restored
    assert job(client, undo_id)["status"] == "done"
    assert {o for o, _r in outcomes(client, undo_id).values()} == {"changed"}
    assert Person.objects.filter(pk__in=[p.pk for p in mine]).count() == 2
    assert Activity.objects.get(pk=note.pk).person_id == mine[0].pk
    assert not entries.filter(restored_at__isnull=True).exists()


def test_undo_skips_what_was_restored_meanwhile(api, owner):
    person = make_person(owner, full_name="Asha")
    client = api(owner)
    job_id = start(client, "people", {"ids": [person.pk], "action": "delete"})
    run_worker()
    entry = BinEntry.objects.get(record_type="person", record_id=person.pk)
    assert client.post(f"{V1}/recycle-bin/{entry.pk}/restore").status_code == 200
    undo_id = client.post(f"{V1}/jobs/{job_id}/undo", {}).json()["id"]
    run_worker()
    outcome, reason = outcomes(client, undo_id)[person.pk]
    assert outcome == "skipped"
    assert "was already restored" in reason
    assert Person.objects.filter(pk=person.pk).count() == 1


def test_the_selection_bar_offers_delete_with_a_confirmation(owner, browser_for):
    make_person(owner, full_name="Asha")
    html = browser_for(owner).get("/people/").content.decode()
    assert '<option value="delete">Delete (to the recycle bin)</option>' in html
    assert "data-delete-confirm=" in html


def test_bulk_delete_from_the_web(owner, browser_for):
    person = make_person(owner, full_name="Asha")
    client = browser_for(owner)
    resp = client.post("/bulk/people/", {"action": "delete", "ids": [str(person.pk)]})
    assert resp.status_code == 302
    run_worker()
    assert not Person.objects.filter(pk=person.pk).exists()
    assert BinEntry.objects.filter(record_type="person", record_id=person.pk).exists()
