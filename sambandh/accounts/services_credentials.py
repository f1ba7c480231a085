"""Writes on a user's credentials that sign-in security (sambandh/security) asks for: revoking
every API token at once, and sending the password reset mail from a background task."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from sambandh.accounts.forms import UserLanguagePasswordResetForm
from sambandh.accounts.models import ApiToken, User
from sambandh.core.audit import audit_record


@transaction.atomic
def user_tokens_revoke_all(*, user: User, actor: User) -> int:
    """Revoke every live API token of ``user`` at once (after a password change they asked it
    for). Audited once; returns how many were revoked."""
    live = ApiToken.objects.filter(user=user, revoked_at__isnull=True)
    prefixes = list(live.values_list("prefix", flat=True))
    if prefixes:
        live.update(revoked_at=timezone.now())
        audit_record(
            actor=actor,
            action="token",
            record_type="user",
            record_id=user.pk,
            summary=f"{len(prefixes)} tokens revoked: {', '.join(prefixes)}"[:300],
        )
    return len(prefixes)


def password_reset_mail(*, email: str, domain: str, use_https: bool) -> int:
    """Mail a reset link to the active user with this email and a usable password, in their
    own language; nothing to an email no account uses. Run by a background task, so the page
    that asked answers the same, in the same time, either way. Returns the mails sent."""
    form = UserLanguagePasswordResetForm({"email": email})
    if not form.is_valid():
        return 0
    users = list(form.get_users(form.cleaned_data["email"]))
    if users:
        form.save(
            domain_override=domain,
            use_https=use_https,
            # Not registration/password_reset_subject.txt: django.contrib.auth ships one by that
            # name, found before ours.
            subject_template_name="web/password_reset_subject.txt",
        )
    return len(users)
