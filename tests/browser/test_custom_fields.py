"""An administrator creates a custom picklist in Settings, sets it on people through the record
form, filters and sorts the people list by it, and finds it in the API document: in a real
browser (Debian's Chromium)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from sambandh.contacts.models import Person
from sambandh.customfields.models import CustomField

PASSWORD = "correct horse battery staple"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_admin_defines_sets_filters_sorts_and_documents_a_picklist(
    live_server: Any, browser: Any, admin_user: Any
) -> None:
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    base = live_server.url
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", admin_user.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    expect(page).to_have_url(f"{base}/")

    # Settings › Custom fields: a picklist on people
    page.click("nav.nav a:has-text('Settings')")
    page.click("nav.tabs a:has-text('Custom fields')")
    page.fill("#id_label", "Loyalty tier")
    page.fill("#id_key", "loyalty_tier")
    page.select_option("#id_type", "picklist")
    page.fill("#id_options", "gold\nsilver")
    page.click("button:has-text('Add field')")
    expect(page.locator("table.custom-fields")).to_contain_text("custom.loyalty_tier")
    field = CustomField.objects.get()
    assert (field.key, field.type, field.options) == (
        "loyalty_tier",
        "picklist",
        ["gold", "silver"],
    )

    # two people, through the record form, each with a tier
    for name, tier in (("Zoya Gold", "gold"), ("Arjun Silver", "silver")):
        page.goto(f"{base}/people/new/")
        page.fill("#id_full_name", name)
        page.select_option("#id_cf_loyalty_tier", tier)
        page.click("form button[type=submit]:has-text('Add person')")
        expect(page.locator("[data-custom-field=loyalty_tier]")).to_have_text(tier)
    assert sorted(Person.objects.values_list("full_name", "custom")) == [
        ("Arjun Silver", {"loyalty_tier": "silver"}),
        ("Zoya Gold", {"loyalty_tier": "gold"}),
    ]

    # the people list: filtered by the tier (its own control in the filters)
    page.goto(f"{base}/people/")
    page.select_option("[data-custom-filter='custom.loyalty_tier']", "gold")
    page.locator("[data-custom-filter='custom.loyalty_tier']").evaluate(
        "el => el.form.requestSubmit()"
    )
    expect(page).to_have_url(f"{base}/people/?custom.loyalty_tier=gold")
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Zoya Gold")

    # sorted by it, from its column's header (the column shown through the list's address)
    page.goto(f"{base}/people/?cols=name,custom.loyalty_tier")
    page.click("thead a:has-text('Loyalty tier')")
    expect(page).to_have_url(
        f"{base}/people/?sort=custom.loyalty_tier&cols=name%2Ccustom.loyalty_tier"
    )
    names = page.locator("table tbody tr .row-link").all_inner_texts()
    assert names == ["Zoya Gold", "Arjun Silver"]
    page.click("thead a:has-text('Loyalty tier')")
    expect(page.locator("table tbody tr .row-link").first).to_have_text("Arjun Silver")

    # the API document describes it as defined
    page.goto(f"{base}/api/v1/openapi.json")
    document = json.loads(page.locator("body").inner_text())
    custom = document["components"]["schemas"]["PersonOut"]["properties"]["custom"]
    assert custom["properties"]["loyalty_tier"]["anyOf"][0] == {
        "type": "string",
        "enum": ["gold", "silver"],
    }
    context.close()
