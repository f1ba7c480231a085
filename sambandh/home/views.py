"""The start page: a greeting, my tasks, my open deals in every pipeline, notifications, the
records I opened last and recent activity."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from sambandh.accounts import policy
from sambandh.activities import selectors as activity_selectors
from sambandh.core.listing import ListQuery
from sambandh.core.sensitive import note_values
from sambandh.notifications.selectors import notification_page
from sambandh.sales import selectors as sales_selectors
from sambandh.web.http import AuthedRequest, page
from sambandh.web.recent import recent_records

#: Unread notifications on the home page (the rest are in the notification centre).
NOTIFICATIONS = 5
RECENT_LIMIT = 8
MY_DEALS = 6
RECENT_RECORDS = 6


def _greeting(name: str) -> str:
    hour = timezone.localtime().hour
    if 5 <= hour < 12:
        text = _("Good morning, %(name)s")
    elif 12 <= hour < 18:
        text = _("Good afternoon, %(name)s")
    else:
        text = _("Good evening, %(name)s")
    return text % {"name": name}


@page
@require_GET
def index(request: AuthedRequest) -> HttpResponse:
    user = request.user
    first_name = (user.full_name or user.email).split()[0]
    tasks = activity_selectors.my_tasks(viewer=user, limit=5)
    counts = activity_selectors.my_task_counts(viewer=user)
    open_deals = sales_selectors.my_open_deals(viewer=user)
    my_deals = sales_selectors.my_open_deal_list(viewer=user, limit=MY_DEALS + 1)
    recent = activity_selectors.activity_list(
        viewer=user,
        query=ListQuery(sort="-occurred", limit=RECENT_LIMIT),
    )
    deal_access = policy.field_access(user, "deal")
    # "My open deals" shows each one's amount and expected close date: a read when marked.
    shown = {k: v for k, v in sales_selectors.DEAL_CARD_VALUES.items() if deal_access.shows(k)}
    note_values(user, "deal", my_deals[:MY_DEALS], shown, via="home")
    next_tasks = (tasks.overdue + tasks.today + tasks.upcoming)[:5]
    # The next tasks' due dates, the recent activities' times.
    activity_selectors.note_task_rows(user, next_tasks, via="home")
    note_values(user, "activity", recent.items, {"occurred_at": "occurred_at"}, via="home")
    ctx = {
        "greeting": _greeting(first_name),
        "today": timezone.localdate(),
        "overdue_count": counts.shown("overdue"),
        "has_overdue": counts.overdue > 0,
        "today_count": counts.shown("today"),
        "open_tasks": counts.shown("open"),
        "next_tasks": next_tasks,
        "open_deals": open_deals.count,
        "deal_total": open_deals.total,
        "my_deals": my_deals[:MY_DEALS],
        "more_deals": len(my_deals) > MY_DEALS,
        "deal_show": deal_access.show,
        "recent_records": recent_records(request, RECENT_RECORDS),
        "recent": recent.items,
        "notifications": notification_page(viewer=user, unread=True, limit=NOTIFICATIONS).items,
    }
    return render(request, "home/index.html", ctx)
