"""A record's History tab in a real browser: a rep opens a person's history, sees who changed
the job title from where, restores the earlier title in one click (a new audited change), and
axe-core finds no serious or critical violation on the tab."""

from __future__ import annotations

from typing import Any

import pytest

from sambandh.contacts.models import Person
from sambandh.contacts.schemas import PersonIn
from sambandh.contacts.services import person_update
from sambandh.core.audit_context import audit_context
from sambandh.core.models import AuditEvent
from tests import factories
from tests.browser.axe import axe_check, install_axe, report

PASSWORD = "correct horse battery staple"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1280, 390])
def test_open_the_history_tab_and_restore_a_value(
    live_server: Any, browser: Any, owner: Any, width: int
) -> None:
    from playwright.sync_api import expect

    # given a person whose job title was changed through the API, from 198.51.100.4
    person = factories.make_person(owner, full_name="Asha Rao", job_title="Engineer")
    with audit_context(source="api", ip="198.51.100.4"):
        person_update(
            actor=owner, person=person, data=PersonIn.build({"job_title": "CTO"}), version=1
        )
    base = live_server.url
    context = browser.new_context(viewport={"width": width, "height": 900})
    context.set_default_timeout(15_000)
    install_axe(context)
    page = context.new_page()
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", owner.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    expect(page).to_have_url(f"{base}/")
    violations = []

    # -- the person's page has a History tab
    page.goto(f"{base}/people/{person.pk}/")
    page.get_by_role("link", name="History", exact=True).click()
    expect(page).to_have_url(f"{base}/history/person/{person.pk}/")
    change = page.locator("tr[data-field=job_title]").first
    expect(change).to_contain_text("Engineer")
    expect(change).to_contain_text("CTO")
    expect(page.locator(".history-entry").first).to_contain_text("198.51.100.4")
    expect(page.locator(".history-entry").first).to_contain_text("Source: API")
    violations += axe_check(page, "history tab")

    # -- Restore beside the earlier value puts it back, as a new change
    change.get_by_role("button", name="Restore").click()
    expect(page.locator(".toast").filter(has_text="was put back")).to_be_visible()
    latest = page.locator(".history-entry").first
    expect(latest.locator("tr[data-field=job_title]")).to_contain_text("CTO")
    expect(latest).to_contain_text("Source: interface")
    latest.evaluate("el => Promise.all(document.getAnimations().map(a => a.finished))")
    violations += axe_check(page, "history tab, after a restore")
    context.close()
    assert Person.objects.get(pk=person.pk).job_title == "Engineer"
    updates = AuditEvent.objects.filter(record_type="person", record_id=person.pk, action="update")
    assert updates.count() == 2
    assert not violations, report(violations)
