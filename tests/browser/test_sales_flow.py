"""A sales rep's first day, in a real browser: log in, add an organization, a person at it with a
phone number and a deal for them; drag the deal to another stage; add a note from the person's
page; find the person again by typing their phone number another way into Ctrl+K."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sambandh.activities.models import Activity
from sambandh.contacts.models import Organization, Person
from sambandh.sales.models import Deal, StageChange

# Playwright's sync API runs an event loop in this thread; Django refuses ORM calls from a thread
# with a running loop unless told that this test knows what it does.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
PASSWORD = "correct horse battery staple"  # the conftest users' password

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        reason = f"Debian's chromium is not installed at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 800})
        context.set_default_timeout(15_000)
        page = context.new_page()
        yield page
        context.close()
        browser.close()


def test_sales_flow(live_server: Any, page: Any, owner: Any, pipeline: Any) -> None:
    from playwright.sync_api import expect

    base = live_server.url

    # -- log in through the login form
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", owner.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    expect(page).to_have_url(f"{base}/")

    # -- create an organization
    page.goto(f"{base}/organizations/new/")
    page.fill("#id_name", "Kaveri Textiles")
    page.select_option("#id_country", "IN")
    page.click("form.record-form button[type=submit]")
    expect(page).to_have_url(re.compile(r"/organizations/\d+/$"))
    org = Organization.objects.get(name="Kaveri Textiles")

    # -- a person at it, from the organization's page, with a phone number
    page.click(".page-actions a:has-text('Person')")
    expect(page.locator("#id_organization")).to_have_value("Kaveri Textiles")
    page.fill("#id_given_name", "Ravi")
    page.fill("#id_family_name", "Kumar")
    page.fill("#id_phone_0", "+91 98450 12345")
    page.click("form.record-form button[type=submit]")
    expect(page).to_have_url(re.compile(r"/people/\d+/$"))
    person = Person.objects.get(full_name="Ravi Kumar")
    assert (person.organization_id, person.phone) == (org.pk, "+919845012345")
    person_url = page.url

    # -- a deal for them, from the person's page (person and organization filled in)
    page.click(".page-actions a:has-text('Deal')")
    expect(page.locator("#id_person_0")).to_have_value("Ravi Kumar")
    page.fill("#id_name", "Kaveri looms")
    page.fill("#id_amount", "75000")
    page.select_option("#id_currency", "INR")
    page.click("form.record-form button[type=submit]")
    expect(page).to_have_url(re.compile(r"/deals/\d+/$"))
    deal = Deal.objects.get(name="Kaveri looms")
    assert (deal.stage.name, deal.organization_id) == ("Qualified", org.pk)

    # -- drag the deal on the kanban to "Proposal"
    page.goto(f"{base}/deals/")
    card = page.locator(".board-card", has_text="Kaveri looms")
    target = page.locator('.board-col[data-stage-name="Proposal"]')
    card.drag_to(target)
    # After the server's answer replaces the board, the card is in Proposal at version 2.
    moved = page.locator(
        '.board-col[data-stage-name="Proposal"] .board-card[data-version="2"]',
        has_text="Kaveri looms",
    )
    expect(moved).to_be_visible()
    deal.refresh_from_db()
    assert deal.stage.name == "Proposal"
    assert (
        StageChange.objects.filter(
            deal=deal, from_stage__name="Qualified", to_stage__name="Proposal", changed_by=owner
        ).count()
        == 1
    )

    # -- add a note from the person's page; it appears without a page load
    page.goto(person_url)
    page.evaluate("window.__sameDocument = true")
    page.fill("#composer textarea[name=body]", "Wants 300 looms before Diwali")
    page.click("#composer button[type=submit]")
    expect(page.locator("#timeline")).to_contain_text("Wants 300 looms before Diwali")
    expect(page.locator("#toasts")).to_contain_text("Added to the timeline.")
    expect(page.locator("#composer textarea[name=body]")).to_have_value("")
    assert page.evaluate("window.__sameDocument") is True
    assert Activity.objects.filter(person=person, kind="note").count() == 1

    # -- Ctrl+K, the phone number as digits only, and follow the result
    page.goto(f"{base}/")
    page.keyboard.press("Control+k")
    expect(page.locator("#search-palette-input")).to_be_focused()
    page.keyboard.type("919845012345")
    result = page.locator("#search-palette-results a", has_text="Ravi Kumar")
    expect(result).to_be_visible()
    result.click()
    expect(page).to_have_url(person_url)
    expect(page.locator("h1")).to_have_text("Ravi Kumar")


def test_moving_a_deal_by_keyboard_and_by_the_cards_menu(
    live_server: Any, page: Any, owner: Any, pipeline: Any
) -> None:
    from playwright.sync_api import expect

    from tests import factories

    # given a deal in Qualified, and the owner signed in on the board
    deal = factories.make_deal(owner, pipeline, name="Kaveri looms")
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", owner.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/deals/")

    # when the card is focused and Alt+ArrowRight pressed
    page.locator(".board-card", has_text="Kaveri looms").focus()
    page.keyboard.press("Alt+ArrowRight")

    # then it lands in the next column, keeping the focus for the next move
    in_proposal = page.locator(
        '.board-col[data-stage-name="Proposal"] .board-card[data-version="2"]',
        has_text="Kaveri looms",
    )
    expect(in_proposal).to_be_focused()

    # and when its "Move to…" menu picks Won, it moves there
    in_proposal.locator("select[data-board-move]").select_option(label="Won")
    expect(
        page.locator(
            '.board-col[data-stage-name="Won"] .board-card[data-version="3"]',
            has_text="Kaveri looms",
        )
    ).to_be_visible()
    deal.refresh_from_db()
    assert (deal.stage.name, deal.status) == ("Won", "won")
    assert list(
        StageChange.objects.filter(deal=deal)
        .order_by("id")
        .values_list("to_stage__name", flat=True)
    ) == ["Qualified", "Proposal", "Won"]
