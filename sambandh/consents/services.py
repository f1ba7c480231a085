"""Writes of the consent ledger: each appends one row (never changes one), in one transaction
with its audit row and domain event (``consent.granted``, ``consent.withdrawn``,
``consent.pending``) on the person. The double opt-in email goes out after commit, from the
task queue.

- ``consent_record``: a user (page or API) records a grant, a withdrawal, or asks for a double
  opt-in (pending, with an email carrying a signed link);
- ``consent_confirm``: the person followed that link (anonymous);
- ``consent_unsubscribe``: the person followed an unsubscribe link or their mail client sent
  the one-click POST (anonymous);
- ``erase_for_person``: a data-subject erasure (sambandh/privacy) pseudonymizes the proof.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from sambandh.accounts import policy
from sambandh.consents import links
from sambandh.consents.models import (
    PURPOSE_CHANNELS,
    Channel,
    Consent,
    LawfulBasis,
    Purpose,
    Status,
)
from sambandh.consents.selectors import latest, pending_to_confirm
from sambandh.core.audit import audit_record
from sambandh.core.cleaning import clean_datetime, clean_long_text, clean_text
from sambandh.core.errors import Forbidden, ValidationFailed
from sambandh.core.records import FieldErrors

ERASED_SALT = "sambandh.consents.erased-proof"

#: The longest proof text kept (the exact wording shown to the person).
MAX_PROOF_TEXT = 10_000


@dataclass
class ConsentInput:
    """What a user records: the API body and the page's form both become this."""

    purpose: str
    status: str
    source: str
    lawful_basis: str = LawfulBasis.CONSENT
    channel: str | None = None
    proof_text: str = ""
    proof_form: str = ""
    proof_ip: str | None = None
    expires_at: dt.datetime | None = None


def _choice(errors: FieldErrors, field: str, value: Any, choices: Any) -> str:
    if value in choices.values:
        return str(value)
    errors.add(
        field,
        _("Choose one of: %(choices)s.") % {"choices": ", ".join(choices.values)},
    )
    return ""


def _ip(errors: FieldErrors, field: str, value: str | None) -> str | None:
    if value in (None, ""):
        return None
    try:
        return str(ipaddress.ip_address(str(value).strip()))
    except ValueError:
        errors.add(field, _("Enter a valid IPv4 or IPv6 address."))
        return None


def _clean(data: ConsentInput, now: dt.datetime) -> dict[str, Any]:
    errors = FieldErrors()
    purpose = _choice(errors, "purpose", data.purpose, Purpose)
    status = _choice(errors, "status", data.status, Status)
    basis = _choice(errors, "lawful_basis", data.lawful_basis, LawfulBasis)
    channel = data.channel or (PURPOSE_CHANNELS[purpose][0] if purpose else "")
    if data.channel:
        channel = _choice(errors, "channel", data.channel, Channel)
    if purpose and channel and channel not in PURPOSE_CHANNELS[purpose]:
        errors.add(
            "channel",
            _("%(purpose)s can be recorded on: %(channels)s.")
            % {
                "purpose": Purpose(purpose).label,
                "channels": ", ".join(PURPOSE_CHANNELS[purpose]),
            },
        )
    source = errors.run(clean_text, data.source, field="source", max_length=200, required=True)
    form = errors.run(clean_text, data.proof_form, field="proof.form", max_length=200)
    text = errors.run(
        clean_long_text, data.proof_text, field="proof.text", max_length=MAX_PROOF_TEXT
    )
    ip = _ip(errors, "proof.ip", data.proof_ip)
    expires = data.expires_at
    if expires is not None:
        expires = errors.run(clean_datetime, expires, field="expires_at")
    if expires is not None:
        if status == Status.WITHDRAWN:
            errors.add("expires_at", _("A withdrawal does not expire."))
        elif expires <= now:
            errors.add("expires_at", _("The expiry must be in the future."))
    if status == Status.PENDING and basis and basis != LawfulBasis.CONSENT:
        errors.add("lawful_basis", _("Only consent is confirmed by email."))
    errors.raise_if_any()
    return {
        "purpose": purpose,
        "channel": channel,
        "status": status,
        "lawful_basis": basis,
        "source": source,
        "proof_form": form,
        "proof_text": text,
        "proof_ip": ip,
        "expires_at": expires,
    }


