"""The recycle bin in a real browser: a rep deletes a person who has activities, Back does not
bring the person's page back from the cache, the recycle bin lists them with what went with
them, and one click restores them with their activities; axe-core finds no serious or critical
violation on the pages on the way."""

from __future__ import annotations

import re
from typing import Any

import pytest

from sambandh.contacts.models import Person
from tests import factories
from tests.browser.axe import axe_check, install_axe, report

PASSWORD = "correct horse battery staple"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1280, 390])
def test_delete_a_person_with_activities_and_restore_them(
    live_server: Any, browser: Any, owner: Any, width: int
) -> None:
    from playwright.sync_api import expect

    # given a person with a note, and a call also on a deal
    person = factories.make_person(owner, full_name="Asha Rao")
    deal = factories.make_deal(owner, name="Loom order", person_ids=[person.pk])
    factories.make_activity(owner, "note", subject="Met at the fair", person_id=person.pk)
    factories.make_activity(
        owner, "call", subject="Pricing call", person_id=person.pk, deal_id=deal.pk
    )
    base = live_server.url
    context = browser.new_context(viewport={"width": width, "height": 900})
    context.set_default_timeout(15_000)
    install_axe(context)
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", owner.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    expect(page).to_have_url(f"{base}/")
    violations = []

    # -- the person's page, then Delete (confirmed)
    page.goto(f"{base}/people/{person.pk}/")
    expect(page.get_by_text("Pricing call").first).to_be_visible()
    page.get_by_role("button", name="Delete").first.click()
    expect(page).to_have_url(f"{base}/people/")
    toast = page.locator(".toast").filter(has_text="Asha Rao was moved to the recycle bin.")
    expect(toast).to_be_visible()
    expect(toast.get_by_role("button", name="Restore")).to_be_visible()
    # (checked once the toast has faded in: mid-animation its colours are not its own)
    toast.evaluate("el => Promise.all(el.getAnimations().map(a => a.finished))")
    violations += axe_check(page, "people, after a delete")
    assert not Person.objects.filter(pk=person.pk).exists()

    # -- Back asks the server again: the deleted person is not shown from the cache
    page.go_back()
    expect(page).to_have_url(f"{base}/people/{person.pk}/")
    expect(page.get_by_text("Pricing call")).to_have_count(0)

    # -- the recycle bin lists them, with their activities
    page.goto(f"{base}/recycle-bin/")
    row = page.locator("tbody tr").filter(has_text="Asha Rao")
    expect(row).to_contain_text("2 activities")
    expect(row).to_contain_text("Olivia Owner")
    violations += axe_check(page, "recycle bin")

    # -- one click restores them: their page again, with both activities
    row.get_by_role("button", name=re.compile("Restore")).click()
    expect(page).to_have_url(f"{base}/people/{person.pk}/")
    expect(page.locator(".toast").filter(has_text="Asha Rao was restored.")).to_be_visible()
    expect(page.get_by_text("Met at the fair").first).to_be_visible()
    expect(page.get_by_text("Pricing call").first).to_be_visible()
    violations += axe_check(page, "person, restored")
    # and the call is on the deal again
    page.goto(f"{base}/deals/{deal.pk}/")
    expect(page.get_by_text("Pricing call").first).to_be_visible()
    context.close()
    assert not violations, report(violations)
