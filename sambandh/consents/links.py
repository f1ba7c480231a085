"""The signed links a person follows from an email: the double opt-in confirmation (expires) and
the unsubscribe link (never expires: a withdrawal must always be possible). Both are made with
``django.core.signing`` under their own salt, so one cannot stand in for the other, and carry
only ids and codes: a link shows nothing about the person to whoever holds it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core import signing
from django.urls import reverse

CONFIRM_SALT = "sambandh.consents.confirm"
UNSUBSCRIBE_SALT = "sambandh.consents.unsubscribe"

#: How long a double opt-in link works, by default (CONSENT_CONFIRM_DAYS).
DEFAULT_CONFIRM_DAYS = 7


class LinkExpired(Exception):
    """A well-signed link past its time."""


class LinkInvalid(Exception):
    """A link that was not made here, or was changed."""


def confirm_max_age() -> int:
    return int(getattr(settings, "CONSENT_CONFIRM_DAYS", DEFAULT_CONFIRM_DAYS)) * 86400


def confirm_token(consent_id: int) -> str:
    return signing.dumps({"c": consent_id}, salt=CONFIRM_SALT)


def read_confirm_token(token: str) -> int:
    """The pending row the link confirms; LinkExpired or LinkInvalid."""
    try:
        data = signing.loads(token, salt=CONFIRM_SALT, max_age=confirm_max_age())
    except signing.SignatureExpired:
        raise LinkExpired() from None
    except signing.BadSignature:
        raise LinkInvalid() from None
    if not isinstance(data, dict) or not isinstance(data.get("c"), int):
        raise LinkInvalid()
    return int(data["c"])


@dataclass(frozen=True)
class Unsubscribe:
    person_id: int
    purpose: str
    channel: str


def unsubscribe_token(person_id: int, purpose: str, channel: str) -> str:
    return signing.dumps({"p": person_id, "u": purpose, "c": channel}, salt=UNSUBSCRIBE_SALT)


def read_unsubscribe_token(token: str) -> Unsubscribe:
    try:
        data: Any = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        raise LinkInvalid() from None
    if not isinstance(data, dict):
        raise LinkInvalid()
    person_id, purpose, channel = data.get("p"), data.get("u"), data.get("c")
    if not (isinstance(person_id, int) and isinstance(purpose, str) and isinstance(channel, str)):
        raise LinkInvalid()
    return Unsubscribe(person_id, purpose, channel)


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def confirm_url(consent_id: int) -> str:
    return absolute(reverse("consents_public:confirm", args=[confirm_token(consent_id)]))


def unsubscribe_url(person_id: int, purpose: str, channel: str) -> str:
    token = unsubscribe_token(person_id, purpose, channel)
    return absolute(reverse("consents_public:unsubscribe", args=[token]))
