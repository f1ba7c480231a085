"""Reads for multi-factor authentication: whether it is on, what the set-up page shows, and
whether a user must turn it on before anything else."""

from __future__ import annotations

from typing import Any

import pyotp
import segno
from django.conf import settings

from sambandh.accounts.selectors import company_settings
from sambandh.mfa.models import RecoveryCode, TotpDevice

ISSUER = "Sambandh"


def is_on(user: Any) -> bool:
    """Whether the user has a confirmed authenticator app."""
    return TotpDevice.objects.filter(user=user, confirmed_at__isnull=False).exists()


def device_of(user: Any) -> TotpDevice | None:
    return TotpDevice.objects.filter(user=user).first()


def provisioning_uri(device: TotpDevice, user: Any) -> str:
    """The ``otpauth://totp/...`` address the app reads (from the QR code, or typed)."""
    issuer = getattr(settings, "MFA_ISSUER", ISSUER)
    return str(pyotp.TOTP(device.secret).provisioning_uri(name=user.email, issuer_name=issuer))


def qr_data_uri(uri: str) -> str:
    """The QR code of ``uri`` as an SVG ``data:`` address, made here (no network)."""
    return str(segno.make(uri, error="m").svg_data_uri(scale=5, border=4))


def recovery_codes_left(user: Any) -> int:
    return RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()


def must_enrol(user: Any) -> bool:
    """An administrator of a company that requires multi-factor authentication, without it."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_admin", False):
        return False
    return bool(company_settings().require_admin_mfa) and not is_on(user)
