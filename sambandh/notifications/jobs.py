"""The notifications' scheduled jobs (sambandh/events): task reminders each minute, and each
morning the deals nobody has planned a next step for. Each slot runs once (events/jobs.py), and
each notification is keyed, so a slot that runs again after a crash tells nobody twice."""

from __future__ import annotations

import datetime

from django.utils.translation import gettext_lazy

from sambandh.activities.selectors import deals_without_next_step, tasks_falling_due
from sambandh.events.jobs import JobContext, scheduled_job
from sambandh.events.selectors import last_succeeded_slot
from sambandh.notifications.models import Notification
from sambandh.notifications.services import notify

REMINDERS = "notifications.task_reminders"
#: After downtime a worker runs only the latest missed slot: it reminds of what fell due since
#: the last slot that ran, up to this long ago (older tasks show as overdue in My tasks).
CATCH_UP = datetime.timedelta(days=1)


@scheduled_job(REMINDERS, every="minute", label=gettext_lazy("Task reminders"))
def task_reminders(context: JobContext) -> str:
    """Remind each assignee of the tasks that fell due since the last slot that ran (this
    minute's, or every minute a stopped worker missed, up to a day)."""
    until = context.slot
    last = last_succeeded_slot(REMINDERS, before=until)
    after = max(last or until - datetime.timedelta(minutes=1), until - CATCH_UP)
    told = 0
    for task_id, assignee_id, due_at in tasks_falling_due(after=after, until=until):
        if notify(
            user_id=assignee_id,
            kind=Notification.Kind.TASK_DUE,
            key=f"task_due:{task_id}:{due_at.isoformat()}",
            record_type="activity",
            record_id=task_id,
        ):
            told += 1
    return f"{told} reminders"


@scheduled_job(
    "notifications.no_next_step",
    every="daily",
    at="07:00",
    label=gettext_lazy("Deals without a next step"),
)
def no_next_step(context: JobContext) -> str:
    """Tell each owner how many of their open deals have no open task, once a day."""
    day = context.slot.date().isoformat()
    told = 0
    for owner_id, count in sorted(deals_without_next_step().items()):
        if count and notify(
            user_id=owner_id,
            kind=Notification.Kind.NO_NEXT_STEP,
            key=f"no_next_step:{day}",
            count=count,
        ):
            told += 1
    return f"{told} owners told"


@scheduled_job(
    "notifications.daily_digest", every="hourly", label=gettext_lazy("Daily email digests")
)
def daily_digest(context: JobContext) -> str:
    """Each hour, the digests of the users for whom it is now DIGEST_HOUR (digest.py)."""
    from sambandh.notifications.digest import send_digests

    return f"{send_digests(now=context.slot)} digests sent"