def _append(*, actor: Any, person: Any, values: dict[str, Any]) -> Consent:
    """The new row, its audit row and its event ("consent.<status>") on the person."""
    previous = latest(person.pk, values["purpose"], values["channel"])
    row = Consent(person=person, recorded_by=actor if getattr(actor, "pk", None) else None)
    for name, value in values.items():
        setattr(row, name, value)
    row.save()
    audit_record(
        actor=actor,
        action="update",
        record_type="person",
        record_id=person.pk,
        # The purpose's state on the channel before (its latest row, or none) and after.
        changes={"consent": [_consent_state(previous), _consent_state(row)]},
        summary=f"consent {row.purpose}/{row.channel}: {row.status}",
        event=f"consent.{row.status}",
        event_data={"consent_id": row.pk, "purpose": row.purpose, "channel": row.channel},
    )
    return row


def _consent_state(row: Consent | None) -> dict[str, Any] | None:
    if row is None:
        return None
    return {
        "id": row.pk,
        "purpose": row.purpose,
        "channel": row.channel,
        "status": row.status,
        "lawful_basis": row.lawful_basis,
        "source": row.source,
    }


def _lock_person(person: Any) -> Any:
    """The person's row, locked: appends to one person's ledger happen one after the other, so
    "the latest row" is never decided by a race."""
    return type(person)._default_manager.select_for_update().get(pk=person.pk)


@transaction.atomic
def consent_record(*, actor: Any, person: Any, data: ConsentInput) -> Consent:
    """Append what ``actor`` records about ``person`` (whom the caller read through the
    selector: they may see them). Refused (403) to a user who may not change the person.
    A pending row asks the person to confirm: an email with a signed link goes to their
    primary address after commit."""
    policy.ensure_can_write(actor)
    if not policy.can_edit(actor, "person", person):
        raise Forbidden(_("You cannot change this person's consents."))
    now = timezone.now()
    values = _clean(data, now)
    person = _lock_person(person)
    if values["status"] == Status.PENDING:
        if not person.email:
            raise ValidationFailed(
                fields={"status": _("This person has no email address to confirm by.")}
            )
        current = latest(person.pk, values["purpose"], values["channel"])
        if current and current.status == Status.GRANTED and not current.expired(now):
            raise ValidationFailed(fields={"status": _("This consent is already granted.")})
    row = _append(actor=actor, person=person, values=values)
    if row.status == Status.PENDING:
        _send_confirmation_after_commit(row.pk)
    return row


def _send_confirmation_after_commit(consent_id: int) -> None:
    from sambandh.consents.tasks import send_confirmation

    transaction.on_commit(lambda: send_confirmation.enqueue(consent_id))


# --- what a person does from an email (anonymous) --------------------------------------------
@dataclass(frozen=True)
class Outcome:
    """What a public page tells the person: ``state`` is "confirmed", "already", "expired",
    "invalid", "superseded" or "withdrawn"; ``purpose`` and ``channel`` name what it was about
    (never who)."""

    state: str
    purpose: str = ""
    channel: str = ""


def confirm_statement(purpose: str, channel: str) -> str:
    """The words the confirmation page shows, in the active language; the granted row keeps
    them as its proof."""
    return _("Yes, I agree to receive %(purpose)s by %(channel)s.") % {
        "purpose": Purpose(purpose).label,
        "channel": Channel(channel).label,
    }


def unsubscribe_statement(purpose: str, channel: str) -> str:
    return _("Stop sending me %(purpose)s by %(channel)s.") % {
        "purpose": Purpose(purpose).label,
        "channel": Channel(channel).label,
    }


def confirm_preview(token: str) -> Outcome:
    """What the confirmation link is about, before the person confirms (changes nothing)."""
    try:
        consent_id = links.read_confirm_token(token)
    except links.LinkExpired:
        return Outcome("expired")
    except links.LinkInvalid:
        return Outcome("invalid")
    row = Consent.objects.filter(pk=consent_id).first()
    if row is None:
        return Outcome("invalid")
    if pending_to_confirm(consent_id) is None:
        answered = latest(row.person_id, row.purpose, row.channel)
        state = "already" if answered and answered.confirms_id == row.pk else "superseded"
        return Outcome(state, row.purpose, row.channel)
    return Outcome("pending", row.purpose, row.channel)


