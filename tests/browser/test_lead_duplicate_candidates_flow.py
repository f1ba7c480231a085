"""Duplicate candidates on the new-lead form, in a real browser at phone width: typing the email
of someone who is already a person shows them, marked "already a contact", with a link that
opens them in the side panel; a lead the user may not see is never named; the lead can still be
added."""

from __future__ import annotations

import re
from typing import Any

import pytest

from sambandh.sales.models import Lead
from tests import factories
from tests.browser.session import signed_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_typing_a_contacts_email_on_a_new_lead_shows_them(
    live_server: Any, browser: Any, owner: Any, outsider: Any
) -> None:
    from playwright.sync_api import expect

    asha = factories.make_person(owner, full_name="Asha Rao", email="asha@example.in")
    factories.make_lead(outsider, full_name="Hidden Lead", email="asha@example.in")
    base = live_server.url
    context, page = signed_in(browser, base, owner, width=390, height=844)

    page.goto(f"{base}/leads/new/")
    region = page.locator("#duplicate-candidates")
    expect(region).to_have_attribute("aria-live", "polite")
    expect(region).to_be_empty()
    page.locator("#id_full_name").fill("A. Rao")
    page.locator("#id_email").press_sequentially("ASHA@example.in", delay=20)

    link = region.get_by_role("link", name="Asha Rao")
    expect(link).to_be_visible()
    expect(region).to_contain_text("already a contact")
    expect(region).to_contain_text("Email: same")
    expect(link).to_have_attribute("href", f"/people/{asha.pk}/")
    assert "Hidden Lead" not in region.inner_text()

    link.click()
    panel = page.get_by_role("dialog")
    expect(panel).to_be_visible()
    page.keyboard.press("Escape")
    expect(panel).to_be_hidden()

    page.get_by_role("button", name="Add lead").click()
    expect(page).to_have_url(re.compile(r"/leads/\d+/$"))
    assert Lead.objects.filter(email="asha@example.in", owner=owner).count() == 1
    context.close()
