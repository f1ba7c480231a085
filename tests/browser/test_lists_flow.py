"""A list page as a person uses it, in a real browser: filters apply while typing and choosing
(no button), each active filter is a chip that removes it, the address bar keeps the filters so
the link can be shared, the count appears once the page is shown, the table fits a 1280-pixel
screen by letting low-priority columns give way (and shows them all on demand, with a shadow on
the side that scrolls), and a phone gets cards. axe-core finds no serious violation."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests import factories
from tests.browser.axe import axe_check, report
from tests.browser.session import signed_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(browser: Any, base: str, user: Any, width: int) -> tuple[Any, Any]:
    return signed_in(browser, base, user, width, 900)


def _people(owner: Any, teammate: Any) -> None:
    org = factories.make_organization(owner, name="Kestrel Analytics GmbH with a long name")
    for i in range(12):
        factories.make_person(
            owner,
            full_name=f"Kumar {i:02d}",
            organization_id=org.pk,
            emails=[{"email": f"kumar.{i:02d}.with.a.long.address@kestrel-analytics.example"}],
            tags=["vip"],
        )
    for i in range(3):
        factories.make_person(owner, full_name=f"Asha {i}")


def test_filters_apply_as_you_type_with_chips_and_a_shareable_url(
    live_server: Any, browser: Any, owner: Any, teammate: Any
) -> None:
    from playwright.sync_api import expect

    _people(owner, teammate)
    base = live_server.url
    context, page = _login(browser, base, owner, 1280)
    page.goto(f"{base}/people/")
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(15)
    expect(page.locator(".list-count")).to_have_text("15 results")
    # the Filter button is not needed: typing filters, after a short pause
    expect(page.get_by_role("button", name="Filter", exact=True)).to_be_hidden()
    page.get_by_label("Name contains").press_sequentially("Kum", delay=40)
    expect(page).to_have_url(re.compile(r"/people/\?name=Kum$"))
    expect(rows).to_have_count(12)
    expect(page.locator(".list-count")).to_have_text("12 results")
    expect(page.locator("#filter-chips .chip")).to_have_text(["Name contains: Kum×"])
    # choosing an owner applies at once, and adds its chip
    page.locator("#f-owner").select_option(str(teammate.pk))
    expect(page).to_have_url(re.compile(rf"name=Kum&owner_id={teammate.pk}"))
    expect(page.locator("#filter-chips .chip")).to_have_count(2)
    expect(page.get_by_text("No people match these filters")).to_be_visible()
    violations = axe_check(page, "people, filtered to nothing, with chips")
    # the owner's chip removes that filter; the name's stays
    page.get_by_role("button", name=re.compile("Remove the filter Owner")).click()
    expect(page).to_have_url(re.compile(r"/people/\?name=Kum$"))
    expect(rows).to_have_count(12)
    expect(page.locator("#f-owner")).to_have_value("")
    # the URL is shareable: opened afresh, it shows the same list and chip
    page.goto(page.url)
    expect(rows).to_have_count(12)
    expect(page.locator("#filter-chips .chip")).to_have_count(1)
    page.get_by_role("button", name="Remove the filter Name contains Kum").click()
    expect(rows).to_have_count(15)
    expect(page.locator("#filter-chips")).to_be_hidden()
    context.close()
    assert not violations, report(violations)


def test_the_table_fits_a_laptop_and_turns_into_cards_on_a_phone(
    live_server: Any, browser: Any, owner: Any, teammate: Any
) -> None:
    from playwright.sync_api import expect

    _people(owner, teammate)
    base = live_server.url
    every = "name,email,phone,organization,owner,tags,country,updated,created"
    context, page = _login(browser, base, owner, 1280)
    page.goto(f"{base}/people/?cols={every}")
    wrap = page.locator(".table-wrap")
    expect(page.locator(".table-fit")).to_contain_text("columns hidden to fit")
    fits = "el => el.scrollWidth <= el.clientWidth + 1"
    assert wrap.evaluate(fits)
    # the name never gives way; the lowest-priority columns do (the rightmost first)
    expect(page.locator("thead th[data-col=name]")).to_be_visible()
    expect(page.locator("thead th[data-col=created]")).to_be_hidden()
    expect(page.locator("thead th[data-col=email]")).to_be_visible()
    violations = axe_check(page, "people, every column, at 1280")
    # all of them on demand: the table then scrolls, and says so with a shadow on its end
    page.get_by_role("button", name="Show all columns").click()
    expect(page.locator("thead th[data-col=created]")).to_be_visible()
    assert not wrap.evaluate(fits)
    expect(wrap).to_have_class(re.compile("scroll-more-end"))
    # a clipped cell shows its whole value on hover
    cell = page.locator("tbody tr", has_text="Kumar 00").locator("td.cell-clip").first
    cell.hover()
    expect(cell).to_have_attribute("title", re.compile("@kestrel-analytics.example"))
    context.close()

    context, page = _login(browser, base, owner, 390)
    page.goto(f"{base}/people/?cols={every}")
    card = page.locator("tbody tr", has_text="Kumar 00")
    expect(card.locator("td[data-label=Email]")).to_be_visible()
    expect(page.locator("thead th[data-col=name]")).to_be_hidden()
    assert page.evaluate("document.documentElement.scrollWidth <= 390")
    assert card.evaluate("el => getComputedStyle(el).display") == "grid"
    violations += axe_check(page, "people as cards, at 390")
    context.close()
    assert not violations, report(violations)
