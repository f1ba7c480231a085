"""The @mention picker when its script runs late: on a slow page someone clicks into the note
and types "@Oliv" before the deferred mentions.js has run. The script, once it runs, looks up
what is already typed at the caret and opens the picker (the cause of the notifications flow's
failure at 390 px under load: the typing came before the script, and no input event came
after it)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.test_notifications_flow import _sign_in
from tests.factories import make_person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1280, 390])
def test_the_picker_opens_for_what_was_typed_before_its_script_ran(
    live_server: Any, browser: Any, manager: Any, owner: Any, width: int
) -> None:
    from playwright.sync_api import expect

    person = make_person(manager, full_name="Kavya Menon")
    context = browser.new_context(viewport={"width": width, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    _sign_in(page, live_server.url, manager.email)
    # given a person page whose mentions.js is held back until the typing is done
    held: list[Any] = []
    page.route("**/web/mentions*.js", lambda route: held.append(route))
    page.goto(f"{live_server.url}/people/{person.pk}/", wait_until="commit")
    area = page.locator("#composer textarea[data-mentions]")
    area.click()
    area.press_sequentially("Please call her back, @Oliv")
    expect(page.locator(".mention-list")).to_have_count(0)  # no script yet, no picker
    # when the script arrives and runs
    assert len(held) == 1
    held[0].continue_()
    # then the picker shows the colleague for what was typed, and Enter writes the mention
    option = page.locator(".mention-list [role=option]", has_text="Olivia Owner")
    expect(option).to_be_visible()
    area.press("Enter")
    expect(area).to_have_value("Please call her back, @Olivia Owner ")
    context.close()
