"""Writes for multi-factor authentication: set up an authenticator app, check a code (with a
limit on wrong ones), make recovery codes, turn it off.

A code is six digits from the app (RFC 6238: SHA-1, 30-second steps, one step of clock drift
either way) or one of the recovery codes; each is accepted once. Wrong codes are counted per
user: after ``MFA_MAX_FAILURES`` within ``MFA_FAILURE_WINDOW`` seconds the second step refuses
every code, the right one too, for ``MFA_LOCK_SECONDS``. Each wrong code and each refusal is an
audit row (``login_failed`` with its reason).
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import secrets
import unicodedata
from typing import Any

import pyotp
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from sambandh.core.audit import audit_record
from sambandh.core.errors import ServiceError, ValidationFailed
from sambandh.mfa.models import CodeFailures, RecoveryCode, TotpDevice
from sambandh.mfa.selectors import is_on

RECOVERY_CODES = 10
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read aloud, typed
_RECOVERY_GROUPS = 4
_RECOVERY_GROUP_LEN = 4  # 16 characters of 31: 79 bits each
DRIFT_STEPS = 1


def _max_failures() -> int:
    return int(getattr(settings, "MFA_MAX_FAILURES", 5))


def _lock_seconds() -> int:
    return int(getattr(settings, "MFA_LOCK_SECONDS", 900))


def _window_seconds() -> int:
    return int(getattr(settings, "MFA_FAILURE_WINDOW", 900))


class CodeLocked(ServiceError):
    status = 429
    code = "mfa_locked"
    default_message = gettext_lazy("Too many wrong codes. Wait a few minutes, then try again.")


class CodeRefused(ValidationFailed):
    code = "mfa_code_wrong"


def _digest(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def normalize_recovery(code: str) -> str:
    """A recovery code as stored: lower case, without spaces or dashes."""
    return "".join(c for c in code.lower() if c.isalnum())


def _new_recovery_code() -> str:
    groups = [
        "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(_RECOVERY_GROUP_LEN))
        for _ in range(_RECOVERY_GROUPS)
    ]
    return "-".join(groups)


def totp_for(device: TotpDevice) -> pyotp.TOTP:
    return pyotp.TOTP(device.secret)


def _matching_step(device: TotpDevice, code: str, now: datetime.datetime) -> int | None:
    """The time step whose code ``code`` is (within the allowed drift), if it is later than the
    last one accepted."""
    # Digits as any script writes them (١٢٣, १२३): the code is the same number.
    digits = "".join(str(unicodedata.decimal(c, "")) or c for c in "".join(code.split()))
    if len(digits) != 6 or not (digits.isascii() and digits.isdigit()):
        return None
    totp = totp_for(device)
    current = totp.timecode(now)
    for offset in range(-DRIFT_STEPS, DRIFT_STEPS + 1):
        step = current + offset
        if step > device.last_step and hmac.compare_digest(totp.generate_otp(step), digits):
            return step
    return None


def _audit_failure(user: Any, reason: str, ip: str, purpose: str) -> None:
    audit_record(
        actor=user,
        action="login_failed",
        record_type="user",
        record_id=user.pk,
        changes={"reason": reason, "ip": ip, "step": purpose},
        summary=f"second step refused ({reason}) for {user.email}",
    )


def code_check(*, user: Any, code: str, ip: str = "", purpose: str = "login") -> str:
    """Accept ``code`` for ``user`` once: ``"totp"`` or ``"recovery"`` (that code is then
    used up). A wrong code raises CodeRefused, a locked second step CodeLocked; both are
    counted and audited in their own transaction, so call this outside any other."""
    now = timezone.now()
    outcome = ""
    with transaction.atomic():
        failures, _created = CodeFailures.objects.select_for_update().get_or_create(user=user)
        if failures.locked_until and failures.locked_until > now:
            outcome = "locked"
            _audit_failure(user, "mfa_locked", ip, purpose)
        else:
            outcome = _use_code(user, code, now, purpose)
            if outcome:
                failures.count, failures.first_at, failures.locked_until = 0, None, None
            else:
                if failures.first_at is None or (now - failures.first_at).total_seconds() > (
                    _window_seconds()
                ):
                    failures.count, failures.first_at = 0, now
                failures.count += 1
                reason = "wrong_mfa_code"
                if failures.count >= _max_failures():
                    failures.locked_until = now + datetime.timedelta(seconds=_lock_seconds())
                    failures.count, failures.first_at = 0, None
                    reason = "wrong_mfa_code_locked"
                _audit_failure(user, reason, ip, purpose)
        failures.save()
    if outcome == "locked":
        raise CodeLocked(_locked_message(failures.locked_until, now))
    if not outcome:
        raise CodeRefused(
            _("That code is not right. Codes change every 30 seconds: use the one shown now."),
            fields={"code": _("Not the right code.")},
        )
    return outcome


def _locked_message(until: datetime.datetime | None, now: datetime.datetime) -> str:
    minutes = max(1, -(-int(((until or now) - now).total_seconds()) // 60))
    return ngettext(
        "Too many wrong codes. Try again in %(minutes)d minute.",
        "Too many wrong codes. Try again in %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}


def _use_code(user: Any, code: str, now: datetime.datetime, purpose: str) -> str:
    code = (code or "").strip()[:64]
    device = TotpDevice.objects.filter(user=user).first()
    if device is None:
        return ""
    step = _matching_step(device, code, now)
    if step is not None:
        TotpDevice.objects.filter(pk=device.pk).update(last_step=step)
        return "totp"
    if device.confirmed_at is None:
        return ""  # while setting up, only the app's code proves the app works
    normalized = normalize_recovery(code)
    if len(normalized) != _RECOVERY_GROUPS * _RECOVERY_GROUP_LEN:
        return ""
    used = RecoveryCode.objects.filter(
        user=user, digest=_digest(normalized), used_at__isnull=True
    ).update(used_at=now)
    if not used:
        return ""
    left = RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()
    if purpose != "login":
        # A sign-in's use is told by its one "login" row (the view hands the method to
        # security.services.login_succeeded); any other step's use changes the user's codes.
        audit_record(
            actor=user,
            action="update",
            record_type="user",
            record_id=user.pk,
            changes={"recovery_codes_left": [left + 1, left]},
            summary=f"recovery code used by {user.email} ({purpose}); {left} left",
        )
    return "recovery"


def _make_recovery_codes(user: Any) -> list[str]:
    RecoveryCode.objects.filter(user=user).delete()
    codes = [_new_recovery_code() for _ in range(RECOVERY_CODES)]
    RecoveryCode.objects.bulk_create(
        [RecoveryCode(user=user, digest=_digest(normalize_recovery(c))) for c in codes]
    )
    return codes


@transaction.atomic
def totp_enrol_start(*, user: Any) -> TotpDevice:
    """A new secret for the user's authenticator app, not yet in force (confirmed by a code
    from the app: ``totp_enrol_confirm``). Starting again replaces an unconfirmed one."""
    existing = TotpDevice.objects.select_for_update().filter(user=user).first()
    if existing is not None and existing.confirmed_at is not None:
        raise ValidationFailed(_("Multi-factor authentication is already on."))
    if existing is not None:
        existing.delete()
    device = TotpDevice.objects.create(user=user, secret=pyotp.random_base32())
    audit_record(
        actor=user,
        action="update",
        record_type="user",
        record_id=user.pk,
        # An unconfirmed secret replaced is a set-up started again.
        changes={"mfa": ["setting up" if existing is not None else "off", "setting up"]},
        summary=f"authenticator app set-up started by {user.email}",
    )
    return device


def totp_enrol_confirm(*, user: Any, code: str, ip: str = "") -> list[str]:
    """Turn multi-factor authentication on with a code from the app being set up; answers the
    new recovery codes, which are shown once and never again."""
    device = TotpDevice.objects.filter(user=user).first()
    if device is None:
        raise ValidationFailed(_("Start setting up an authenticator app first."))
    if device.confirmed_at is not None:
        raise ValidationFailed(_("Multi-factor authentication is already on."))
    code_check(user=user, code=code, ip=ip, purpose="setup")
    with transaction.atomic():
        TotpDevice.objects.filter(pk=device.pk).update(confirmed_at=timezone.now())
        codes = _make_recovery_codes(user)
        audit_record(
            actor=user,
            action="update",
            record_type="user",
            record_id=user.pk,
            changes={"mfa": [False, True]},
            summary=f"multi-factor authentication turned on by {user.email}",
        )
    return codes


def recovery_codes_renew(*, user: Any, code: str, ip: str = "") -> list[str]:
    """New recovery codes (the old ones stop working), for a code from the app."""
    if not is_on(user):
        raise ValidationFailed(_("Multi-factor authentication is off."))
    code_check(user=user, code=code, ip=ip, purpose="recovery codes")
    with transaction.atomic():
        left = RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()
        codes = _make_recovery_codes(user)
        audit_record(
            actor=user,
            action="update",
            record_type="user",
            record_id=user.pk,
            changes={"recovery_codes_left": [left, len(codes)]},
            summary=f"recovery codes renewed by {user.email}",
        )
    return codes


def mfa_disable(*, user: Any, password: str, code: str, ip: str = "") -> None:
    """Turn multi-factor authentication off: the password and a code (from the app, or a
    recovery code) are both needed."""
    if not is_on(user):
        raise ValidationFailed(_("Multi-factor authentication is off."))
    if not user.check_password(password or ""):
        with transaction.atomic():
            _audit_failure(user, "wrong_password", ip, "turn off")
        raise ValidationFailed(
            _("The password is not right."), fields={"password": _("Not your password.")}
        )
    code_check(user=user, code=code, ip=ip, purpose="turn off")
    with transaction.atomic():
        TotpDevice.objects.filter(user=user).delete()
        RecoveryCode.objects.filter(user=user).delete()
        audit_record(
            actor=user,
            action="update",
            record_type="user",
            record_id=user.pk,
            changes={"mfa": [True, False]},
            summary=f"multi-factor authentication turned off by {user.email}",
        )
