"""Consents end to end in a real browser (Debian's Chromium): the owner records a consent on a
person's page and sees it in the current state and the history, records a withdrawal, and the
person follows an unsubscribe link without signing in. At 1280 and 390 pixels, with axe-core
on every page visited."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest

from sambandh.consents import links
from sambandh.consents.models import Consent
from sambandh.consents.selectors import may_contact
from tests import factories
from tests.browser.axe import axe_check, install_axe, report
from tests.browser.session import signed_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1280, 390])
def test_record_a_consent_on_a_person_page(
    live_server: Any, browser: Any, owner: Any, width: int
) -> None:
    from playwright.sync_api import expect

    base = live_server.url
    person = factories.make_person(owner, full_name="Asha Rao", email="asha@example.com")
    violations = []
    context, page = signed_in(browser, base, owner, width=width)

    # -- the section says that nothing is recorded, and offers the form
    page.goto(f"{base}/people/{person.pk}/")
    section = page.locator("#consents")
    expect(section).to_contain_text("No consent recorded: marketing messages are not allowed.")
    section.locator("summary:has-text('Record consent or withdrawal')").click()
    violations += axe_check(page, "person page, consent form open")

    # -- the owner records a newsletter consent from a signed paper form
    section.get_by_label("Purpose").select_option("newsletter")
    section.get_by_label("Status").select_option("granted")
    section.get_by_label("Source").fill("Signed paper form")
    section.get_by_label("Exact words shown to the person").fill("Send me the newsletter.")
    section.locator("button:has-text('Record')").click()
    expect(page.locator("#consents [data-consent='newsletter/email']")).to_contain_text("Granted")
    expect(page.locator("body")).to_contain_text("Consent recorded.")
    assert may_contact(person, "newsletter", "email").allowed

    # -- the history shows it, with its proof
    page.locator("#consents summary:has-text('History')").click()
    expect(page.locator("#consents .consents-history")).to_contain_text("Send me the newsletter.")
    violations += axe_check(page, "person page with a consent and its history")

    # -- a form with a mistake says why, and records nothing
    page.locator("#consents summary:has-text('Record consent or withdrawal')").click()
    section = page.locator("#consents")
    section.get_by_label("Purpose").select_option("sms")
    section.get_by_label("Channel").select_option("email")
    section.get_by_label("Source").fill("call")
    section.locator("button:has-text('Record')").click()
    expect(page.locator("#consents")).to_contain_text("can be recorded on: sms, any.")
    assert Consent.objects.count() == 1
    violations += axe_check(page, "consent form with an error")
    context.close()

    # -- the person unsubscribes from a link, without signing in
    context = browser.new_context(viewport={"width": width, "height": 900})
    install_axe(context)
    page = context.new_page()
    path = urlsplit(links.unsubscribe_url(person.pk, "newsletter", "email")).path
    page.goto(f"{base}{path}")
    expect(page.locator("h1")).to_have_text("Unsubscribe")
    violations += axe_check(page, "unsubscribe page")
    page.locator("button:has-text('Unsubscribe')").click()
    expect(page.locator("h1")).to_have_text("You are unsubscribed")
    expect(page.locator("main")).not_to_contain_text("Asha")
    violations += axe_check(page, "unsubscribed page")
    assert not may_contact(person, "newsletter", "email").allowed
    context.close()
    assert not violations, report(violations)
