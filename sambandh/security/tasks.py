"""The background task that mails a password reset link (Django's tasks API, run by
``sambandh worker``)."""

from __future__ import annotations

from django.tasks import task


@task()
def password_reset_mail(email: str, domain: str, use_https: bool) -> str:
    from sambandh.accounts.services_credentials import password_reset_mail as send

    return f"{send(email=email, domain=domain, use_https=use_https)} sent"