@transaction.atomic
def consent_confirm(*, token: str, ip: str | None, statement: str) -> Outcome:
    """Append the granted row for the pending one the link names, with the proof (the IP it
    came from, the time, the ``statement`` shown). A link that expired, was changed, or whose
    request was already answered changes nothing."""
    preview = confirm_preview(token)
    if preview.state != "pending":
        return preview
    consent_id = links.read_confirm_token(token)
    pending = Consent.objects.select_related("person").get(pk=consent_id)
    _lock_person(pending.person)
    if pending_to_confirm(consent_id) is None:  # answered while we waited for the lock
        return confirm_preview(token)
    _append(
        actor=None,
        person=pending.person,
        values={
            "purpose": pending.purpose,
            "channel": pending.channel,
            "status": Status.GRANTED,
            "lawful_basis": LawfulBasis.CONSENT,
            "source": "double opt-in link",
            "proof_form": "double opt-in confirmation page",
            "proof_ip": _safe_ip(ip),
            "proof_text": statement,
            "expires_at": pending.expires_at,
            "confirms": pending,
        },
    )
    return Outcome("confirmed", pending.purpose, pending.channel)


def unsubscribe_preview(token: str) -> Outcome:
    try:
        link = links.read_unsubscribe_token(token)
    except links.LinkInvalid:
        return Outcome("invalid")
    if link.purpose not in Purpose.values or link.channel not in Channel.values:
        return Outcome("invalid")
    return Outcome("pending", link.purpose, link.channel)


@transaction.atomic
def consent_unsubscribe(*, token: str, ip: str | None, statement: str, form: str) -> Outcome:
    """Append a withdrawal of the link's purpose on its channel (none when it is already
    withdrawn: a second click changes nothing). Answers the same whether or not the person
    still exists, so that a link tells nothing about them."""
    preview = unsubscribe_preview(token)
    if preview.state != "pending":
        return preview
    link = links.read_unsubscribe_token(token)
    from sambandh.contacts.models import Person

    person = Person.objects.select_for_update().filter(pk=link.person_id).first()
    if person is None:
        return Outcome("withdrawn", link.purpose, link.channel)
    current = latest(person.pk, link.purpose, link.channel)
    if current is not None and current.status == Status.WITHDRAWN:
        return Outcome("withdrawn", link.purpose, link.channel)
    _append(
        actor=None,
        person=person,
        values={
            "purpose": link.purpose,
            "channel": link.channel,
            "status": Status.WITHDRAWN,
            # the withdrawal answers whatever allowed the messages (an objection, for a
            # legitimate interest)
            "lawful_basis": current.lawful_basis if current else LawfulBasis.CONSENT,
            "source": "unsubscribe link",
            "proof_form": form,
            "proof_ip": _safe_ip(ip),
            "proof_text": statement,
        },
    )
    return Outcome("withdrawn", link.purpose, link.channel)


def _safe_ip(ip: str | None) -> str | None:
    try:
        return str(ipaddress.ip_address((ip or "").strip()))
    except ValueError:
        return None


# --- data-subject erasure (sambandh/privacy) -------------------------------------------------
@transaction.atomic
def erase_for_person(person: Any, actor: Any) -> int:
    """Pseudonymize the proof of every consent row of ``person``: the IP address and the text
    shown give way to a keyed digest of them (HMAC with the site's secret: the company can still
    check a copy of the proof it is shown, nobody can read it back). The rows, their statuses,
    times and sources stay: the fact of a withdrawal outlives the erasure. Answers how many rows
    were pseudonymized; one audit row and event ("consent.erased") on the person. The caller
    (the data-subject request's service) decides who may erase."""
    rows = list(
        Consent.objects.filter(person_id=person.pk, erased_at__isnull=True).values_list(
            "pk", "proof_ip", "proof_text"
        )
    )
    now = timezone.now()
    for pk, ip, text in rows:
        proof = f"{ip or ''}\n{text}"
        digest = salted_hmac(ERASED_SALT, proof, algorithm="sha256").hexdigest()
        Consent.objects.filter(pk=pk).erase_proof(digest=digest, at=now)
    if rows:
        audit_record(
            actor=actor,
            action="update",
            record_type="person",
            record_id=person.pk,
            # How many rows held a readable proof, before and after.
            changes={"consents_erased": [0, len(rows)]},
            summary="consent proof pseudonymized",
            event="consent.erased",
        )
    return len(rows)
