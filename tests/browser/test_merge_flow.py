"""Merging duplicates in a real browser: from the duplicates queue a manager opens the merge
page, keeps one value of the duplicate, merges, then undoes it from the kept record's page; and
at 390 px a rep merges two people ticked in the list. axe-core finds no serious or critical
violation on any page."""

from __future__ import annotations

from typing import Any

import pytest

from sambandh.contacts.models import Merge, Person
from sambandh.dedupe.models import DuplicatePair
from tests import factories
from tests.browser.axe import axe_check, report
from tests.browser.session import signed_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_merge_from_the_queue_then_undo(
    live_server: Any, browser: Any, owner: Any, manager: Any
) -> None:
    # given two records of one person, and the pair the scan found
    kept = factories.make_person(owner, full_name="Robert Allen", job_title="Buyer")
    dup = factories.make_person(owner, full_name="Bob Allen", job_title="Head of Buying")
    factories.make_activity(owner, "note", body="Met at the fair", person_id=dup.pk)
    a, b = sorted((kept.pk, dup.pk))
    DuplicatePair.objects.create(record_type="person", record_a_id=a, record_b_id=b, score=0.9)
    base = live_server.url
    context, page = signed_in(browser, base, manager)
    page.goto(f"{base}/duplicates/?type=person")
    found = axe_check(page, "duplicates")
    # when the manager opens the merge page from the pair's row
    with page.expect_navigation():
        page.click("a:has-text('Merge')")
    found += axe_check(page, "merge page")
    assert "1 activities" in page.content()
    # keeps the first record, the duplicate's job title, and merges
    page.check(f"input[name=keep][value='{kept.pk}']")
    page.check(f"input[name='field:job_title'][value='{dup.pk}']")
    with page.expect_navigation():
        page.click("button:has-text('Merge')")
    # then the kept record's page says so, with an Undo button
    assert f"/people/{kept.pk}/?merged=" in page.url
    assert "Head of Buying" in page.content()
    assert DuplicatePair.objects.get().status == "merged"
    found += axe_check(page, "kept record after a merge")
    assert not Person.objects.filter(pk=dup.pk).exists()
    # when they undo it
    with page.expect_navigation():
        page.click("form[action*='/undo/'] button")
    # then both records are back, as they were
    assert "The merge was undone" in page.content()
    found += axe_check(page, "kept record after the undo")
    assert Person.objects.get(pk=kept.pk).job_title == "Buyer"
    assert Person.objects.filter(pk=dup.pk).exists()
    assert Merge.objects.get().undone_at is not None
    assert DuplicatePair.objects.get().status == "open"
    context.close()
    assert not found, report(found)


def test_merge_two_people_ticked_in_the_list_on_a_phone(
    live_server: Any, browser: Any, owner: Any
) -> None:
    kept = factories.make_person(owner, full_name="Asha Rao")
    dup = factories.make_person(owner, full_name="Asha R.")
    base = live_server.url
    context, page = signed_in(browser, base, owner, width=390, height=844)
    page.goto(f"{base}/people/")
    for person in (kept, dup):
        page.check(f"input[data-bulk-row][value='{person.pk}']")
    merge = page.locator("button[data-bulk-merge]")
    assert merge.is_visible()
    with page.expect_navigation():
        merge.click()
    found = axe_check(page, "merge page at 390 px")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    with page.expect_navigation():
        page.click("button:has-text('Merge')")
    assert Person.objects.count() == 1
    context.close()
    assert not found, report(found)
