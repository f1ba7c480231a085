"""The Proof of the translated interface: one user switches through Telugu, Gujarati, Hindi and
Arabic with the account menu's language switcher and opens the start page, the people list, a
person, the deals board and the person form in each. On every page: the interface speaks the
language (<html lang>, the navigation's translated labels), no English msgid of the catalogue
is left visible, Arabic is laid out right to left (dir=rtl and the navigation on the right), and
axe-core finds no serious or critical violation. Screenshots are kept in test-artifacts/i18n/
(git-ignored; SAMBANDH_ARTIFACTS moves it)."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
from babel.messages.pofile import read_po

from tests import factories
from tests.browser.axe import axe_check, report
from tests.browser.session import signed_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(os.environ.get("SAMBANDH_ARTIFACTS", ROOT / "test-artifacts")) / "i18n"
LANGUAGES = ("te", "gu", "hi", "ar")
WIDTH = 1280

#: What the world holds in English on purpose: names of records and the pipeline's stages
#: (data an administrator typed, not interface), added by the test.
DATA: list[str] = ["Kaveri Textiles", "Priya Raman", "Kaveri looms", "Ravi Rep", "Buyer"]


def catalogue(lang: str) -> dict[str, str]:
    """msgid -> translation for the catalogue's plain messages."""
    with (ROOT / "locale" / lang / "LC_MESSAGES" / "django.po").open("rb") as handle:
        return {
            m.id: m.string
            for m in read_po(handle)
            if isinstance(m.id, str) and m.id and isinstance(m.string, str) and m.string
        }


def leftover_english(text: str, messages: dict[str, str], data: list[str]) -> list[str]:
    """The catalogue's msgids (longer than a few letters, translated differently, no
    placeholder) that still show in ``text`` as whole words."""
    found = []
    for msgid, translation in messages.items():
        if len(msgid) < 6 or msgid == translation or "%" in msgid or "<" in msgid:
            continue
        if any(msgid in value for value in data):
            continue
        # A word of an IANA zone name ("Brazil/Acre" in the time zone choices) is an
        # identifier, not English left untranslated.
        if re.search(r"(?<![\w/])" + re.escape(msgid) + r"(?![\w/])", text):
            found.append(msgid)
    return found


def switch_language(page: Any, lang: str) -> None:
    """Through the account menu's switcher, as a person would (a form POST)."""
    page.click(".user-menu > summary")
    page.select_option("#language-select-menu", lang)
    with page.expect_navigation():
        page.click(".user-menu .language-form button[type=submit]")


def test_one_user_through_telugu_gujarati_hindi_and_arabic(live_server: Any, browser: Any):
    from playwright.sync_api import expect

    team = factories.make_team("Sales India")
    rep = factories.make_user("sales_rep", email="rep@example.com", full_name="Ravi Rep", team=team)
    pipeline = factories.make_pipeline(factories.make_user("admin", email="admin@example.com"))
    org = factories.make_organization(rep, name="Kaveri Textiles", country="IN")
    person = factories.make_person(
        rep, full_name="Priya Raman", organization_id=org.pk, job_title="Buyer"
    )
    factories.make_deal(rep, pipeline, name="Kaveri looms", organization_id=org.pk)
    pages = {
        "home": "/",
        "people": "/people/",
        "person": f"/people/{person.pk}/",
        "board": "/deals/",
        "form": f"/people/{person.pk}/edit/",
    }
    data = [*DATA, pipeline.name, *pipeline.stages.values_list("name", flat=True)]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    base = live_server.url
    context, page = signed_in(browser, base, rep, WIDTH, 900)
    violations = []
    leftovers: dict[str, list[str]] = {}
    try:
        for lang in LANGUAGES:
            switch_language(page, lang)
            messages = catalogue(lang)
            for name, path in pages.items():
                page.goto(base + path)
                html = page.locator("html")
                expect(html).to_have_attribute("lang", lang)
                expect(html).to_have_attribute("dir", "rtl" if lang == "ar" else "ltr")
                # the navigation speaks the language
                expect(page.locator(".nav")).to_contain_text(messages["People"])
                expect(page.locator(".nav")).to_contain_text(messages["Deals"])
                text = page.evaluate("() => document.body.innerText")
                left = leftover_english(text, messages, data)
                if left:
                    leftovers[f"{lang} {name}"] = left
                if lang == "ar":
                    # mirrored: the sidebar sits on the right, the main column to its left
                    sidebar = page.locator("#sidebar").bounding_box()
                    main = page.locator("#main").bounding_box()
                    assert sidebar and main
                    assert sidebar["x"] > main["x"], (name, sidebar, main)
                violations += axe_check(page, f"{lang} {name}")
                page.screenshot(path=str(ARTIFACTS / f"{lang}-{name}.png"))
    finally:
        context.close()
    assert leftovers == {}
    assert not violations, report(violations)


def test_the_sign_in_page_follows_the_browser_and_the_switcher(live_server: Any, browser: Any):
    """Before anyone is known: the browser's Accept-Language (Gujarati), then the switcher
    under the login card (Arabic, kept in a cookie)."""
    from playwright.sync_api import expect

    from tests.browser.axe import install_axe

    context = browser.new_context(
        viewport={"width": WIDTH, "height": 900}, extra_http_headers={"Accept-Language": "gu"}
    )
    context.set_default_timeout(15_000)
    install_axe(context)
    page = context.new_page()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    try:
        page.goto(f"{live_server.url}/login/")
        expect(page.locator("html")).to_have_attribute("lang", "gu")
        expect(page.locator("h1")).to_have_text(catalogue("gu")["Log in to Sambandh"])
        violations = axe_check(page, "gu login")
        page.screenshot(path=str(ARTIFACTS / "gu-login.png"))
        page.select_option("#language-select-auth", "ar")
        with page.expect_navigation():
            page.click(".auth-language button[type=submit]")
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
        expect(page.locator("h1")).to_have_text(catalogue("ar")["Log in to Sambandh"])
        violations += axe_check(page, "ar login")
        page.screenshot(path=str(ARTIFACTS / "ar-login.png"))
    finally:
        context.close()
    assert not violations, report(violations)
