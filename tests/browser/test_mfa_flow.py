"""Multi-factor authentication in a real browser: a rep sets up an authenticator app from their
profile (the QR code shown, the key read off the page and turned into a code here, as the app
would), sees their recovery codes once, then logs in again: password, then a TOTP code computed
in the test. axe-core finds no serious or critical violation on the pages on the way."""

from __future__ import annotations

import time
from typing import Any

import pyotp
import pytest

from sambandh.mfa.models import TotpDevice
from tests.browser.axe import axe_check, install_axe, report

PASSWORD = "correct horse battery staple"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _new_page(browser: Any, width: int) -> tuple[Any, Any]:
    context = browser.new_context(viewport={"width": width, "height": 900})
    context.set_default_timeout(15_000)
    install_axe(context)
    return context, context.new_page()


@pytest.mark.parametrize("width", [1280, 390])
def test_enrol_then_log_in_with_a_code(live_server: Any, browser: Any, owner: Any, width: int):
    from playwright.sync_api import expect

    base = live_server.url
    violations = []
    context, page = _new_page(browser, width)
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", owner.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    expect(page).to_have_url(f"{base}/")

    # -- the profile's sign-in security tab: set up an app
    page.goto(f"{base}/account/")
    page.get_by_role("link", name="Sign-in security").click()
    expect(page).to_have_url(f"{base}/account/security/")
    violations += axe_check(page, "security, off")
    page.get_by_role("button", name="Set up an authenticator app").click()
    qr = page.get_by_role("img", name="QR code for your authenticator app")
    expect(qr).to_be_visible()
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0")  # the SVG renders
    violations += axe_check(page, "security, setting up")
    secret = page.locator("#mfa-secret").inner_text().strip()
    assert secret == TotpDevice.objects.get(user=owner).secret
    page.get_by_label("Code").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Turn on").click()
    expect(page.get_by_text("Multi-factor authentication is on.")).to_be_visible()
    codes = page.get_by_role("list", name="Recovery codes").locator("li")
    expect(codes).to_have_count(10)
    violations += axe_check(page, "security, recovery codes")
    context.close()

    # -- a new browser: the password, then the code (the next step's: the app's current code
    # was just used to confirm, and no code is accepted twice)
    context, page = _new_page(browser, width)
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", owner.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    expect(page).to_have_url(f"{base}/login/code/")
    expect(page.get_by_role("heading", name="Enter your code")).to_be_visible()
    violations += axe_check(page, "login, code step")
    # a wrong code first: refused, in words
    totp = pyotp.TOTP(secret)
    right = totp.at(time.time() + 30)
    wrong = "000000" if right != "000000" else "111111"
    page.get_by_label("Code").fill(wrong)
    page.get_by_role("button", name="Verify and log in").click()
    expect(page.get_by_role("alert")).to_contain_text("That code is not right.")
    violations += axe_check(page, "login, wrong code")
    page.get_by_label("Code").fill(right)
    page.get_by_role("button", name="Verify and log in").click()
    expect(page).to_have_url(f"{base}/")
    page.goto(f"{base}/account/security/")
    expect(page.get_by_text("10 recovery codes left.")).to_be_visible()
    violations += axe_check(page, "security, on")
    context.close()
    assert not violations, report(violations)
