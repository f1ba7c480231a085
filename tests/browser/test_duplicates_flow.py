"""The duplicate review queue in a real browser: a manager sees the pair the scan found, with
its reasons, dismisses it with one click, and it is gone; axe-core finds no serious or
critical violation on the way."""

from __future__ import annotations

from typing import Any

import pytest

from sambandh.dedupe.models import DuplicatePair
from sambandh.dedupe.scan import run_scan
from tests import factories
from tests.browser.axe import axe_check, install_axe, report

PASSWORD = "correct horse battery staple"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_manager_dismisses_a_pair_that_is_not_a_duplicate(
    live_server: Any, browser: Any, owner: Any, manager: Any
) -> None:
    # given two records of one person, and a scan that found them
    factories.make_person(
        owner, given_name="Robert", family_name="Allen", full_name="", email="ra@example.com"
    )
    factories.make_person(
        owner, given_name="Bob", family_name="Allen", full_name="", email="ra@example.com"
    )
    run_scan("people")
    base = live_server.url
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    install_axe(context)
    page = context.new_page()
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", manager.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")
    # when the manager opens the queue
    page.goto(f"{base}/duplicates/")
    found = axe_check(page, "duplicates")
    html = page.content()
    assert "Robert Allen" in html and "Bob Allen" in html
    assert "Given name: a variant (nickname, spelling, script)" in html
    # and says the pair is not a duplicate
    with page.expect_navigation():
        page.click("button:has-text('Not a duplicate')")
    # then it is stored, and the queue is empty
    assert "Marked as not a duplicate." in page.content()
    assert "Robert Allen" not in page.content()
    found += axe_check(page, "duplicates, empty")
    assert DuplicatePair.objects.get().status == "dismissed"
    context.close()
    assert not found, report(found)
