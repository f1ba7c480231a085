"""The background task that sends a double opt-in email, run by `sambandh worker`."""

from __future__ import annotations

from django.tasks import task


@task()
def send_confirmation(consent_id: int) -> str:
    """Send the confirmation request of the pending row ``consent_id`` (if still pending)."""
    from sambandh.consents.mail import deliver_confirmation

    return deliver_confirmation(consent_id)
