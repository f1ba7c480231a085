"""A user's second factor: one authenticator app (TOTP, RFC 6238), its one-time recovery codes,
and the count of wrong codes that rate-limits guessing."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class TotpDevice(models.Model):
    """The authenticator app of a user. Unconfirmed (``confirmed_at`` empty) while being set
    up: it then counts for nothing. ``last_step`` is the time step of the last code accepted,
    so a code is never accepted twice (RFC 6238 section 5.2)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="totp_device"
    )
    # Base32, as the app was given it; needed to compute the codes, so it cannot be hashed.
    secret = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    last_step = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"TOTP of user {self.user_id}"


class RecoveryCode(models.Model):
    """A one-time code for when the app is lost. Only its SHA-256 is stored (the codes carry
    80 random bits, so a fast hash is enough); shown once, when made."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="recovery_codes"
    )
    digest = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "digest"], name="recovery_code_unique")
        ]

    def __str__(self) -> str:
        return f"recovery code of user {self.user_id}"


class CodeFailures(models.Model):
    """Wrong codes a user's second step has seen since the last right one; past the limit the
    second step is locked until ``locked_until`` (services.MFA_MAX_FAILURES)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mfa_failures"
    )
    count = models.PositiveIntegerField(default=0)
    first_at = models.DateTimeField(null=True, blank=True)
    locked_until = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.count} wrong codes of user {self.user_id}"
