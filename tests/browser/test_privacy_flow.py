"""A data-subject erasure in a real browser: an admin opens a person's page, makes an erasure
request from its button, carries it out, and sees it done and the person erased; the request
list shows it; axe-core finds no serious or critical violation on the pages on the way."""

from __future__ import annotations

from typing import Any

import pytest

from sambandh.contacts.models import Person
from sambandh.privacy.erasure import PSEUDONYM_PREFIX
from sambandh.privacy.models import DataSubjectRequest
from sambandh.privacy.selectors import is_suppressed
from tests import factories
from tests.browser.axe import axe_check, install_axe, report

PASSWORD = "correct horse battery staple"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1280, 390])
def test_an_erasure_request_from_the_person_page(
    live_server: Any, browser: Any, owner: Any, admin_user: Any, width: int
) -> None:
    from playwright.sync_api import expect

    # given a person with an email and a note
    person = factories.make_person(owner, full_name="Asha Rao", email="asha@example.com")
    factories.make_activity(owner, "note", subject="Asha's birthday", person_id=person.pk)
    base = live_server.url
    context = browser.new_context(viewport={"width": width, "height": 900})
    context.set_default_timeout(15_000)
    install_axe(context)
    page = context.new_page()
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", admin_user.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    expect(page).to_have_url(f"{base}/")
    violations = []

    # -- the person's page has the privacy button
    page.goto(f"{base}/people/{person.pk}/")
    page.get_by_role("link", name="Privacy request").click()
    expect(page).to_have_url(f"{base}/privacy/requests/new/?person={person.pk}")
    expect(page.get_by_text("For Asha Rao.")).to_be_visible()
    violations += axe_check(page, "new privacy request")

    # -- an erasure request under the GDPR
    page.get_by_label("Request").select_option("erasure")
    page.get_by_label("Law").select_option("gdpr")
    page.get_by_role("button", name="Record the request").click()
    request = DataSubjectRequest.objects.get()
    expect(page).to_have_url(f"{base}/privacy/requests/{request.pk}/")
    expect(page.locator("#request-status")).to_have_text("Received")
    violations += axe_check(page, "erasure request")

    # -- carried out: done, and the person erased
    page.get_by_role("button", name="Erase this person now").click()
    expect(page).to_have_url(f"{base}/privacy/requests/{request.pk}/")
    expect(page.locator("#request-status")).to_have_text("Done")
    expect(page.get_by_text("The person was erased.")).to_be_visible()
    violations += axe_check(page, "erasure done")
    erased = Person.objects.get(pk=person.pk)
    assert erased.full_name.startswith(PSEUDONYM_PREFIX) and erased.email == ""
    assert is_suppressed(email="asha@example.com")

    # -- the list shows the request, done; the person's page shows the pseudonym
    page.goto(f"{base}/privacy/")
    expect(page.locator("tbody tr").first).to_contain_text("Done")
    violations += axe_check(page, "privacy requests")
    page.goto(f"{base}/people/{person.pk}/")
    expect(page.locator("h1")).to_contain_text(PSEUDONYM_PREFIX)
    expect(page.get_by_text("Asha's birthday")).to_have_count(0)
    context.close()
    assert not violations, report(violations)
