"""The background task that sends an email, run by `sambandh worker` (Django's tasks API)."""

from __future__ import annotations

from django.tasks import task


@task()
def send_email(email_id: int) -> str:
    """Send one queued email. Safe to run more than once: the email's claim decides."""
    from sambandh.emails.sending import deliver

    return deliver(email_id)
