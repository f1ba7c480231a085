"""A bulk edit and a bulk share in a real browser: a rep ticks two people, chooses "Edit a
field" and the country, gets a list of countries in place of the text input (bulk.js), sets
Germany; then shares them with a teammate. axe-core finds no serious or critical violation on
the list with the bar showing either action."""

from __future__ import annotations

import re
from typing import Any

import pytest

from sambandh.accounts.models import RecordShare
from sambandh.contacts.models import Person
from sambandh.events.worker import run_worker
from tests import factories
from tests.browser.axe import axe_check, install_axe, report

PASSWORD = "correct horse battery staple"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_edit_a_field_and_share_through_the_bar(
    live_server: Any, browser: Any, owner: Any, teammate: Any
) -> None:
    from playwright.sync_api import expect

    # given three of the rep's people in India
    asha, ravi, zoya = (
        factories.make_person(owner, full_name=name, country="IN")
        for name in ("Asha Rao", "Ravi Kumar", "Zoya Khan")
    )
    base = live_server.url
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    install_axe(context)
    page = context.new_page()
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", owner.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    expect(page).to_have_url(f"{base}/")
    violations = []

    # -- tick two, choose "Edit a field", then the country: its input becomes a list
    page.goto(f"{base}/people/")
    bar = page.locator("#bulk-form")
    page.get_by_role("checkbox", name="Select Asha Rao").check()
    page.get_by_role("checkbox", name="Select Ravi Kumar").check()
    expect(bar.locator("[data-bulk-count]")).to_have_text("2 selected")
    bar.get_by_label("Action").select_option("update")
    field = bar.get_by_label("Field", exact=True)
    expect(field).to_be_visible()
    expect(bar.locator("input#bulk-value")).to_have_attribute("data-bulk-value-for", "job_title")
    field.select_option("country")
    value = bar.locator("select#bulk-value")
    expect(value).to_be_visible()
    expect(value).to_have_attribute("data-bulk-value-for", "country")
    value.select_option("DE")
    violations += axe_check(page, "people, edit a field")
    bar.get_by_role("button", name="Apply").click()
    expect(page).to_have_url(re.compile(r"/jobs/\d+/$"))
    run_worker(until_idle=True)
    expect(page.locator(".bulk-status")).to_contain_text("2 of 2 processed")
    countries = dict(Person.objects.values_list("pk", "country"))
    assert countries == {asha.pk: "DE", ravi.pk: "DE", zoya.pk: "IN"}

    # -- share the same two with the teammate, for editing
    page.goto(f"{base}/people/")
    page.get_by_role("checkbox", name="Select Asha Rao").check()
    page.get_by_role("checkbox", name="Select Ravi Kumar").check()
    bar.get_by_label("Action").select_option("share")
    expect(bar.locator("#bulk-field")).to_be_hidden()
    bar.locator("#bulk-share-with").select_option(f"user:{teammate.pk}")
    bar.get_by_label("Access").select_option("edit")
    violations += axe_check(page, "people, share with")
    bar.get_by_role("button", name="Apply").click()
    expect(page).to_have_url(re.compile(r"/jobs/\d+/$"))
    run_worker(until_idle=True)
    expect(page.locator(".bulk-status")).to_contain_text("2 of 2 processed")
    shared = RecordShare.objects.filter(user=teammate).values_list("record_id", "can_edit")
    assert set(shared) == {(asha.pk, True), (ravi.pk, True)}
    context.close()
    assert not violations, report(violations)
