"""Access, end to end in a real browser: an administrator invites a user, puts them in a team,
hides a field from sales reps and shares a record with the new user; the user chooses a
password from the invitation, signs in, and sees the record without the field."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail

from sambandh.accounts.models import FieldRule, RecordShare, TeamMembership, User
from tests import factories

PASSWORD = "correct horse battery staple"
NEW_PASSWORD = "a long and new passphrase 42"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page: Any, base: str, email: str, password: str) -> None:
    from playwright.sync_api import expect

    page.goto(f"{base}/login/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    expect(page).to_have_url(f"{base}/")


def test_an_admin_invites_shares_and_hides_and_the_user_sees_what_they_may(
    live_server: Any, browser: Any, admin_user: Any, owner: Any, team: Any
) -> None:
    from playwright.sync_api import expect

    base = live_server.url
    person = factories.make_person(
        admin_user, full_name="Meera Iyer", email="meera@kestrel.example", phone="+91 98765 43210"
    )
    admin = browser.new_context(viewport={"width": 1280, "height": 800})
    admin.set_default_timeout(15_000)
    page = admin.new_page()
    _sign_in(page, base, admin_user.email, PASSWORD)

    # -- invite Nila as a sales rep
    page.goto(f"{base}/settings/users/invite/")
    page.fill("#id_full_name", "Nila Nair")
    page.fill("#id_email", "nila@example.com")
    page.select_option("#id_role", "sales_rep")
    page.click("button:has-text('Send the invitation')")
    expect(page.locator(".toast, .alert, .messages").first).to_be_visible()
    nila = User.objects.get(email="nila@example.com")
    assert (nila.role, nila.has_usable_password()) == ("sales_rep", False)
    assert [m.to for m in mail.outbox] == [["nila@example.com"]]

    # -- put her in the Sales India team
    page.goto(f"{base}/settings/teams/{team.pk}/")
    page.select_option("select[name=user]", str(nila.pk))
    page.click("button[value=add_member]")
    # (the picker names her too: wait for her row among the members)
    expect(page.locator(".related-list li", has_text="Nila Nair")).to_be_visible()
    assert TeamMembership.objects.filter(team=team, user=nila).exists()

    # -- hide phone numbers of people from sales reps
    page.goto(f"{base}/settings/fields/?type=person")
    page.select_option("select[name='rule:phones:sales_rep']", "hidden")
    page.click("form button:has-text('Save')")
    expect(page.locator("select[name='rule:phones:sales_rep']")).to_have_value("hidden")
    assert list(FieldRule.objects.values_list("field", "role", "access")) == [
        ("phones", "sales_rep", "hidden")
    ]

    # -- share Meera with Nila, from Meera's page
    page.goto(f"{base}/people/{person.pk}/")
    card = page.locator("#shares-card")
    card.locator("select[name=with]").select_option(f"user:{nila.pk}")
    card.locator("button:has-text('Share')").click()
    # (the card's picker names her too: wait for the row of the share itself)
    expect(page.locator("#shares-card .share-row", has_text="Nila Nair")).to_be_visible()
    assert RecordShare.objects.filter(user=nila, record_id=person.pk, can_edit=False).exists()
    # the admin still sees the phone
    expect(page.locator("main")).to_contain_text("98765")
    admin.close()

    # -- Nila follows the invitation, chooses a password and signs in
    link = re.search(r"https?://[^\s]+/reset/[^\s]+/", mail.outbox[0].body)
    assert link is not None
    path = link.group(0).split("://", 1)[1].split("/", 1)[1]
    user = browser.new_context(viewport={"width": 1280, "height": 800})
    user.set_default_timeout(15_000)
    page = user.new_page()
    page.goto(f"{base}/{path}")
    page.fill("input[name=new_password1]", NEW_PASSWORD)
    page.fill("input[name=new_password2]", NEW_PASSWORD)
    page.click("button[type=submit]")
    _sign_in(page, base, "nila@example.com", NEW_PASSWORD)

    # -- she sees Meera, without the phone number, in the list and on the record page
    page.goto(f"{base}/people/")
    expect(page.locator("main")).to_contain_text("Meera Iyer")
    # a click on her name opens her in the side panel: no phone there either
    page.click("a:has-text('Meera Iyer')")
    panel = page.get_by_role("dialog")
    expect(panel).to_contain_text("meera@kestrel.example")
    assert "98765" not in panel.inner_text()
    panel.get_by_role("link", name="Open full page").click()
    expect(page.locator("h1")).to_have_text("Meera Iyer")
    expect(page.locator("main")).to_contain_text("meera@kestrel.example")
    assert "98765" not in page.content() and "9876543210" not in page.content()
    # and she cannot edit it: it was shared for reading
    expect(page.locator(".page-actions a:has-text('Edit')")).to_have_count(0)
    # the owner's other records stay out of reach
    owners = factories.make_person(owner, full_name="Someone Else")
    page.goto(f"{base}/people/{owners.pk}/")
    expect(page.locator("h1")).not_to_have_text("Someone Else")
    user.close()
