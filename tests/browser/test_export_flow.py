"""An export in a real browser: a rep filters the people list by name, opens "Export", downloads
the CSV of what the filter shows (every page, nothing of anyone else's), then ticks one row and
exports it from the selection bar; axe-core finds no serious or critical violation on the list
with the export menu open."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import pytest

from sambandh.core.audit import values_after
from sambandh.core.models import AuditEvent
from tests import factories
from tests.browser.axe import axe_check, install_axe, report

PASSWORD = "correct horse battery staple"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _rows(download: Any) -> list[dict[str, str]]:
    with open(download.path(), encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(io.StringIO(f.read())))


def test_export_the_filtered_people_list_as_csv(
    live_server: Any, browser: Any, owner: Any, outsider: Any
) -> None:
    from playwright.sync_api import expect

    # given three Kumars of the rep's (one with a formula for a job title), one other person,
    # and a Kumar of someone else's
    for i in range(3):
        factories.make_person(owner, full_name=f"Kumar {i}", job_title="=1+2" if i == 0 else "")
    factories.make_person(owner, full_name="Asha Rao")
    factories.make_person(outsider, full_name="Kumar Outsider")
    base = live_server.url
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    context.set_default_timeout(15_000)
    install_axe(context)
    page = context.new_page()
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", owner.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    expect(page).to_have_url(f"{base}/")

    # -- the list, filtered by name
    page.goto(f"{base}/people/?name=Kumar")
    expect(page.locator("tbody input[data-bulk-row]")).to_have_count(3)
    page.locator("[data-export-menu]").click()
    csv_link = page.get_by_role("link", name="CSV", exact=True)
    expect(csv_link).to_be_visible()
    violations = axe_check(page, "people list, export menu open")

    with page.expect_download() as info:
        csv_link.click()
    download = info.value
    assert re.fullmatch(r"people-\d{8}-\d{6}\.csv", download.suggested_filename)
    rows = _rows(download)
    assert [r["Name"] for r in rows] == ["Kumar 0", "Kumar 1", "Kumar 2"]
    assert rows[0]["Job title"] == "'=1+2"
    audit = AuditEvent.objects.get(action="export")
    details = values_after(audit)
    assert details["filters"] == {"name": "Kumar"} and details["rows"] == 3

    # -- one row ticked, exported from the selection bar, with "Delete" chosen as the action:
    # an export asks no confirmation and deletes nothing
    page.keyboard.press("Escape")
    page.get_by_role("checkbox", name="Select Kumar 1").check()
    bar = page.locator("#bulk-form")
    expect(bar).to_be_visible()
    bar.locator("#bulk-action").select_option("delete")
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    with page.expect_download() as info:
        bar.get_by_role("button", name="Export CSV").click()
    assert [r["Name"] for r in _rows(info.value)] == ["Kumar 1"]
    assert dialogs == []
    expect(page.locator("tbody input[data-bulk-row]")).to_have_count(3)
    violations += axe_check(page, "people list, a row selected")
    context.close()
    assert not violations, report(violations)
