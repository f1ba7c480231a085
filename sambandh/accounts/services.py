"""Writes for users, teams, the company's defaults, sharing and API tokens."""

from __future__ import annotations

import datetime
import hashlib
import logging
import secrets
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from sambandh.accounts import policy
from sambandh.accounts import scopes as token_scopes
from sambandh.accounts.models import (
    FULL_ACCESS,
    ApiToken,
    CompanySettings,
    RecordShare,
    Role,
    Team,
    User,
)
from sambandh.accounts.services_teams import (  # noqa: F401 - part of this app's write API
    team_add_member,
    team_create,
    team_delete,
    team_remove_member,
    team_update,
)
from sambandh.accounts.visibility import forget_scope
from sambandh.core import registry
from sambandh.core.audit import audit_read, audit_record, diff_fields
from sambandh.core.cleaning import clean_currency, clean_email, clean_text, clean_time_zone
from sambandh.core.errors import Forbidden, ValidationFailed
from sambandh.core.records import FieldErrors, lock_for_update

logger = logging.getLogger(__name__)

TOKEN_PREFIX = "sbk_"  # noqa: S105 (a public marker, not a secret)
_LANGUAGES = {code for code, _name in settings.LANGUAGES}


def token_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _clean_role(role: str) -> str:
    if role not in Role.values:
        raise ValidationFailed(
            fields={"role": _("Choose one of: %(roles)s.") % {"roles": ", ".join(Role.values)}}
        )
    return role


def _clean_preferences(language: str, time_zone: str, currency: str) -> dict[str, str]:
    errors: dict[str, str] = {}
    if language not in _LANGUAGES:
        errors["language"] = _("Choose one of the interface languages.")
    try:
        time_zone = clean_time_zone(time_zone)
    except ValidationFailed as exc:
        errors.update(exc.fields)
    try:
        currency = clean_currency(currency)
    except ValidationFailed as exc:
        errors.update(exc.fields)
    if errors:
        raise ValidationFailed(fields=errors)
    return {"language": language, "time_zone": time_zone, "currency": currency}


@transaction.atomic
def user_create(
    *,
    email: str,
    role: str,
    password: str | None = None,
    full_name: str = "",
    language: str | None = None,
    time_zone: str | None = None,
    currency: str | None = None,
    actor: User | None = None,
) -> User:
    """A new user; without a password they cannot log in until they set one (an invitation).
    Their language, time zone and currency default to the company's."""
    if actor is not None:
        policy.ensure_admin(actor)
    errors = FieldErrors()
    email = errors.run(clean_email, email)
    errors.run(_clean_role, role)
    if email and User.objects.filter(email=email).exists():
        errors.add("email", _("A user with this email already exists."))
    errors.raise_if_any()
    from sambandh.accounts.selectors import company_settings

    company = company_settings()
    prefs = _clean_preferences(
        language or company.language,
        time_zone or company.time_zone,
        currency or company.currency,
    )
    user = User(
        email=email,
        role=role,
        full_name=clean_text(full_name, field="full_name", max_length=200),
        **prefs,
    )
    if password:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise ValidationFailed(fields={"password": " ".join(exc.messages)}) from None
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    audit_record(
        actor=actor,
        action="create",
        record_type="user",
        record_id=user.pk,
        changes={"email": email, "role": role},
    )
    return user


def _clean_format_locale(value: str) -> str:
    """One of core.formats.FORMAT_LOCALES, or blank (follow the interface language)."""
    from sambandh.core.formats import FORMAT_LOCALES

    tag = (value or "").strip()
    by_lower = {code.lower(): code for code in FORMAT_LOCALES}
    if tag and tag.replace("_", "-").lower() not in by_lower:
        raise ValidationFailed(
            fields={
                "format_locale": _("Choose one of: %(codes)s.")
                % {"codes": ", ".join(FORMAT_LOCALES)}
            }
        )
    return by_lower.get(tag.replace("_", "-").lower(), "")


