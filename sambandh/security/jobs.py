"""The hourly purge of what sign-in security counts: failures and reset requests older than
their window, locks that ended, sessions that expired (each slot runs once: events/jobs.py)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.utils.translation import gettext_lazy

from sambandh.events.jobs import JobContext, scheduled_job
from sambandh.security.api_limits import api_windows_purge
from sambandh.security.models import LoginFailure, LoginLock, ResetRequest, UserSession


@scheduled_job(
    "security.purge", every="hourly", minute=17, label=gettext_lazy("Forget old sign-in attempts")
)
def purge(context: JobContext) -> str:
    now = context.now
    failures = LoginFailure.objects.filter(
        at__lt=now - datetime.timedelta(seconds=settings.LOGIN_FAILURE_WINDOW)
    ).delete()[0]
    locks = LoginLock.objects.filter(until__lt=now).delete()[0]
    resets = ResetRequest.objects.filter(
        at__lt=now - datetime.timedelta(seconds=settings.PASSWORD_RESET_WINDOW)
    ).delete()[0]
    sessions = UserSession.objects.filter(expire_date__lt=now).delete()[0]
    windows = api_windows_purge(before=now.timestamp())
    return (
        f"{failures} failures, {locks} locks, {resets} reset requests, {sessions} sessions, "
        f"{windows} API rate windows"
    )
