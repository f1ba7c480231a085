"""The sessions page in a real browser: signed in from two browsers, the first lists both, signs
the other out, and the other is then sent to the login page; the password page too. axe-core
finds no serious or critical violation on the way."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.axe import axe_check, report
from tests.browser.session import signed_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1280, 390])
def test_list_and_revoke_a_session(live_server: Any, browser: Any, owner: Any, width: int) -> None:
    from playwright.sync_api import expect

    base = live_server.url
    laptop_context, laptop = signed_in(browser, base, owner, width=width)
    phone_context, phone = signed_in(browser, base, owner, width=390)
    laptop.on("dialog", lambda dialog: dialog.accept())
    violations = []

    laptop.goto(f"{base}/account/sessions/")
    rows = laptop.locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(laptop.get_by_text("This session")).to_be_visible()
    expect(laptop.get_by_text("Chrome on Linux").first).to_be_visible()
    violations += axe_check(laptop, "sessions")

    # sign the other browser out
    laptop.locator("tbody tr").filter(has_not_text="This session").get_by_role(
        "button", name="Sign out"
    ).click()
    expect(laptop.get_by_text("The session was ended.")).to_be_visible()
    expect(rows).to_have_count(1)
    violations += axe_check(laptop, "sessions, after a revoke")

    # the other browser is signed out at its next request
    phone.goto(f"{base}/account/")
    expect(phone).to_have_url(f"{base}/login/?next=/account/")

    laptop.goto(f"{base}/account/password/")
    expect(laptop.get_by_label("Also revoke my API tokens")).to_be_visible()
    violations += axe_check(laptop, "password")

    phone_context.close()
    laptop_context.close()
    assert not violations, report(violations)