@transaction.atomic
def user_update_preferences(
    *,
    user: User,
    full_name: str,
    language: str,
    time_zone: str,
    currency: str,
    format_locale: str | None = None,
    native_digits: bool | None = None,
) -> User:
    """The user's own settings. ``format_locale`` and ``native_digits`` left None stay as they
    are."""
    errors = FieldErrors()
    data: dict[str, Any] = errors.run(_clean_preferences, language, time_zone, currency) or {}
    if format_locale is not None:
        data["format_locale"] = errors.run(_clean_format_locale, format_locale)
    errors.raise_if_any()
    if native_digits is not None:
        data["native_digits"] = bool(native_digits)
    data["full_name"] = clean_text(full_name, field="full_name", max_length=200)
    changes = diff_fields(user, data)
    user.save(update_fields=list(data))
    if changes:
        audit_record(
            actor=user, action="update", record_type="user", record_id=user.pk, changes=changes
        )
    return user


@transaction.atomic
def user_set_language(*, user: User, language: str) -> User:
    """The language switcher's write: only the interface language changes."""
    if language not in _LANGUAGES:
        raise ValidationFailed(fields={"language": _("Choose one of the interface languages.")})
    if user.language != language:
        before = user.language
        user.language = language
        user.save(update_fields=["language"])
        audit_record(
            actor=user,
            action="update",
            record_type="user",
            record_id=user.pk,
            changes={"language": [before, language]},
        )
    return user


# --- users, by an administrator ------------------------------------------------------------
@transaction.atomic
def user_invite(
    *,
    actor: User,
    email: str,
    role: str,
    full_name: str = "",
    teams: Sequence[Team] = (),
) -> User:
    """Create a user who cannot log in yet, put them in ``teams``, and mail them (after commit)
    a link to choose their password. They start with the company's language, time zone and
    currency."""
    policy.ensure_admin(actor)
    user = user_create(email=email, role=role, full_name=full_name, actor=actor)
    for team in teams:
        team_add_member(team=team, user=user, actor=actor)
    transaction.on_commit(lambda: invitation_mail(user_id=user.pk, inviter=str(actor)))
    return user


@transaction.atomic
def user_invitation_resend(*, actor: User, user: User) -> None:
    """Mail a new set-password link to an invited user who has not chosen a password yet."""
    policy.ensure_admin(actor)
    if not user.is_active:
        raise ValidationFailed(fields={"is_active": _("This user is deactivated.")})
    if user.has_usable_password():
        raise ValidationFailed(
            _("This user has already chosen a password. They can reset it from the login page.")
        )
    audit_record(
        actor=actor,
        action="update",
        record_type="user",
        record_id=user.pk,
        summary="invitation sent again",
    )
    transaction.on_commit(lambda: invitation_mail(user_id=user.pk, inviter=str(actor)))


