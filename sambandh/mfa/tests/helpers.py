"""What the MFA tests share: a user with an authenticator app on (set up through the services,
as the profile page does), and codes computed from its secret as the app would."""

from __future__ import annotations

import time
from typing import Any

import pyotp
from django.test import Client

from sambandh.mfa import services
from sambandh.mfa.models import TotpDevice

PASSWORD = "correct horse battery staple"


def code(user: Any, steps_ahead: int = 0) -> str:
    """The app's code now (or ``steps_ahead`` 30-second steps later: within the allowed drift,
    a code later than the last one accepted)."""
    device = TotpDevice.objects.get(user=user)
    return pyotp.TOTP(device.secret).at(time.time() + 30 * steps_ahead)


def turn_on(user: Any) -> list[str]:
    """Multi-factor on for ``user``; answers the recovery codes. The step used to confirm is
    then forgotten, so the tests' logins may use the current code."""
    services.totp_enrol_start(user=user)
    codes = services.totp_enrol_confirm(user=user, code=code(user))
    TotpDevice.objects.filter(user=user).update(last_step=0)
    return codes


def password_step(user: Any, next_url: str = "") -> tuple[Client, Any]:
    client = Client()
    data = {"username": user.email, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    return client, client.post("/login/", data)
