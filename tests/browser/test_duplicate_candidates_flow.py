"""Duplicate candidates as you type, in a real browser at phone width: typing an existing
person's email on the new-person form shows them in the form's live region, with a link that
opens them in the side panel; the form still adds the person. axe-core finds no serious
violation with the candidate shown."""

from __future__ import annotations

import re
from typing import Any

import pytest

from sambandh.contacts.models import Person
from tests import factories
from tests.browser.axe import axe_check, report
from tests.browser.session import signed_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_typing_a_duplicate_email_shows_the_candidate(
    live_server: Any, browser: Any, owner: Any, outsider: Any
) -> None:
    from playwright.sync_api import expect

    asha = factories.make_person(owner, full_name="Asha Rao", email="asha@example.in")
    factories.make_person(outsider, full_name="Hidden Twin", email="asha.rao@example.in")
    base = live_server.url
    context, page = signed_in(browser, base, owner, width=390, height=844)

    page.goto(f"{base}/people/new/")
    region = page.locator("#duplicate-candidates")
    expect(region).to_have_attribute("aria-live", "polite")
    expect(region).to_be_empty()
    page.get_by_label("Full name").fill("A. Rao")
    page.locator("#id_email_0").press_sequentially("ASHA@example.in", delay=20)

    link = region.get_by_role("link", name="Asha Rao")
    expect(link).to_be_visible()
    expect(region).to_contain_text("Possible duplicates:")
    expect(region).to_contain_text("(asha@example.in)")
    expect(region).to_contain_text("Email: same")
    expect(link).to_have_attribute("href", f"/people/{asha.pk}/")
    assert "Hidden Twin" not in region.inner_text()
    # the region fits the phone's width
    box = region.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
    violations = axe_check(page, "person form with a duplicate candidate, 390 px")

    # the candidate opens in the side panel, and closing it comes back to the form
    link.click()
    panel = page.get_by_role("dialog")
    expect(panel).to_be_visible()
    expect(panel.get_by_role("link", name="Asha Rao")).to_be_visible()
    page.keyboard.press("Escape")
    expect(panel).to_be_hidden()

    # and the person can still be added
    page.get_by_role("button", name="Add person").click()
    expect(page).to_have_url(re.compile(r"/people/\d+/$"))
    assert Person.objects.filter(email="asha@example.in").count() == 2
    context.close()
    assert not violations, report(violations)
