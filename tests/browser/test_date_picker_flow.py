"""Choosing a task's due date in the calendar with the keyboard, in a real browser, as a user who
writes dates the British way (in India) and as one who writes them the German way: the calendar
speaks their locale (month names, the week starting on Monday), the arrow and Page keys move the
day, Enter puts it in the input in their format, the time is read in their zone, and the task is
saved with that moment. axe-core finds no serious violation with the calendar open."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

import pytest
from babel import dates as babel_dates

from sambandh.activities.models import Activity
from tests.browser.axe import axe_check, report
from tests.browser.session import signed_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _plus_one_month(day: dt.date) -> dt.date:
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    last = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(year, month, min(day.day, last))


@pytest.mark.parametrize(
    ("locale", "zone", "pattern", "babel_locale"),
    [
        ("en-GB", "Asia/Kolkata", "%d/%m/%Y", "en_GB"),
        ("de", "Europe/Berlin", "%d.%m.%Y", "de"),
    ],
)
def test_pick_a_due_date_with_the_keyboard_and_save_the_task(
    live_server: Any,
    browser: Any,
    owner: Any,
    locale: str,
    zone: str,
    pattern: str,
    babel_locale: str,
) -> None:
    from playwright.sync_api import expect

    owner.format_locale, owner.time_zone = locale, zone
    owner.save(update_fields=["format_locale", "time_zone"])
    tz = zoneinfo.ZoneInfo(zone)
    today = dt.datetime.now(tz).date()
    # today, one day right, one week down, then a month on (Page Down)
    expected = _plus_one_month(today + dt.timedelta(days=8))

    base = live_server.url
    context, page = signed_in(browser, base, owner)
    page.goto(f"{base}/tasks/")
    page.get_by_label("Task").fill("Send the quote")

    opener = page.get_by_role("button", name="Choose a date")
    opener.focus()
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    # the calendar opens on today, in the user's language and week
    heading = babel_dates.format_skeleton("yMMMM", today, locale=babel_locale)
    expect(dialog.locator(".date-picker-heading")).to_have_text(heading)
    monday = babel_dates.get_day_names("abbreviated", context="stand-alone", locale=babel_locale)
    expect(dialog.locator("th").first).to_have_text(monday[0])
    expect(dialog.locator("button[tabindex='0']")).to_be_focused()
    violations = axe_check(page, f"my tasks, the calendar open ({locale})")

    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("PageDown")
    expect(dialog.locator("button[tabindex='0']")).to_have_attribute(
        "data-date", expected.isoformat()
    )
    page.keyboard.press("Enter")
    expect(dialog).to_have_count(0)
    expect(opener).to_be_focused()

    day_input = page.locator("#quick-task-due")
    expect(day_input).to_have_value(expected.strftime(pattern))
    page.get_by_label("Time").fill("10:00")
    hidden = page.locator("input[name=due_at][data-date-iso]")
    expect(hidden).to_have_value(f"{expected.isoformat()}T10:00")
    expect(page.locator(".date-input-zone").first).to_contain_text(zone)

    page.get_by_role("button", name="Add").click()
    expect(page.locator(".task-list")).to_contain_text("Send the quote")

    task = Activity.objects.get(subject="Send the quote")
    local = dt.datetime.combine(expected, dt.time(10, 0), tzinfo=tz)
    assert task.due_at == local.astimezone(dt.UTC)
    context.close()
    assert not violations, report(violations)
