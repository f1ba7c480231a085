"""The merge page, the Undo button on the kept record's page, and the entry points."""

from __future__ import annotations

import re

import pytest

from sambandh.accounts.services_access import field_permission_set
from sambandh.activities.models import Activity
from sambandh.contacts.models import Merge, Person
from sambandh.dedupe.models import DuplicatePair
from tests.factories import make_activity, make_organization, make_person

pytestmark = pytest.mark.django_db


def test_merge_page_choose_a_field_merge_then_undo(owner, browser_for):
    kept = make_person(owner, full_name="Asha Rao", job_title="Buyer")
    dup = make_person(owner, full_name="A. Rao", job_title="Head of Buying")
    make_activity(owner, "note", body="Met at the fair", person_id=dup.pk)
    client = browser_for(owner)

    page = client.get(f"/people/merge/?ids={kept.pk},{dup.pk}")
    assert page.status_code == 200
    html = page.content.decode()
    assert f'name="field:job_title" value="{dup.pk}"' in html
    assert "Head of Buying" in html and "Buyer" in html
    assert "1 activities" in html  # what the duplicate's links are
    assert 'name="field:country"' not in html  # the same on both: no choice

    resp = client.post(
        "/people/merge/",
        {"ids": f"{kept.pk},{dup.pk}", "keep": kept.pk, "field:job_title": dup.pk},
    )
    merge = Merge.objects.get()
    assert resp.status_code == 302
    assert resp["Location"] == f"/people/{kept.pk}/?merged={merge.pk}"
    assert Person.objects.get(pk=kept.pk).job_title == "Head of Buying"
    assert Activity.objects.get().person_id == kept.pk

    detail = client.get(resp["Location"]).content.decode()
    assert f'action="/merges/{merge.pk}/undo/"' in detail

    undone = client.post(f"/merges/{merge.pk}/undo/")
    assert undone.status_code == 302
    assert Person.objects.get(pk=kept.pk).job_title == "Buyer"
    assert Activity.objects.get().person_id == dup.pk
    assert Merge.objects.get().undone_at is not None


def test_a_refused_merge_shows_why_and_changes_nothing(owner, outsider, browser_for):
    kept = make_person(owner, full_name="Asha Rao")
    theirs = make_person(outsider, full_name="A. Rao")
    client = browser_for(owner)
    assert client.get(f"/people/merge/?ids={kept.pk},{theirs.pk}").status_code == 404
    resp = client.post("/people/merge/", {"ids": f"{kept.pk},{kept.pk + 999}", "keep": kept.pk})
    assert resp.status_code == 404
    assert Person.objects.count() == 2 and not Merge.objects.exists()


def test_a_hidden_field_is_not_shown_on_the_merge_page(owner, admin_user, browser_for):
    field_permission_set(
        actor=admin_user, record_type="person", field="job_title", hidden_from=["sales_rep"]
    )
    kept = make_person(admin_user, owner_id=owner.pk, full_name="Asha Rao", job_title="Secret one")
    dup = make_person(admin_user, owner_id=owner.pk, full_name="A. Rao", job_title="Secret two")
    html = browser_for(owner).get(f"/people/merge/?ids={kept.pk},{dup.pk}").content.decode()
    assert "Secret" not in html and "field:job_title" not in html


def test_entry_points(owner, manager, browser_for):
    kept = make_person(owner, full_name="Asha Rao")
    dup = make_person(owner, full_name="A. Rao")
    a, b = sorted((kept.pk, dup.pk))
    DuplicatePair.objects.create(record_type="person", record_a_id=a, record_b_id=b, score=0.9)
    queue = browser_for(manager).get("/duplicates/?type=person").content.decode()
    assert f"/people/merge/?ids={a},{b}" in queue
    detail = browser_for(owner).get(f"/people/{kept.pk}/").content.decode()
    assert f"/people/merge/?ids={kept.pk}" in detail
    people = browser_for(owner).get("/people/").content.decode()
    assert re.search(r'formaction="/people/merge/"[^>]*data-bulk-merge', people)
    # from the bulk bar: the ticked boxes, posted without a choice yet, show the page
    page = browser_for(owner).post("/people/merge/", {"ids": [str(kept.pk), str(dup.pk)]})
    assert page.status_code == 200 and 'name="keep"' in page.content.decode()
    # the picker: one record and a name
    picked = browser_for(owner).get(f"/people/merge/?ids={kept.pk}&q=Rao").content.decode()
    assert f"/people/merge/?ids={kept.pk},{dup.pk}" in picked


def test_organization_merge_page(owner, browser_for):
    kept = make_organization(owner, name="Acme")
    dup = make_organization(owner, name="Acme Ltd")
    client = browser_for(owner)
    assert client.get(f"/organizations/merge/?ids={kept.pk},{dup.pk}").status_code == 200
    resp = client.post(
        "/organizations/merge/",
        {"ids": f"{kept.pk},{dup.pk}", "keep": dup.pk, "field:name": kept.pk},
    )
    assert resp.status_code == 302
    assert resp["Location"].startswith(f"/organizations/{dup.pk}/?merged=")
    assert client.get("/organizations/merge/").status_code == 200


def test_after_an_organization_merge_its_page_offers_the_undo(owner, browser_for):
    kept = make_organization(owner, name="Acme")
    dup = make_organization(owner, name="Acme Ltd")
    client = browser_for(owner)
    resp = client.post("/organizations/merge/", {"ids": f"{kept.pk},{dup.pk}", "keep": kept.pk})
    merge = Merge.objects.get()
    page = client.get(resp["Location"]).content.decode()
    assert f'action="/merges/{merge.pk}/undo/"' in page
    assert client.get("/organizations/new/").status_code == 200
