"""The start page: a greeting, my tasks, my open deals by stage, recent activity."""

from __future__ import annotations

from decimal import Decimal

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from sambandh.activities import selectors as activity_selectors
from sambandh.core.listing import ListQuery
from sambandh.notifications.selectors import notification_page
from sambandh.sales import selectors as sales_selectors
from sambandh.sales.models import Stage
from sambandh.web.http import AuthedRequest, page

#: Unread notifications on the home page (the rest are in the notification centre).
NOTIFICATIONS = 5
RECENT_LIMIT = 8


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
    pipelines = sales_selectors.pipeline_list()
    pipeline = next((p for p in pipelines if p.is_default), pipelines[0] if pipelines else None)
    stages: list[sales_selectors.BoardColumn] = []
    totals: dict[str, Decimal] = {}
    open_count = 0
    if pipeline is not None:
        columns = sales_selectors.deal_board(
            viewer=user,
            pipeline=pipeline,
            filters={"owner_id": user.pk, "status": "open"},
            cards_per_stage=0,
        )
        stages = [c for c in columns if c.stage.kind == Stage.Kind.OPEN]
        for column in stages:
            open_count += column.count
            for currency, amount in column.totals.items():
                totals[currency] = totals.get(currency, Decimal(0)) + amount
    recent = activity_selectors.activity_list(
        viewer=user,
        query=ListQuery(sort="-occurred", limit=RECENT_LIMIT),
    )
    ctx = {
        "greeting": _greeting(first_name),
        "today": timezone.localdate(),
        "overdue_count": counts.shown("overdue"),
        "has_overdue": counts.overdue > 0,
        "today_count": counts.shown("today"),
        "open_tasks": counts.shown("open"),
        "next_tasks": (tasks.overdue + tasks.today + tasks.upcoming)[:5],
        "pipeline": pipeline,
        "deal_stages": stages,
        "deal_totals": sorted(totals.items()),
        "open_deals": open_count,
        "recent": recent.items,
        "notifications": notification_page(viewer=user, unread=True, limit=NOTIFICATIONS).items,
    }
    return render(request, "home/index.html", ctx)
