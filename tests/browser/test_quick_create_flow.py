"""Creating a linked record without leaving the form, in a real browser: from the person form a
new organization (its dialog, a mistake shown on its field, then created and written into the
organization input as the picker writes it), and from the deal form a new person who joins the
deal's people. axe-core finds no serious violation, the dialog open included."""

from __future__ import annotations

import re
from typing import Any

import pytest

from sambandh.contacts.models import Organization, Person
from sambandh.sales.models import Deal
from tests.browser.axe import axe_check, report
from tests.browser.session import signed_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_new_organization_from_the_person_form_and_new_person_from_the_deal_form(
    live_server: Any, browser: Any, owner: Any, pipeline: Any
) -> None:
    from playwright.sync_api import expect

    base = live_server.url
    context, page = signed_in(browser, base, owner)

    # -- the person form: a new organization in a dialog
    page.goto(f"{base}/people/new/")
    page.get_by_label("Full name").fill("Ana Pereira")
    page.get_by_role("link", name="New organization").click()
    dialog = page.get_by_role("dialog", name="New organization")
    expect(dialog).to_be_visible()
    violations = axe_check(page, "person form, new organization dialog")
    dialog.get_by_label("Name").fill("Cerrado Alimentos")
    dialog.get_by_label("Domain").fill("not a domain!")
    dialog.get_by_role("button", name="Create").click()
    expect(dialog.locator("[data-quick-field=domain]")).not_to_be_empty()
    assert not Organization.objects.exists()
    dialog.get_by_label("Domain").fill("cerrado.example")
    dialog.get_by_role("button", name="Create").click()
    expect(dialog).to_be_hidden()
    expect(page.get_by_label("Organization", exact=True)).to_have_value(
        "Cerrado Alimentos · cerrado.example"
    )
    page.get_by_role("button", name="Add person").click()
    expect(page).to_have_url(re.compile(r"/people/\d+/$"))
    ana = Person.objects.get()
    assert ana.organization.name == "Cerrado Alimentos"

    # -- the deal form: a new person, with the deal's organization
    page.goto(f"{base}/deals/new/")
    page.locator("#id_name").fill("Cerrado renewal")
    page.get_by_label("Organization", exact=True).fill("Cerrado Alimentos · cerrado.example")
    page.get_by_role("link", name="New person").click()
    dialog = page.get_by_role("dialog", name="New person")
    dialog.get_by_label("Full name").fill("Bruno Costa")
    dialog.get_by_label("Email").fill("bruno@cerrado.example")
    dialog.get_by_role("button", name="Create").click()
    expect(dialog).to_be_hidden()
    expect(page.locator("#id_person_0")).to_have_value("Bruno Costa · bruno@cerrado.example")
    toast = page.locator(".toast", has_text="Created Bruno Costa.")
    expect(toast).to_be_visible()
    toast.evaluate("el => Promise.all(el.getAnimations().map(a => a.finished))")
    violations += axe_check(page, "deal form, a person created")
    page.locator("form.record-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/deals/\d+/$"))
    deal = Deal.objects.get()
    bruno = Person.objects.get(full_name="Bruno Costa")
    assert list(deal.people.all()) == [bruno]
    assert bruno.organization_id == ana.organization_id
    context.close()
    assert not violations, report(violations)
