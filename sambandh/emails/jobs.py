"""The sweep that keeps emails from being lost: one still queued a while after it was put on
the queue (its enqueue was lost after the commit, or its task row purged) is enqueued again;
one a worker took to send and never finished (the worker died) is marked failed, since it may or
may not have left: the user sees why and decides whether to retry."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sambandh.core.audit import audit_record
from sambandh.emails.models import OutboundEmail
from sambandh.events.jobs import JobContext, scheduled_job

#: How long an email may wait in the queue before it is enqueued again (a second task for it is
#: harmless: the claim decides).
WAITING = datetime.timedelta(minutes=2)


@scheduled_job("emails.resume_stalled", every="minute", label=gettext_lazy("Resume stalled emails"))
def resume_stalled(context: JobContext) -> str:
    from sambandh.emails.tasks import send_email

    now = context.now
    waiting = list(
        OutboundEmail.objects.filter(
            status=OutboundEmail.Status.QUEUED, queued_at__lt=now - WAITING
        ).values_list("pk", flat=True)[:100]
    )
    for email_id in waiting:
        send_email.enqueue(email_id)
    OutboundEmail.objects.filter(pk__in=waiting).update(queued_at=now)
    lease = datetime.timedelta(seconds=settings.EVENTS_LEASE_SECONDS)
    dead = list(
        OutboundEmail.objects.filter(
            status=OutboundEmail.Status.SENDING, claimed_at__lt=now - lease
        ).values_list("pk", "activity_id", "error")[:100]
    )
    error = _("Sending was interrupted; the email may not have been sent.")
    for email_id, activity_id, error_before in dead:
        if OutboundEmail.objects.filter(pk=email_id, status=OutboundEmail.Status.SENDING).update(
            status=OutboundEmail.Status.FAILED, error=error
        ):
            audit_record(
                actor=None,
                action="update",
                record_type="activity",
                record_id=activity_id,
                changes={
                    "status": [OutboundEmail.Status.SENDING, OutboundEmail.Status.FAILED],
                    "error": [error_before, error],
                },
                event="email.failed",
            )
    return f"{len(waiting)} emails enqueued again, {len(dead)} interrupted"
