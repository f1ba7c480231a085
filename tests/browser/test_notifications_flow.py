"""A manager gives a person to a rep and mentions the rep in a note, picking the name from the
@mention picker; after the worker has run, the rep sees both in the notification centre, opens
one and the bell's count goes down: in a real browser (Debian's Chromium), at 1280 and 390
pixels, with axe-core on every page visited."""

from __future__ import annotations

from typing import Any

import pytest

from sambandh.activities.models import Activity
from sambandh.contacts.models import Person
from sambandh.events.worker import run_worker
from tests.browser.axe import axe_check, install_axe, report

PASSWORD = "correct horse battery staple"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page: Any, base: str, email: str) -> None:
    from playwright.sync_api import expect

    page.goto(f"{base}/login/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    expect(page).to_have_url(f"{base}/")


@pytest.mark.parametrize("width", [1280, 390])
def test_a_rep_is_told_of_an_assignment_and_a_mention(
    live_server: Any, browser: Any, manager: Any, owner: Any, width: int
) -> None:
    from playwright.sync_api import expect

    base = live_server.url
    violations = []

    # -- the manager adds a person for the rep
    context = browser.new_context(viewport={"width": width, "height": 900})
    context.set_default_timeout(15_000)
    install_axe(context)
    page = context.new_page()
    _sign_in(page, base, manager.email)
    page.goto(f"{base}/people/new/")
    page.fill("#id_full_name", "Kavya Menon")
    page.select_option("#id_owner", str(owner.pk))
    page.click("form button[type=submit]:has-text('Add person')")
    expect(page.locator("h1")).to_contain_text("Kavya Menon")
    person = Person.objects.get(full_name="Kavya Menon")
    assert person.owner_id == owner.pk

    # -- and writes a note that mentions the rep, picked from the @mention picker
    area = page.locator("#composer textarea[data-mentions]")
    area.click()
    area.press_sequentially("Please call her back, @Oliv")
    option = page.locator(".mention-list [role=option]", has_text="Olivia Owner")
    expect(option).to_be_visible()
    violations += axe_check(page, "mention picker")
    # (the check may take the picker away: the mention is typed again, the caret at its end)
    area.fill("Please call her back, ")
    area.press_sequentially("@Oliv")
    expect(option).to_be_visible()
    area.press("Enter")
    expect(area).to_have_value("Please call her back, @Olivia Owner ")
    page.locator("#composer button[type=submit]").click()
    expect(page.locator("#timeline")).to_contain_text("@Olivia Owner")
    note = Activity.objects.get(person=person)
    assert "@Olivia Owner" in note.body
    context.close()

    # -- the worker tells the rep (as `sambandh worker` does beside the server)
    run_worker(until_idle=True)

    # -- the rep sees the count on the bell and both notifications
    context = browser.new_context(viewport={"width": width, "height": 900})
    context.set_default_timeout(15_000)
    install_axe(context)
    page = context.new_page()
    _sign_in(page, base, owner.email)
    bell = page.locator("a.notification-bell")
    expect(bell).to_contain_text("Notifications, 2 unread")
    violations += axe_check(page, "home with the bell")
    bell.click()
    expect(page).to_have_url(f"{base}/notifications/")
    items = page.locator(".notification")
    expect(items).to_have_count(2)
    expect(items.nth(0)).to_contain_text("Meera Manager mentioned you in")
    expect(items.nth(1)).to_contain_text("Meera Manager assigned Kavya Menon to you")
    violations += axe_check(page, "notifications")

    # -- opening the assignment goes to the person and marks it read
    items.nth(1).locator("button.notification-link").click()
    expect(page).to_have_url(f"{base}/people/{person.pk}/")
    expect(page.locator("a.notification-bell")).to_contain_text("Notifications, 1 unread")
    context.close()
    assert not violations, report(violations)
