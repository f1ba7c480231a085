"""Writes for users, teams, sharing and API tokens."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sambandh.accounts.models import ApiToken, RecordShare, Role, Team, TeamMembership, User
from sambandh.accounts.visibility import forget_scope
from sambandh.core.audit import audit_record
from sambandh.core.cleaning import clean_currency, clean_email, clean_text, clean_time_zone
from sambandh.core.errors import Forbidden, ValidationFailed

TOKEN_PREFIX = "sbk_"  # noqa: S105 (a public marker, not a secret)
_LANGUAGES = {code for code, _name in settings.LANGUAGES}


def token_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


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
    language: str = "en",
    time_zone: str = "UTC",
    currency: str | None = None,
    actor: User | None = None,
) -> User:
    email = clean_email(email)
    if role not in Role.values:
        raise ValidationFailed(
            fields={"role": _("Choose one of: %(roles)s.") % {"roles": ", ".join(Role.values)}}
        )
    if User.objects.filter(email=email).exists():
        raise ValidationFailed(fields={"email": _("A user with this email already exists.")})
    prefs = _clean_preferences(language, time_zone, currency or settings.DEFAULT_CURRENCY)
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


@transaction.atomic
def user_update_preferences(
    *, user: User, full_name: str, language: str, time_zone: str, currency: str
) -> User:
    data = _clean_preferences(language, time_zone, currency)
    data["full_name"] = clean_text(full_name, field="full_name", max_length=200)
    for key, value in data.items():
        setattr(user, key, value)
    user.save(update_fields=list(data))
    audit_record(actor=user, action="update", record_type="user", record_id=user.pk, changes=data)
    return user


@transaction.atomic
def team_create(*, name: str, parent: Team | None = None, actor: User | None = None) -> Team:
    name = clean_text(name, field="name", max_length=120, required=True)
    if Team.objects.filter(name__iexact=name).exists():
        raise ValidationFailed(fields={"name": _("A team with this name already exists.")})
    team = Team.objects.create(name=name, parent=parent)
    audit_record(
        actor=actor, action="create", record_type="team", record_id=team.pk, changes={"name": name}
    )
    return team


@transaction.atomic
def team_add_member(*, team: Team, user: User, actor: User | None = None) -> None:
    TeamMembership.objects.get_or_create(team=team, user=user)
    forget_scope(user)
    audit_record(
        actor=actor,
        action="update",
        record_type="team",
        record_id=team.pk,
        changes={"member_added": user.pk},
    )


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


@transaction.atomic
def token_create(*, user: User, name: str = "", actor: User | None = None) -> tuple[ApiToken, str]:
    """Create a token and return it with its secret, which is never stored nor shown again."""
    if not user.is_active:
        raise Forbidden(_("Inactive users cannot have API tokens."))
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=clean_text(name, field="name", max_length=100),
        prefix=secret[:12],
        digest=token_digest(secret),
    )
    audit_record(
        actor=actor or user,
        action="token",
        record_type="user",
        record_id=user.pk,
        summary=f"token {token.prefix} created",
    )
    return token, secret


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
