"""The recycle bin on the web: the page, restoring, the flash after a delete, no-store pages,
and an edit saved after someone deleted the record."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from sambandh.contacts.models import Person
from sambandh.contacts.services import person_delete
from sambandh.recyclebin.models import BinEntry
from sambandh.recyclebin.services import bins_purge
from sambandh.sales.models import Deal
from sambandh.sales.services import deal_delete
from tests import factories

pytestmark = pytest.mark.django_db


def _delete(actor, person):
    person_delete(actor=actor, person=Person.objects.get(pk=person.pk))
    return BinEntry.objects.get(record_type="person", record_id=person.pk)


def test_the_page_lists_what_the_user_may_restore(owner, teammate, browser_for):
    person = factories.make_person(owner, full_name="Asha Rao")
    factories.make_activity(owner, "note", person_id=person.pk)
    _delete(owner, person)
    page = browser_for(owner).get("/recycle-bin/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Asha Rao" in html
    assert "1 activity" in html
    assert "Olivia Owner" in html
    assert "Restore" in html
    assert "Asha Rao" not in browser_for(teammate).get("/recycle-bin/").content.decode()


def test_restore_from_the_page_opens_the_record(owner, browser_for):
    person = factories.make_person(owner, full_name="Asha Rao")
    entry = _delete(owner, person)
    client = browser_for(owner)
    resp = client.post(f"/recycle-bin/{entry.pk}/restore/")
    assert resp.status_code == 302
    assert resp["Location"] == f"/people/{person.pk}/"
    assert "Asha Rao was restored." in client.get(resp["Location"]).content.decode()


def test_restore_of_a_purged_entry_explains_on_the_page(owner, browser_for):
    person = factories.make_person(owner, full_name="Asha Rao")
    entry = _delete(owner, person)
    BinEntry.objects.filter(pk=entry.pk).update(
        deleted_at=timezone.now() - datetime.timedelta(days=31)
    )
    bins_purge()
    client = browser_for(owner)
    resp = client.post(f"/recycle-bin/{entry.pk}/restore/", follow=True)
    assert resp.status_code == 200
    assert "was purged from the recycle bin on" in resp.content.decode()
    assert not Person.objects.filter(pk=person.pk).exists()


def test_someone_elses_entry_is_404_on_the_web(owner, teammate, browser_for):
    entry = _delete(owner, factories.make_person(owner))
    assert browser_for(teammate).post(f"/recycle-bin/{entry.pk}/restore/").status_code == 404


def test_deleting_on_the_web_says_recycle_bin_with_a_restore_button(owner, browser_for):
    person = factories.make_person(owner, full_name="Asha Rao")
    client = browser_for(owner)
    resp = client.post(f"/people/{person.pk}/delete/", {"version": person.version}, follow=True)
    html = resp.content.decode()
    entry = BinEntry.objects.get(record_type="person", record_id=person.pk)
    assert "Asha Rao was moved to the recycle bin." in html
    assert f'action="/recycle-bin/{entry.pk}/restore/"' in html


def test_record_pages_and_forms_are_not_stored_by_the_browser(owner, browser_for):
    person = factories.make_person(owner)
    client = browser_for(owner)
    for url in (f"/people/{person.pk}/", f"/people/{person.pk}/edit/", "/recycle-bin/"):
        assert "no-store" in client.get(url)["Cache-Control"], url


def test_saving_an_edit_of_a_person_deleted_meanwhile_keeps_what_was_typed(
    owner, teammate, manager, browser_for
):
    # given a person the manager opened for editing, then the owner deleted
    person = factories.make_person(owner, full_name="Asha Rao", job_title="Buyer")
    form_page = browser_for(manager).get(f"/people/{person.pk}/edit/")
    assert form_page.status_code == 200
    _delete(owner, person)
    # when the manager saves
    resp = browser_for(manager).post(
        f"/people/{person.pk}/edit/",
        {
            "version": person.version,
            "full_name": "Asha Rao-Menon",
            "job_title": "Head of buying",
            "owner": str(owner.pk),
        },
    )
    # then the form comes back with what they typed and says what happened
    assert resp.status_code == 409
    html = resp.content.decode()
    assert 'value="Asha Rao-Menon"' in html
    assert 'value="Head of buying"' in html
    assert "This person was deleted by Olivia Owner" in html
    assert "it is in the recycle bin" in html
    # (the manager may not restore their rep's entry: the owner or an admin may)
    assert "Its owner or an administrator can restore it." in html
    assert "formaction" not in html
    assert not Person.objects.filter(pk=person.pk).exists()
    # and someone who may not see the entry still gets 404
    assert (
        browser_for(teammate)
        .post(f"/people/{person.pk}/edit/", {"full_name": "x", "version": 1})
        .status_code
        == 404
    )


def test_saving_an_edit_of_a_deal_deleted_meanwhile(owner, pipeline, browser_for):
    deal = factories.make_deal(owner, pipeline, name="Loom order")
    deal_delete(actor=owner, deal=Deal.objects.get(pk=deal.pk))
    resp = browser_for(owner).post(
        f"/deals/{deal.pk}/edit/",
        {"version": deal.version, "name": "Loom order, revised", "currency": "INR"},
    )
    assert resp.status_code == 409
    html = resp.content.decode()
    assert 'value="Loom order, revised"' in html
    assert "This deal was deleted by Olivia Owner" in html
    entry = BinEntry.objects.get(record_type="deal", record_id=deal.pk)
    assert f'formaction="/recycle-bin/{entry.pk}/restore/"' in html
