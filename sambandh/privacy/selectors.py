"""Reads of the privacy app: the suppression list, the export rule, requests and policies."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import re
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from sambandh.accounts import policy
from sambandh.core.errors import NotFound
from sambandh.privacy.models import (
    DataSubjectRequest,
    PrivacySettings,
    RetentionPolicy,
    RetentionRun,
    SuppressedContact,
)

_NOT_DIGITS = re.compile(r"[^\d]")


def _key() -> bytes:
    """The suppression list's key: derived from SECRET_KEY for this one use, so a digest is
    worthless without the deployment's secret and says nothing about other keyed uses."""
    return hashlib.sha256(b"sambandh.privacy.suppression:" + settings.SECRET_KEY.encode()).digest()


def normalize_email(email: str) -> str:
    return (email or "").strip().lower()


def normalize_phone(phone: str) -> str:
    """Digits only, the leading + dropped: "+91 98450 12345" and "+919845012345" are one."""
    return _NOT_DIGITS.sub("", phone or "")


def contact_digest(kind: str, value: str) -> str:
    clean = normalize_email(value) if kind == "email" else normalize_phone(value)
    return hmac.new(_key(), f"{kind}:{clean}".encode(), hashlib.sha256).hexdigest()


def is_suppressed(email: str | None = None, phone: str | None = None) -> bool:
    """Whether ``email`` or ``phone`` belongs to a person who was erased (never contact or
    import them again). Empty values are never suppressed."""
    digests = []
    if email and normalize_email(email):
        digests.append(contact_digest("email", email))
    if phone and normalize_phone(phone):
        digests.append(contact_digest("phone", phone))
    return bool(digests) and SuppressedContact.objects.filter(digest__in=digests).exists()


def suppressed_among(*, emails: Iterable[str] = (), phones: Iterable[str] = ()) -> set[str]:
    """Which of ``emails`` and ``phones`` are on the suppression list, in one query (an import
    checks a batch of rows at once); answers them as given."""
    digests: dict[str, str] = {}
    for email in emails:
        if normalize_email(email):
            digests[contact_digest("email", email)] = email
    for phone in phones:
        if normalize_phone(phone):
            digests[contact_digest("phone", phone)] = phone
    if not digests:
        return set()
    found = SuppressedContact.objects.filter(digest__in=list(digests)).values_list(
        "digest", flat=True
    )
    return {digests[d] for d in found}


def privacy_settings() -> PrivacySettings:
    """The saved settings, or the defaults (not saved)."""
    found = PrivacySettings.objects.filter(pk=PrivacySettings.SINGLETON_ID).first()
    return found or PrivacySettings(pk=PrivacySettings.SINGLETON_ID)


def export_allowed(user: Any, record_type: str, residency: str) -> bool:
    """Whether ``user`` may export records of ``record_type`` whose residency tag is
    ``residency``: admins always; others when the company's export rules do not name the
    residency, or name it with the user's role. ``record_type`` is taken for rules per type
    later; today's rules are per residency."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return False
    if getattr(user, "is_admin", False):
        return True
    rules = privacy_settings().export_rules or {}
    roles = rules.get((residency or "").lower())
    if roles is None:
        return True
    return getattr(user, "role", "") in roles


def export_refused_residencies(user: Any, record_type: str) -> list[str]:
    """The residency tags whose records ``user`` may not export (``export_allowed`` asked for
    each tag the company's export rules name): what an export leaves out."""
    rules = privacy_settings().export_rules or {}
    return sorted(
        str(tag).lower()
        for tag in rules
        if str(tag).strip() and not export_allowed(user, record_type, str(tag))
    )


# --- requests ---------------------------------------------------------------------------------
def request_list(*, viewer: Any, overdue: bool = False, status: str = "") -> QuerySet[Any]:
    policy.ensure_admin(viewer)
    qs = DataSubjectRequest.objects.select_related("person", "created_by").order_by("due_on", "id")
    if overdue:
        qs = overdue_q(qs, today=timezone.localdate())
    if status:
        qs = qs.filter(status=status)
    return qs


def overdue_q(qs: QuerySet[Any], *, today: datetime.date) -> QuerySet[Any]:
    """Open requests whose deadline has passed."""
    return qs.filter(due_on__lt=today).exclude(
        status__in=[DataSubjectRequest.Status.DONE, DataSubjectRequest.Status.FAILED]
    )


def is_overdue(request: DataSubjectRequest, *, today: datetime.date | None = None) -> bool:
    return request.is_open and request.due_on < (today or timezone.localdate())


def request_get(*, viewer: Any, request_id: int) -> DataSubjectRequest:
    policy.ensure_admin(viewer)
    found = DataSubjectRequest.objects.select_related("person").filter(pk=request_id).first()
    if found is None:
        raise NotFound()
    return found


# --- retention --------------------------------------------------------------------------------
def policy_list(*, viewer: Any) -> QuerySet[Any]:
    policy.ensure_admin(viewer)
    return RetentionPolicy.objects.all()


def policy_get(*, viewer: Any, policy_id: int) -> RetentionPolicy:
    policy.ensure_admin(viewer)
    found = RetentionPolicy.objects.filter(pk=policy_id).first()
    if found is None:
        raise NotFound()
    return found


def latest_run(p: RetentionPolicy, *, dry_run: bool | None = None) -> RetentionRun | None:
    runs = p.runs.all()
    if dry_run is not None:
        runs = runs.filter(dry_run=dry_run)
    return runs.first()
