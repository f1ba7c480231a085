"""Reads of the consent ledger, and the one answer to "may we contact this person for this
purpose on this channel now?" (``may_contact``).

Every sender calls ``may_contact`` before it sends, for what it sends: the email from a record
(sambandh/emails) asks for one-to-one messages by email (``Purpose.DIRECT``); a campaign, a
newsletter, an SMS or a call list must ask for its own purpose on its own channel, per
recipient, at the moment it sends. A sender that finds several people behind one address asks
``refused_addresses``.

The rules of ``may_contact`` (docs/privacy.md, *Consent*):

1. What counts is the current state (the latest row) of the purpose on the channel, of the
   purpose on every channel (``any``), and of one-to-one messages on the channel and on every
   channel (a withdrawal of those is a withdrawal of all contact on the channel).
2. A withdrawal always wins over every grant recorded before it, whatever the grant's lawful
   basis. Only a newer grant on the basis of consent (the person's own new statement) lifts it:
   a contract or a legitimate interest never overrides an objection.
3. A grant allows contact until it expires (``expires_at``), on any lawful basis: consent, a
   contract (messages the contract needs), legitimate interest (e.g. an existing customer's
   "soft opt-in" for similar products, until they object: record the objection as a
   withdrawal), a legal obligation, vital interests, a public task.
4. A pending row (double opt-in not yet confirmed) allows nothing.
5. With nothing recorded, marketing purposes are not allowed; one-to-one messages are (they need
   no consent).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from sambandh.consents.links import unsubscribe_url
from sambandh.consents.models import (
    MARKETING_PURPOSES,
    Channel,
    Consent,
    LawfulBasis,
    Purpose,
    Status,
)
from sambandh.core import formats
from sambandh.core.errors import NotFound


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str
    #: The row the answer rests on (None when nothing was recorded).
    consent: Consent | None = None


def _label(choices: Any, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def _person_id(person: Any) -> int:
    return int(getattr(person, "pk", person))


def _current(rows: QuerySet[Consent]) -> dict[tuple[str, str], Consent]:
    """The latest row of each (purpose, channel) among ``rows``."""
    found: dict[tuple[str, str], Consent] = {}
    for row in rows.order_by("-id"):
        found.setdefault((row.purpose, row.channel), row)
    return found


def may_contact(person: Any, purpose: str, channel: str, at: dt.datetime | None = None) -> Decision:
    """Whether ``person`` (a Person or its id) may be contacted for ``purpose`` on ``channel``
    at ``at`` (now by default), and why, in the active language. The rules: the module's
    docstring. An unknown purpose or channel is a programming error (ValueError)."""
    if purpose not in Purpose.values or channel not in Channel.values:
        raise ValueError(f"unknown purpose or channel: {purpose!r}, {channel!r}")
    at = at or timezone.now()
    keys = [(purpose, channel), (purpose, Channel.ANY), (Purpose.DIRECT, channel)]
    keys.append((Purpose.DIRECT, Channel.ANY))
    rows = Consent.objects.filter(
        person_id=_person_id(person),
        purpose__in={k[0] for k in keys},
        channel__in={k[1] for k in keys},
        at__lte=at,
    )
    current = _current(rows)
    relevant = [current[k] for k in dict.fromkeys(keys) if k in current]
    own = [r for r in relevant if r.purpose == purpose]
    names = {"purpose": _label(Purpose, purpose), "channel": _label(Channel, channel)}
    withdrawals = [r for r in relevant if r.status == Status.WITHDRAWN]
    grants = [r for r in own if r.status == Status.GRANTED and not r.expired(at)]
    if withdrawals:
        last = max(withdrawals, key=lambda r: r.pk)
        lifted = [g for g in grants if g.lawful_basis == LawfulBasis.CONSENT and g.pk > last.pk]
        if lifted:
            return _granted(lifted[0], names)
        if last.purpose == Purpose.DIRECT and purpose != Purpose.DIRECT:
            reason = _("All contact by %(channel)s was withdrawn.") % names
        else:
            reason = _("Withdrawn: %(purpose)s by %(channel)s.") % names
        return Decision(False, reason, last)
    if grants:
        return _granted(grants[0], names)
    if purpose not in MARKETING_PURPOSES:
        return Decision(True, _("One-to-one messages need no consent, and none was withdrawn."))
    expired = [r for r in own if r.status == Status.GRANTED]
    if expired:
        when = formats.date(expired[0].expires_at)
        return Decision(False, _("The consent expired on %(date)s.") % {"date": when}, expired[0])
    if any(r.status == Status.PENDING for r in own):
        pending = next(r for r in own if r.status == Status.PENDING)
        return Decision(False, _("Waiting for the person to confirm by email."), pending)
    return Decision(False, _("No consent recorded for %(purpose)s by %(channel)s.") % names)


def _granted(row: Consent, names: dict[str, str]) -> Decision:
    if row.lawful_basis == LawfulBasis.CONSENT:
        reason = _("Consent granted for %(purpose)s by %(channel)s.") % names
    else:
        reason = _("Allowed on the lawful basis “%(basis)s”.") % {
            "basis": _label(LawfulBasis, row.lawful_basis)
        }
    return Decision(True, reason, row)


def refused_addresses(
    addresses: list[str], purpose: str, channel: str = Channel.EMAIL, at: dt.datetime | None = None
) -> dict[str, Decision]:
    """The addresses among ``addresses`` that belong to a person who may not be contacted for
    ``purpose`` on ``channel``, each with the refusal. For a sender that has addresses rather
    than a person (people are found by every address they have, whoever may see them)."""
    from sambandh.contacts.models import EmailAddress, Person

    wanted = {a.strip().lower() for a in addresses if a}
    if not wanted:
        return {}
    owners: dict[int, set[str]] = {}
    for person_id, email in EmailAddress.objects.filter(
        email__in=wanted, person_id__isnull=False
    ).values_list("person_id", "email"):
        owners.setdefault(person_id, set()).add(email)
    for person_id, email in Person.objects.filter(email__in=wanted).values_list("pk", "email"):
        owners.setdefault(person_id, set()).add(email)
    # Only people with a ledger can have withdrawn anything: ask about those alone.
    with_rows = set(
        Consent.objects.filter(person_id__in=owners).values_list("person_id", flat=True)
    )
    refused: dict[str, Decision] = {}
    for person_id in sorted(with_rows):
        decision = may_contact(person_id, purpose, channel, at)
        if not decision.allowed:
            for email in owners[person_id]:
                refused.setdefault(email, decision)
    return refused


def unsubscribe_headers(person: Any, purpose: str, channel: str = Channel.EMAIL) -> dict[str, str]:
    """The List-Unsubscribe headers (RFC 2369, with RFC 8058's one-click POST) for a message to
    ``person`` sent for ``purpose``: following it appends a withdrawal of that purpose."""
    url = unsubscribe_url(_person_id(person), purpose, channel)
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


# --- reads for a viewer ----------------------------------------------------------------------
def person_for_consents(*, viewer: Any, person_id: int) -> Any:
    """The person ``person_id`` if ``viewer`` may see them (the access policy, through the
    registry's declaration of people); one they may not see does not exist (404)."""
    from sambandh.core import registry

    visible = registry.get("person").visible
    assert visible is not None
    person = visible(viewer).filter(pk=person_id).first()
    if person is None:
        raise NotFound(_("No such person."))
    return person


@dataclass
class ConsentState:
    #: The latest row of each (purpose, channel), in the purposes' order.
    current: list[Consent] = field(default_factory=list)
    #: Every row, newest first.
    history: list[Consent] = field(default_factory=list)


def consent_state(*, viewer: Any, person_id: int) -> ConsentState:
    """The current state and the history of the person's consents, for a viewer who may see
    the person (else NotFound)."""
    return consent_state_of(person_for_consents(viewer=viewer, person_id=person_id))


def consent_state_of(person: Any) -> ConsentState:
    """``consent_state`` of a person the caller has read through a selector (the person's page
    has: it shows the section without asking the policy twice)."""
    history = list(
        Consent.objects.filter(person=person).select_related("recorded_by").order_by("-id")
    )
    return ConsentState(current=_state_of(history), history=history)


def _state_of(history: list[Consent]) -> list[Consent]:
    current: dict[tuple[str, str], Consent] = {}
    for row in history:  # newest first
        current.setdefault((row.purpose, row.channel), row)
    purposes = list(Purpose.values)
    channels = list(Channel.values)
    return sorted(
        current.values(), key=lambda r: (purposes.index(r.purpose), channels.index(r.channel))
    )


# --- for data-subject requests (sambandh/privacy) -------------------------------------------
def consents_for_export(person: Any) -> list[dict[str, Any]]:
    """Every consent row of ``person``, oldest first, as plain data for an access export (the
    caller has decided that the export is allowed). Times are ISO 8601 in UTC."""
    rows = Consent.objects.filter(person_id=_person_id(person)).order_by("id")
    return [
        {
            "id": r.pk,
            "purpose": r.purpose,
            "channel": r.channel,
            "status": r.status,
            "lawful_basis": r.lawful_basis,
            "source": r.source,
            "at": formats.iso(r.at),
            "expires_at": formats.iso(r.expires_at) if r.expires_at else None,
            "proof": {"form": r.proof_form, "ip": r.proof_ip, "text": r.proof_text},
            "confirms_id": r.confirms_id,
            "erased": r.erased_at is not None,
        }
        for r in rows
    ]


def pending_to_confirm(consent_id: int) -> Consent | None:
    """The pending row ``consent_id`` while it is still the current state of its purpose and
    channel (a later row, granted or withdrawn, has answered it)."""
    row = Consent.objects.filter(pk=consent_id).select_related("person").first()
    if row is None or row.status != Status.PENDING:
        return None
    newest = latest(row.person_id, row.purpose, row.channel)
    return row if newest is not None and newest.pk == row.pk else None


def latest(person_id: int, purpose: str, channel: str) -> Consent | None:
    return (
        Consent.objects.filter(person_id=person_id, purpose=purpose, channel=channel)
        .order_by("-id")
        .first()
    )
