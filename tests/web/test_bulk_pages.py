"""Bulk actions in the web interface: the selection bar on the lists, starting a job from it, the
job page (progress, counts, skipped records with reasons, undo), through Django's test client."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from sambandh.bulk.models import BulkJob
from sambandh.contacts.models import Organization, Person
from sambandh.sales.models import Deal, Lead
from tests import factories
from tests.bulk_jobs import run_worker
from tests.web.helpers import text

pytestmark = pytest.mark.django_db

PEOPLE = reverse("contacts:person_list")


def _job_url(response) -> str:  # noqa: ANN001
    assert response.status_code == 302, response.content[:300]
    assert re.fullmatch(r"/jobs/\d+/", response["Location"]), response["Location"]
    return response["Location"]


def test_select_two_rows_assign_see_the_job_and_undo_it(owner, teammate, browser_for):
    # given three people of the owner's
    asha, ravi, zoya = (
        factories.make_person(owner, full_name=name) for name in ("Asha Rao", "Ravi Kumar", "Zoya")
    )
    client = browser_for(owner)
    # the list has a box per row and the selection bar, posting to the bulk form
    body = text(client.get(PEOPLE))
    assert 'id="bulk-form"' in body and 'action="/bulk/people/"' in body
    assert f'name="ids" value="{asha.pk}" form="bulk-form"' in body
    assert 'aria-label="Select Asha Rao"' in body
    assert "data-bulk-page" in body and "csrfmiddlewaretoken" in body

    # when two rows are ticked and assigned to the teammate
    response = client.post(
        "/bulk/people/",
        {"ids": [asha.pk, ravi.pk], "action": "assign", "owner_id": teammate.pk, "next": PEOPLE},
    )
    job_url = _job_url(response)
    # then the job page shows it waiting, with a progress bar that refreshes itself
    page = text(client.get(job_url))
    assert "waiting to start" in page.lower()
    assert "<progress" in page and 'hx-trigger="every 1s"' in page
    assert "Undo" not in page

    # when the worker runs it
    run_worker()
    # then the two are the teammate's, the third is untouched
    owners = dict(Person.objects.values_list("full_name", "owner_id"))
    assert owners == {"Asha Rao": teammate.pk, "Ravi Kumar": teammate.pk, "Zoya": owner.pk}
    # and the page says so, stops refreshing, and offers the undo
    page = text(client.get(job_url))
    assert "2 of 2 processed" in page
    assert 'hx-trigger="every 1s"' not in page
    assert f'action="/jobs/{job_url.split("/")[2]}/undo/"' in page
    # (asked by htmx, the page answers only its panel)
    panel = text(client.get(job_url, headers={"HX-Request": "true"}))
    assert panel.lstrip().startswith("<section") and "<html" not in panel

    # when the owner undoes it
    undo_url = _job_url(client.post(f"{job_url}undo/"))
    run_worker()
    # then both are the owner's again, and the undo's page links back to what it undid
    assert set(Person.objects.values_list("owner_id", flat=True)) == {owner.pk}
    page = text(client.get(undo_url))
    assert "2 of 2 processed" in page and job_url in page
    assert zoya.pk  # untouched throughout
    assert BulkJob.objects.get(pk=int(job_url.split("/")[2])).status == "undone"


def test_add_and_remove_a_tag_on_every_matching_person_across_pages(owner, browser_for):
    # given 55 people named Kumar (two pages) and one other
    for i in range(55):
        factories.make_person(owner, full_name=f"Kumar {i:02d}")
    other = factories.make_person(owner, full_name="Asha Rao")
    client = browser_for(owner)
    # the filtered list offers "all that match", and the count says how many
    body = text(client.get(PEOPLE + "?name=Kumar"))
    assert 'name="scope" value="matching"' in body
    assert '<input type="hidden" name="filter.name" value="Kumar">' in body
    count = client.get("/bulk/people/count/?name=Kumar").json()
    assert count["count"] == 55 and "55" in count["label"]

    # when all that match are tagged
    job_url = _job_url(
        client.post(
            "/bulk/people/",
            {"scope": "matching", "filter.name": "Kumar", "action": "tag", "tag": "vip"},
        )
    )
    run_worker()
    # then every Kumar has the tag, and nobody else
    tagged = set(Person.objects.filter(tags__name="vip").values_list("pk", flat=True))
    assert len(tagged) == 55 and other.pk not in tagged
    assert "55 of 55 processed" in text(client.get(job_url))

    # when the tag is removed from the same selection
    _job_url(
        client.post(
            "/bulk/people/",
            {"scope": "matching", "filter.name": "Kumar", "action": "untag", "tag": "VIP"},
        )
    )
    run_worker()
    assert not Person.objects.filter(tags__name="vip").exists()


def test_the_job_page_lists_skipped_records_with_reasons_and_names_only_what_you_see(
    owner, teammate, outsider, browser_for
):
    # given one of the owner's people and one of the outsider's (hidden from the owner)
    mine = factories.make_person(owner, full_name="Asha Rao")
    hidden = factories.make_person(outsider, full_name="Oscar Secret")
    client = browser_for(owner)
    # when the owner posts both ids (a crafted form) to be assigned to themselves
    job_url = _job_url(
        client.post("/bulk/people/", {"ids": [mine.pk, hidden.pk], "action": "tag", "tag": "x"})
    )
    run_worker()
    # then the hidden one is skipped as not found, never named
    page = text(client.get(job_url + "?outcome=skipped"))
    assert "Not found" in page and "A record you cannot see" in page
    assert "Oscar Secret" not in page
    assert Person.objects.get(pk=hidden.pk).tag_names == []
    # and someone else's job is a 404 to the teammate
    assert browser_for(teammate).get(job_url).status_code == 404


def test_bad_form_input_says_why_and_starts_nothing(owner, browser_for):
    person = factories.make_person(owner, full_name="Asha Rao")
    client = browser_for(owner)
    cases = [
        ({"action": "assign", "owner_id": owner.pk}, "Select at least one record"),
        ({"ids": [person.pk], "action": "tag", "tag": ""}, "Name at least one tag"),
        ({"ids": [person.pk], "action": "assign", "owner_id": "987654"}, "No such user"),
        ({"ids": ["x"], "action": "assign", "owner_id": owner.pk}, "not valid"),
    ]
    for data, message in cases:
        response = client.post("/bulk/people/", {**data, "next": PEOPLE}, follow=True)
        assert response.redirect_chain[-1][0] == PEOPLE
        assert message in text(response), data
    assert BulkJob.objects.count() == 0


def test_a_read_only_user_gets_no_bar_and_may_not_post(readonly, owner, manager, browser_for):
    factories.make_person(owner, full_name="Asha Rao")
    client = browser_for(readonly)
    body = text(client.get(PEOPLE))
    assert "Asha Rao" in body and "bulk-form" not in body
    response = client.post("/bulk/people/", {"ids": [1], "action": "tag", "tag": "x"})
    assert response.status_code == 403
    assert BulkJob.objects.count() == 0


@pytest.mark.parametrize(
    ("url", "maker", "model"),
    [
        ("/organizations/", lambda o, p: factories.make_organization(o), Organization),
        ("/deals/list/", lambda o, p: factories.make_deal(o, p), Deal),
        ("/leads/", lambda o, p: factories.make_lead(o), Lead),
    ],
)
def test_the_other_lists_assign_through_the_bar_too(
    url, maker, model, manager, owner, pipeline, browser_for
):
    # given a record of the owner's, seen by their manager
    record = maker(owner, pipeline)
    client = browser_for(manager)
    body = text(client.get(url))
    assert f'name="ids" value="{record.pk}" form="bulk-form"' in body
    start = re.search(r'action="(/bulk/[a-z]+/)"', body)
    assert start is not None
    # when the manager assigns it to themselves through the bar
    _job_url(
        client.post(
            start.group(1), {"ids": [record.pk], "action": "assign", "owner_id": manager.pk}
        )
    )
    run_worker()
    # then it is theirs
    assert model.objects.get(pk=record.pk).owner_id == manager.pk


def test_a_type_that_declares_bulk_actions_gets_the_bar_on_its_generic_list(
    monkeypatch, owner, teammate, browser_for
):
    # given the tests' own record type, declaring the two hooks bulk actions need
    from dataclasses import replace

    from sambandh.core import registry
    from tests.registry_app.models import Gadget
    from tests.registry_app.records import gadget_create, gadgets_visible

    def update(*, actor, record, values, version):  # noqa: ANN001, ANN202
        Gadget.objects.filter(pk=record.pk).update(
            owner_id=values["owner_id"], version=record.version + 1
        )
        return Gadget.objects.get(pk=record.pk)

    gadget = replace(
        registry.get("gadget"),
        list_matching=lambda *, viewer, query: gadgets_visible(viewer),
        update=update,
    )
    monkeypatch.setitem(registry._types, "gadget", gadget)
    widget = gadget_create(actor=owner, name="Widget")
    client = browser_for(owner)
    # then its list page (/records/gadgets/) has the bar and a box per row
    body = text(client.get("/records/gadgets/"))
    assert 'action="/bulk/gadgets/"' in body
    assert f'name="ids" value="{widget.pk}" form="bulk-form"' in body
    # and assigning through it works (through its update hook: it declares no reassign)
    _job_url(
        client.post(
            "/bulk/gadgets/", {"ids": [widget.pk], "action": "assign", "owner_id": teammate.pk}
        )
    )
    run_worker()
    assert Gadget.objects.get(pk=widget.pk).owner_id == teammate.pk
