"""A signed-in browser page for a test: a fresh context at the given width (axe-core installed,
a 15 s default timeout), signed in through the login form as ``user``."""

from __future__ import annotations

from typing import Any

from tests.browser.axe import install_axe

PASSWORD = "correct horse battery staple"


def signed_in(
    browser: Any, base: str, user: Any, width: int = 1280, height: int = 900
) -> tuple[Any, Any]:
    """(context, page), the page on the start page after signing in."""
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": width, "height": height})
    context.set_default_timeout(15_000)
    install_axe(context)
    page = context.new_page()
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    expect(page).to_have_url(f"{base}/")
    return context, page
