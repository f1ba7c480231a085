"""A bulk assign in a real browser, on a laptop (1280 pixels) and on a phone (390): a rep shows
25 people a page, ticks the page box, selects all 30 that match over two pages, assigns them to
a teammate, watches the job page fill its progress bar as the worker runs, and undoes it; axe-core
finds no serious or critical violation on the pages on the way (the list with its selection bar
showing, the job page running and done)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from sambandh.bulk.models import BulkJob
from sambandh.contacts.models import Person
from sambandh.events.worker import run_worker
from tests import factories
from tests.browser.axe import axe_check, install_axe, report

PASSWORD = "correct horse battery staple"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1280, 390])
def test_select_all_matching_over_two_pages_assign_and_undo(
    live_server: Any, browser: Any, owner: Any, teammate: Any, width: int
) -> None:
    from playwright.sync_api import expect

    # given 30 people of the rep's named Kumar (two pages of 25) and one other
    for i in range(30):
        factories.make_person(owner, full_name=f"Kumar {i:02d}")
    other = factories.make_person(owner, full_name="Asha Rao")
    base = live_server.url
    context = browser.new_context(viewport={"width": width, "height": 900})
    context.set_default_timeout(15_000)
    install_axe(context)
    page = context.new_page()
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", owner.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    expect(page).to_have_url(f"{base}/")
    violations = []

    # -- the list, filtered to the Kumars, 25 a page (the pager's choice, kept by the filters)
    page.goto(f"{base}/people/?name=Kumar")
    expect(page.locator("tbody input[data-bulk-row]")).to_have_count(30)
    page.get_by_role("group", name="Rows per page").get_by_role("link", name="25").click()
    expect(page).to_have_url(re.compile(r"per_page=25"))
    expect(page.locator("tbody input[data-bulk-row]")).to_have_count(25)
    expect(page.get_by_role("link", name="Next →")).to_be_visible()
    # the bar appears once a box is ticked
    bar = page.locator("#bulk-form")
    expect(bar).to_be_hidden()
    page.get_by_role("checkbox", name="Select every row on this page").check()
    expect(bar).to_be_visible()
    expect(bar.locator("[data-bulk-count]")).to_have_text("25 selected")
    # "select all that match" counts them, over both pages
    select_all = bar.get_by_role("checkbox", name=re.compile("Select all 30 that match"))
    expect(select_all).to_be_visible()
    select_all.check()
    expect(bar.locator("[data-bulk-count]")).to_have_text("All 30 that match are selected")
    violations += axe_check(page, f"people at {width}, all matching selected")

    # -- assign them to the teammate
    bar.get_by_label("Action").select_option("assign")
    bar.get_by_label("New owner").select_option(str(teammate.pk))
    bar.get_by_role("button", name="Apply").click()
    expect(page).to_have_url(re.compile(r"/jobs/\d+/$"))
    job = BulkJob.objects.get()
    assert (job.action, job.total, job.status) == ("assign", 30, "pending")
    expect(page.locator(".bulk-status")).to_contain_text("0 of 30 processed")
    violations += axe_check(page, "bulk job, waiting")

    # -- the worker runs it; the page, asking for itself every second, shows it done
    run_worker(until_idle=True)
    expect(page.locator(".bulk-status")).to_contain_text("30 of 30 processed")
    expect(page.locator("progress.bulk-progress")).to_have_attribute("value", "100")
    assert set(Person.objects.exclude(pk=other.pk).values_list("owner_id", flat=True)) == {
        teammate.pk
    }
    assert Person.objects.get(pk=other.pk).owner_id == owner.pk
    violations += axe_check(page, "bulk job, done")

    # -- undo it, as a whole
    page.get_by_role("button", name="Undo").click()
    expect(page).to_have_url(re.compile(rf"/jobs/(?!{job.pk}/)\d+/$"))
    run_worker(until_idle=True)
    expect(page.locator(".bulk-status")).to_contain_text("30 of 30 processed")
    assert set(Person.objects.values_list("owner_id", flat=True)) == {owner.pk}
    expect(page.get_by_role("link", name="an earlier bulk action")).to_be_visible()
    violations += axe_check(page, "bulk undo, done")
    context.close()
    assert not violations, report(violations)