def invitation_mail(*, user_id: int, inviter: str) -> None:
    """Send the invitation: a set-password link made with Django's password-reset tokens, so it
    stops working once used. A mail server failure is logged; the invitation can be resent."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or user.has_usable_password():
        return
    path = reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    context = {
        "user": user,
        "inviter": inviter,
        "link": settings.SITE_URL.rstrip("/") + path,
        "login_url": settings.SITE_URL.rstrip("/") + reverse("login"),
        "days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
    }
    with translation.override(user.language):
        subject = "".join(render_to_string("accounts/invitation_subject.txt", context).split("\n"))
        body = render_to_string("accounts/invitation_email.txt", context)
    try:
        EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email]).send()
    except Exception:
        logger.exception("Could not send the invitation to user %s", user.pk)


def _lock_admins() -> set[int]:
    """Lock the active administrators (in id order, so two changes never wait on each other in
    a circle) and answer their ids."""
    return set(
        User.objects.select_for_update()
        .filter(role=Role.ADMIN, is_active=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


@transaction.atomic
def user_update(
    *,
    actor: User,
    user: User,
    full_name: str | None = None,
    role: str | None = None,
    is_active: bool | None = None,
) -> User:
    """Change a user's name, role, or whether they may log in. A deactivated user's sessions and
    API tokens stop working at once; their records keep them as owner. A change that would leave
    no active administrator is refused."""
    policy.ensure_admin(actor)
    errors = FieldErrors()
    data: dict[str, Any] = {}
    if full_name is not None:
        data["full_name"] = errors.run(clean_text, full_name, field="full_name", max_length=200)
    if role is not None:
        data["role"] = errors.run(_clean_role, role)
    if is_active is not None:
        data["is_active"] = bool(is_active)
    errors.raise_if_any()
    admins = _lock_admins() if ("role" in data or "is_active" in data) else set()
    user = User.objects.select_for_update().get(pk=user.pk)
    stays_admin = data.get("role", user.role) == Role.ADMIN and data.get(
        "is_active", user.is_active
    )
    if user.pk in admins and not stays_admin and not admins - {user.pk}:
        field = "is_active" if data.get("is_active") is False else "role"
        raise ValidationFailed(
            _("This is the last active administrator. Make someone else an administrator first."),
            fields={field: _("At least one active administrator must remain.")},
        )
    changes = diff_fields(user, data)
    if changes:
        user.save(update_fields=list(changes))
        # A role is what the user may do: its change is a permission change of its own
        # (docs/audit.md); the name and the active state are an ordinary update.
        granted = {k: v for k, v in changes.items() if k == "role"}
        other = {k: v for k, v in changes.items() if k != "role"}
        if granted:
            audit_record(
                actor=actor,
                action="permission_change",
                record_type="user",
                record_id=user.pk,
                changes=granted,
                summary=str(user),
            )
        if other:
            audit_record(
                actor=actor, action="update", record_type="user", record_id=user.pk, changes=other
            )
    for who in (user, actor if actor.pk == user.pk else None):
        forget_scope(who)
        policy.forget_field_access(who)
    if actor.pk == user.pk:
        for name in changes:
            setattr(actor, name, getattr(user, name))
    return user


@transaction.atomic
def user_records_reassign(*, actor: User, user: User, to_user: User) -> dict[str, int]:
    """Hand every record ``user`` owns, of every record type that can be reassigned, to
    ``to_user``: each through its own service (a version and an audit row per record), all in
    this one transaction. Answers how many of each type moved."""
    policy.ensure_admin(actor)
    to_user = User.objects.get(pk=to_user.pk)
    if to_user.pk == user.pk:
        raise ValidationFailed(fields={"to_user_id": _("Choose someone else.")})
    if not to_user.is_active:
        raise ValidationFailed(
            fields={"to_user_id": _("This user is deactivated. Choose an active user.")}
        )
    counts: dict[str, int] = {}
    for rt in registry.record_types():
        if rt.reassign is None:
            continue
        moved = 0
        for record in rt.model._default_manager.filter(owner_id=user.pk).order_by("pk"):
            rt.reassign(actor=actor, record=record, owner=to_user)
            moved += 1
        counts[rt.key] = moved
    audit_record(
        actor=actor,
        action="update",
        record_type="user",
        record_id=user.pk,
        # What the user owned before (ids of records moved are in their own rows), and after.
        changes={
            "records_reassigned_to": [None, to_user.pk],
            "records_owned": [counts, {key: 0 for key in counts}],
        },
        summary=f"records reassigned to {to_user.email}",
    )
    return counts


@transaction.atomic
def company_settings_update(
    *,
    actor: User,
    language: str,
    time_zone: str,
    currency: str,
    version: int | None,
    require_admin_mfa: bool | None = None,
) -> CompanySettings:
    """Set the language, time zone and currency new users start with, and (unless None)
    whether administrators must use multi-factor authentication. ``version`` is the one the
    caller saw (a stale one is a conflict)."""
    policy.ensure_admin(actor)
    from sambandh.accounts.selectors import company_settings

    data: dict[str, Any] = {**_clean_preferences(language, time_zone, currency)}
    if require_admin_mfa is not None:
        data["require_admin_mfa"] = bool(require_admin_mfa)
    defaults = company_settings()
    CompanySettings.objects.get_or_create(
        pk=CompanySettings.SINGLETON_ID,
        defaults={
            "language": defaults.language,
            "time_zone": defaults.time_zone,
            "currency": defaults.currency,
        },
    )
    row = lock_for_update(CompanySettings(pk=CompanySettings.SINGLETON_ID), version)
    changes = diff_fields(row, data)
    row.version += 1
    row.updated_at = timezone.now()
    row.updated_by = actor
    row.save()
    audit_record(actor=actor, action="update", record_type="company_settings", changes=changes)
    return row


def record_share(
    *,
    actor: User,
    record_type: str,
    record_id: int,
    user: User | None = None,
    team: Team | None = None,
    can_edit: bool = True,
) -> RecordShare:
    """Share a record by type and id (services_access.record_share_add, for callers that hold
    no record)."""
    from sambandh.accounts.services_access import record_share_add
    from sambandh.core import registry

    record = registry.get(record_type).model._default_manager.get(pk=record_id)
    return record_share_add(
        actor=actor,
        record_type=record_type,
        record=record,
        user=user,
        team=team,
        access="edit" if can_edit else "read",
    )


#: The longest a token may live, in days (and the expiry on the tokens page's longest choice).
TOKEN_MAX_DAYS = 366 * 3


@transaction.atomic
def token_create(
    *,
    user: User,
    name: str = "",
    actor: User | None = None,
    scopes: Sequence[str] | str = FULL_ACCESS,
    expires_at: datetime.datetime | None = None,
    made_by: ApiToken | None = None,
) -> tuple[ApiToken, str]:
    """Create a token and return it with its secret, which is never stored nor shown again.
    ``scopes`` (accounts/scopes.py) and ``expires_at`` (None: never) are fixed for its life.
    ``made_by``: the token of the API request asking (POST /api/v1/tokens): the new one may
    hold no scope it lacks, and may not outlive it."""
    if not user.is_active:
        raise Forbidden(_("Inactive users cannot have API tokens."))
    errors = FieldErrors()
    cleaned_scopes = errors.run(token_scopes.clean, scopes)
    if made_by is not None and cleaned_scopes:
        if not token_scopes.covers(made_by.scopes, cleaned_scopes):
            raise Forbidden(
                _("A token cannot create a token with more scope than its own (%(scopes)s).")
                % {"scopes": made_by.scopes}
            )
        limit = made_by.expires_at
        if limit is not None and (
            expires_at is None or (timezone.is_aware(expires_at) and expires_at > limit)
        ):
            errors.add(
                "expires_at",
                _("A token cannot outlive the token that creates it: expire by %(at)s.")
                % {"at": limit.isoformat()},
            )
    clean_name = errors.run(clean_text, name, field="name", max_length=100)
    now = timezone.now()
    if expires_at is not None:
        if timezone.is_naive(expires_at):
            errors.add("expires_at", _("Give the time with its time zone."))
        elif expires_at <= now:
            errors.add("expires_at", _("The expiry must be in the future."))
        elif expires_at > now + datetime.timedelta(days=TOKEN_MAX_DAYS):
            errors.add(
                "expires_at",
                _("A token may live at most %(days)d days.") % {"days": TOKEN_MAX_DAYS},
            )
    errors.raise_if_any()
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=clean_name,
        prefix=secret[:12],
        digest=token_digest(secret),
        scopes=cleaned_scopes,
        expires_at=expires_at,
    )
    audit_record(
        actor=actor or user,
        action="token",
        record_type="user",
        record_id=user.pk,
        changes={
            "scopes": cleaned_scopes,
            "expires_at": expires_at,
            **({"made_by": made_by.prefix} if made_by is not None else {}),
        },
        summary=f"token {token.prefix} created",
    )
    return token, secret


def tokens_listed(*, user: User) -> None:
    """The user's list of API tokens was read through the API: audited, as a read of the
    user's ``api_tokens`` (names, prefixes, scopes and times; never a secret)."""
    audit_read(actor=user, record_type="user", record_id=user.pk, fields=["api_tokens"])


@transaction.atomic
def token_revoke(*, token: ApiToken, actor: User) -> None:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(
            actor=actor,
            action="token",
            record_type="user",
            record_id=token.user_id,
            summary=f"token {token.prefix} revoked",
        )


def token_touch(*, token: ApiToken) -> None:
    """Record use at most once a minute, so reads stay reads."""
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


def user_by_email(email: str) -> Any:
    return User.objects.filter(email=email.strip().lower()).first()
