"""A record opened in the side panel, in a real browser, at 1280 pixels and at 390: a click on a
person's name in the people list opens the panel (focus inside it, the list and its scroll
position kept, the address naming the panel), a field is edited in place there, Escape first
cancels an open editor and then closes the panel with focus back on the name; Ctrl+click still
opens the page in a new tab; rows that live filtering puts in place open it too; a deal card
on the board opens in the panel and its close button closes it. axe-core finds no serious
violation with the panel open."""

from __future__ import annotations

import re
from typing import Any

import pytest

from sambandh.contacts.models import Person
from tests import factories
from tests.browser.axe import axe_check, report
from tests.browser.session import signed_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(browser: Any, base: str, user: Any, width: int) -> tuple[Any, Any]:
    return signed_in(browser, base, user, width, 800)


@pytest.mark.parametrize("width", [1280, 390])
def test_open_a_person_and_a_deal_card_in_the_side_panel(
    live_server: Any, browser: Any, owner: Any, pipeline: Any, width: int
) -> None:
    from playwright.sync_api import expect

    # given 30 people (the one we open is listed last) and a deal with a note
    for i in range(29):
        factories.make_person(owner, full_name=f"Asha {i:02d}")
    person = factories.make_person(owner, full_name="Zara Quinn", job_title="Buyer")
    factories.make_activity(owner, "note", subject="Met at the fair", person_id=person.pk)
    deal = factories.make_deal(owner, pipeline, name="Kaveri looms")
    base = live_server.url
    context, page = _login(browser, base, owner, width)
    page.goto(f"{base}/people/")
    link = page.locator(f'a[data-panel="/panel/person/{person.pk}/"]')
    link.scroll_into_view_if_needed()
    scrolled = page.evaluate("() => [window.scrollY, document.querySelector('main').scrollTop]")
    assert scrolled != [0, 0]  # the list was scrolled to reach the row

    # when the owner clicks the name: the panel opens beside the list, focus inside it
    link.click()
    panel = page.get_by_role("dialog", name="Zara Quinn")
    expect(panel).to_be_visible()
    expect(panel.get_by_role("link", name="Zara Quinn")).to_be_focused()
    expect(panel).to_contain_text("Met at the fair")
    expect(panel.get_by_role("link", name="Open full page")).to_have_attribute(
        "href", f"/people/{person.pk}/"
    )
    expect(page).to_have_url(f"{base}/people/#panel=person-{person.pk}")
    # (measured once it has slid in: mid-animation it is not where it will stay)
    panel.evaluate("el => Promise.all(el.getAnimations({subtree: true}).map(a => a.finished))")
    box = panel.bounding_box()
    assert box is not None
    if width <= 600:  # a phone: the whole screen
        assert (round(box["x"]), round(box["width"])) == (0, width)
    else:  # a drawer on the right
        assert round(box["x"] + box["width"]) == width and round(box["width"]) <= 480
    violations = axe_check(page, f"people list with a person's panel open ({width}px)")

    # a field is edited in place in the panel
    panel.get_by_role("button", name="Edit Source:").click()
    editor = panel.locator("form[data-inline-form]")
    expect(editor.get_by_label("Source")).to_be_focused()
    violations += axe_check(page, f"person's panel with a field's editor open ({width}px)")
    editor.get_by_label("Source").fill("Trade fair")
    editor.get_by_label("Source").press("Enter")
    expect(panel.get_by_role("button", name="Edit Source:")).to_contain_text("Trade fair")

    # Escape in an open editor cancels the edit only; the next Escape closes the panel
    panel.get_by_role("button", name="Edit Job title:").click()
    panel.locator("form[data-inline-form]").get_by_label("Job title").fill("Not kept")
    page.keyboard.press("Escape")
    expect(panel.locator("form[data-inline-form]")).to_have_count(0)
    expect(panel).to_be_visible()
    expect(panel.get_by_role("button", name="Edit Job title:")).to_be_focused()
    page.keyboard.press("Escape")
    expect(panel).to_be_hidden()
    expect(link).to_be_focused()
    expect(page).to_have_url(f"{base}/people/")
    after = page.evaluate("() => [window.scrollY, document.querySelector('main').scrollTop]")
    assert after == scrolled
    person.refresh_from_db()
    assert (person.source, person.job_title) == ("Trade fair", "Buyer")

    # a field the row shows, changed in the panel: closing it redraws the row, focus kept
    link.click()
    expect(panel).to_be_visible()
    panel.get_by_role("button", name="Edit Job title:").click()
    panel.locator("form[data-inline-form]").get_by_label("Job title").fill("Head buyer")
    panel.locator("form[data-inline-form]").get_by_label("Job title").press("Enter")
    expect(panel.get_by_role("button", name="Edit Job title:")).to_contain_text("Head buyer")
    panel.locator("[data-panel-close]").click()
    expect(panel).to_be_hidden()
    row = page.locator("tbody tr", has=page.locator(f'a[data-panel="/panel/person/{person.pk}/"]'))
    expect(row).to_contain_text("Head buyer")
    expect(link).to_be_focused()

    if width > 600:
        # Ctrl+click keeps opening the page, in a new tab, and no panel
        with context.expect_page() as opened:
            link.click(modifiers=["Control"])
        opened.value.wait_for_load_state()
        assert opened.value.url == f"{base}/people/{person.pk}/"
        opened.value.close()
        expect(page.locator("#record-panel")).to_be_hidden()

    # the rows live filtering puts in place open the panel too
    page.get_by_label("Name contains").press_sequentially("Zara", delay=40)
    expect(page).to_have_url(re.compile(r"/people/\?name=Zara$"))
    page.locator(f'a[data-panel="/panel/person/{person.pk}/"]').click()
    expect(page.get_by_role("dialog", name="Zara Quinn")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.locator("#record-panel")).to_be_hidden()

    # a deal card on the board opens in the panel; the close button closes it
    page.goto(f"{base}/deals/")
    title = page.locator(f'.board-card a[data-panel="/panel/deal/{deal.pk}/"]')
    title.click()
    deal_panel = page.get_by_role("dialog", name="Kaveri looms")
    expect(deal_panel).to_be_visible()
    expect(deal_panel).to_contain_text("Qualified")
    expect(page).to_have_url(f"{base}/deals/#panel=deal-{deal.pk}")
    deal_panel.evaluate("el => Promise.all(el.getAnimations({subtree: true}).map(a => a.finished))")
    violations += axe_check(page, f"board with a deal's panel open ({width}px)")
    deal_panel.get_by_role("button", name="Close the panel").click()
    expect(deal_panel).to_be_hidden()
    expect(title).to_be_focused()

    # the address with the panel in it opens it again, on a new page and on this one
    page.goto(f"{base}/people/#panel=person-{person.pk}")
    expect(page.get_by_role("dialog", name="Zara Quinn")).to_be_visible()
    page.keyboard.press("Escape")
    # (the panel's close has tidied up, its address included, before the next address)
    expect(page).to_have_url(f"{base}/people/")
    page.goto(f"{base}/people/#panel=deal-{deal.pk}")
    expect(page.get_by_role("dialog", name="Kaveri looms")).to_be_visible()
    context.close()
    assert not violations, report(violations)
    assert Person.objects.count() == 30
