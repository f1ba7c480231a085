"""Editing a field in place on a record page, in a real browser: the field's button opens its
editor, Enter saves it, the page shows the new value without reloading, and a second field
saved after it is not refused as a conflict (the page took the record's new version); Escape
cancels. axe-core finds no serious violation with the editor open."""

from __future__ import annotations

from typing import Any

import pytest

from sambandh.contacts.models import Person
from tests import factories
from tests.browser.axe import axe_check, report
from tests.browser.session import signed_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1280, 390])
def test_edit_two_fields_in_place_and_cancel_a_third(
    live_server: Any, browser: Any, owner: Any, width: int
) -> None:
    from playwright.sync_api import expect

    person = factories.make_person(owner, full_name="Ana Pereira")
    base = live_server.url
    context, page = signed_in(browser, base, owner, width)
    page.goto(f"{base}/people/{person.pk}/")

    page.get_by_role("button", name="Edit Source:").click()
    editor = page.locator("form[data-inline-form]")
    expect(editor.get_by_label("Source")).to_be_focused()
    violations = axe_check(page, "person, a field's editor open")
    editor.get_by_label("Source").fill("Trade fair")
    editor.get_by_label("Source").press("Enter")
    expect(page.get_by_role("button", name="Edit Source:")).to_contain_text("Trade fair")
    expect(page.get_by_role("button", name="Edit Source:")).to_be_focused()

    page.get_by_role("button", name="Edit Country:").click()
    page.locator("form[data-inline-form]").get_by_label("Country").select_option("BR")
    page.locator("form[data-inline-form]").get_by_role("button", name="Save").click()
    expect(page.get_by_role("button", name="Edit Country:")).to_contain_text("Brazil")

    page.get_by_role("button", name="Edit About:").click()
    page.locator("form[data-inline-form]").get_by_label("About").fill("Not kept")
    page.keyboard.press("Escape")
    expect(page.locator("form[data-inline-form]")).to_have_count(0)

    person.refresh_from_db()
    assert (person.source, person.country, person.description) == ("Trade fair", "BR", "")
    # the delete form took the new version too: deleting now is not a conflict
    assert page.locator(f'input[data-version-of="person-{person.pk}"]').input_value() == str(
        person.version
    )
    context.close()
    assert not violations, report(violations)
    assert Person.objects.count() == 1
