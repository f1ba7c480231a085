"""The sweep (emails.resume_stalled): an email whose enqueue was lost is queued again and sent;
one whose worker died while sending is marked failed, with a reason that says it may not have
left, and can be retried."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from sambandh.emails import jobs
from sambandh.emails.models import OutboundEmail
from sambandh.emails.schemas import EmailIn
from sambandh.emails.services import email_retry, email_send
from sambandh.events.jobs import JobContext
from sambandh.events.worker import run_worker
from tests.factories import make_person

pytestmark = pytest.mark.django_db


def _email(owner):
    person = make_person(owner, full_name="Asha Rao")
    # (outside captureOnCommitCallbacks: the enqueue after commit never happens, as if lost)
    return email_send(
        actor=owner,
        data=EmailIn.build({"person_id": person.pk, "to": ["asha@example.com"], "subject": "Hi"}),
    )


def test_a_lost_enqueue_is_picked_up_and_sent(owner, smtp_server):
    email = _email(owner)
    assert DBTaskResult.objects.count() == 0
    now = timezone.now()
    # a fresh one is left alone: its task may still be on its way
    assert jobs.resume_stalled(JobContext(slot=now, now=now)).startswith("0 emails")
    later = now + jobs.WAITING + datetime.timedelta(seconds=1)
    assert jobs.resume_stalled(JobContext(slot=later, now=later)).startswith("1 emails")
    run_worker(until_idle=True)
    assert OutboundEmail.objects.get(pk=email.pk).status == "sent"
    assert len(smtp_server.received) == 1


def test_an_email_whose_worker_died_while_sending_is_failed_and_retryable(
    owner, settings, django_capture_on_commit_callbacks
):
    email = _email(owner)
    claimed = timezone.now()
    OutboundEmail.objects.filter(pk=email.pk).update(status="sending", claimed_at=claimed)
    within = claimed + datetime.timedelta(seconds=settings.EVENTS_LEASE_SECONDS - 1)
    jobs.resume_stalled(JobContext(slot=within, now=within))
    assert OutboundEmail.objects.get(pk=email.pk).status == "sending"
    after = claimed + datetime.timedelta(seconds=settings.EVENTS_LEASE_SECONDS + 1)
    assert jobs.resume_stalled(JobContext(slot=after, now=after)).endswith("1 interrupted")
    failed = OutboundEmail.objects.get(pk=email.pk)
    assert failed.status == "failed"
    assert failed.error == "Sending was interrupted; the email may not have been sent."
    with django_capture_on_commit_callbacks(execute=True):
        email_retry(actor=owner, email=failed)
    assert OutboundEmail.objects.get(pk=email.pk).status == "queued"
    assert DBTaskResult.objects.count() == 1
