"""The date inputs that replaced the browser's native ones, in a real browser (Debian's Chromium),
for a user who writes dates the German way: a custom date field's filter on the people list
filters as the day is typed (not while it is half typed), its chip clears it, and text that is not
a day is explained; a person's date of birth and a consent's expiry are typed in their forms; the
audit log's "Since" reads the typed day and explains text that is not one. axe-core finds no
serious violation on these pages (the filtered list, the person form, the consent form, the audit
log with its error)."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

import pytest

from sambandh.consents.models import Consent
from sambandh.contacts.models import Person
from sambandh.core.audit import audit_record
from sambandh.core.audit_context import audit_context
from sambandh.customfields.services import custom_field_create
from tests.browser.axe import axe_check, report
from tests.browser.session import signed_in
from tests.factories import make_person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_date_filter_on_the_people_list(live_server: Any, browser: Any, admin_user: Any) -> None:
    from playwright.sync_api import expect

    admin_user.format_locale = "de"
    admin_user.save(update_fields=["format_locale"])
    custom_field_create(
        actor=admin_user,
        data={"record_type": "person", "key": "renewal", "label": "Renewal", "type": "date"},
    )
    make_person(admin_user, full_name="Asha Due", custom={"renewal": "2026-12-31"})
    make_person(admin_user, full_name="Bela Later", custom={"renewal": "2027-01-15"})
    base = live_server.url
    context, page = signed_in(browser, base, admin_user)
    page.goto(f"{base}/people/")
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(2)

    # typed the user's way: half a day asks for nothing, the whole day filters the list
    day = page.locator("[data-custom-filter='custom.renewal']")
    day.press_sequentially("31.12.")
    page.wait_for_timeout(600)  # past the live filter's debounce
    expect(page).to_have_url(f"{base}/people/")
    expect(page.locator("#list-error")).to_have_count(0)
    day.press_sequentially("2026")
    expect(page).to_have_url(f"{base}/people/?custom.renewal=2026-12-31")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Asha Due")
    chip = page.locator("#filter-chips .chip")
    expect(chip).to_contain_text("Renewal: 31.12.2026")
    violations = axe_check(page, "people, filtered by a custom date")

    # its chip clears the day and the filter
    chip.click()
    expect(page).to_have_url(f"{base}/people/")
    expect(rows).to_have_count(2)
    expect(day).to_have_value("")

    # text that is not a day is explained once the field is left
    day.fill("31.13.2026")
    day.press("Tab")
    expect(page.locator("#list-error")).to_have_text(
        "“31.13.2026” is not a date. Write it like 31.12.2026."
    )
    expect(rows).to_have_count(2)
    context.close()
    assert not violations, report(violations)


def test_a_date_of_birth_and_the_audit_logs_since_typed_the_users_way(
    live_server: Any, browser: Any, admin_user: Any
) -> None:
    from playwright.sync_api import expect

    admin_user.format_locale, admin_user.time_zone = "de", "Europe/Berlin"
    admin_user.save(update_fields=["format_locale", "time_zone"])
    base = live_server.url
    context, page = signed_in(browser, base, admin_user)

    page.goto(f"{base}/people/new/")
    violations = axe_check(page, "person, new (a German date format)")
    page.fill("#id_full_name", "Asha Rao")
    page.get_by_label("Date of birth").fill("31.12.1990")
    expect(page.locator("input[name=birth_date][data-date-iso]")).to_have_value("1990-12-31")
    page.click("form button[type=submit]:has-text('Add person')")
    expect(page.get_by_role("heading", name="Asha Rao")).to_be_visible()
    person = Person.objects.get()
    assert person.birth_date == dt.date(1990, 12, 31)
    page.goto(f"{base}/people/{person.pk}/")
    section = page.locator("#consents")
    section.locator("summary:has-text('Record consent or withdrawal')").click()
    section.get_by_label("Purpose").select_option("newsletter")
    section.get_by_label("Status").select_option("granted")
    section.get_by_label("Source").fill("Signed paper form")
    section.get_by_label("Expires on").fill("31.12.2099")
    violations += axe_check(page, "person page, consent form open (a German date format)")
    section.locator("button:has-text('Record')").click()
    expect(page.locator("body")).to_contain_text("Consent recorded.")
    berlin = zoneinfo.ZoneInfo("Europe/Berlin")
    expires = Consent.objects.get().expires_at
    assert expires == dt.datetime(2099, 12, 31, 23, 59, 59, tzinfo=berlin)

    with audit_context(at=dt.datetime(2026, 12, 30, 22, 30, tzinfo=dt.UTC)):
        audit_record(actor=admin_user, action="update", record_type="tag", record_id=1)
    with audit_context(at=dt.datetime(2026, 12, 30, 23, 30, tzinfo=dt.UTC)):
        after = audit_record(actor=admin_user, action="update", record_type="tag", record_id=2)
    page.goto(f"{base}/settings/audit/?record_type=tag")
    expect(page.locator("tr[data-audit-id]")).to_have_count(2)
    page.get_by_label("Since").fill("31.12.2026")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("tr[data-audit-id]")).to_have_count(1)
    expect(page.locator(f"tr[data-audit-id='{after.pk}']")).to_be_visible()
    expect(page.get_by_label("Since")).to_have_value("31.12.2026")

    page.get_by_label("Since").fill("31.13.2026")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("#audit-since-error")).to_have_text(
        "“31.13.2026” is not a date. Write it like 31.12.2026."
    )
    expect(page.get_by_label("Since")).to_have_attribute("aria-invalid", "true")
    violations += axe_check(page, "audit log, a Since that is not a day")
    context.close()
    assert not violations, report(violations)
