"""An administrator edits a pipeline's stages in a real browser, with and without JavaScript:
the up, down, add and remove buttons are plain form buttons, and Enter in a box saves."""

from __future__ import annotations

import re
from typing import Any

import pytest

from sambandh.sales.models import Pipeline

PASSWORD = "correct horse battery staple"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("javascript", [False, True])
def test_stages_move_without_script_and_enter_saves(
    live_server: Any, browser: Any, admin_user: Any, javascript: bool
) -> None:
    from playwright.sync_api import expect

    context = browser.new_context(
        viewport={"width": 1280, "height": 800}, java_script_enabled=javascript
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    base = live_server.url
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", admin_user.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    expect(page).to_have_url(f"{base}/")

    def names() -> list[str]:
        # A button that posts the form reloads the page (without the script): wait for it.
        page.wait_for_load_state()
        expect(page.locator("#stage-name-0")).to_be_visible()
        count = page.locator("input[name=stage_name]").count()
        return [page.input_value(f"#stage-name-{i}") for i in range(count)]

    # the sidebar leads to the settings; a new pipeline starts with four stages
    page.click("nav.nav a:has-text('Settings')")
    page.click("nav.tabs a:has-text('Pipelines')")
    page.click("a:has-text('New pipeline')")
    page.fill("#id_name", "Partners")
    assert names() == ["Qualified", "Proposal", "Won", "Lost"]
    # move the first stage down, add one, type into it, move it up, remove the first
    page.click("button[value=down-0]")
    expect(page.locator("#stage-name-0")).to_have_value("Proposal")
    assert names() == ["Proposal", "Qualified", "Won", "Lost"]
    page.click("button[value=add]")
    page.fill("#stage-name-4", "Signed")
    page.fill("#stage-probability-4", "90")
    page.click("button[value=up-4]")
    page.click("button[value=remove-0]")
    expect(page.locator("input[name=stage_name]")).to_have_count(4)
    expect(page.locator("#stage-name-0")).to_have_value("Qualified")
    assert names() == ["Qualified", "Won", "Signed", "Lost"]
    expect(page.locator("[role=status].alert")).to_contain_text("Not saved yet")
    assert not Pipeline.objects.filter(name="Partners").exists()
    # Enter in a box saves (it does not press the first row's buttons)
    page.press("#stage-name-0", "Enter")
    expect(page).to_have_url(re.compile(r"/settings/pipelines/(#stages)?$"))
    saved = Pipeline.objects.get(name="Partners")
    assert list(saved.stages.order_by("position").values_list("name", "probability", "kind")) == [
        ("Qualified", 10, "open"),
        ("Won", 100, "won"),
        ("Signed", 90, "open"),
        ("Lost", 0, "lost"),
    ]
    context.close()
