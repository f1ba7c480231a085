"""The API's shape of consents: ``/api/v1/people/{id}/consents``."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from ninja import Schema
from pydantic import Field

from sambandh.consents.models import Channel, Consent, LawfulBasis, Purpose, Status
from sambandh.core.api import StrictSchema


class ProofIn(StrictSchema):
    form: str = Field("", max_length=200, description="The form or page it came from")
    ip: str | None = Field(None, max_length=64, description="The address it came from")
    text: str = Field("", max_length=10_000, description="The exact words shown to the person")


class ConsentIn(StrictSchema):
    purpose: str = Field(max_length=40, description=", ".join(Purpose.values))
    status: str = Field(
        max_length=20,
        description="granted, withdrawn, or pending (sends a double opt-in email)",
    )
    lawful_basis: str = Field(
        LawfulBasis.CONSENT.value, max_length=40, description=", ".join(LawfulBasis.values)
    )
    source: str = Field(max_length=200, description='Where it came from: "web form", "call"...')
    channel: str | None = Field(
        None, max_length=20, description=f"{', '.join(Channel.values)}; default: the purpose's"
    )
    proof: str | ProofIn | None = Field(
        None, description="The exact words shown, or {form, ip, text}"
    )
    expires_at: datetime | None = None


class ProofOut(Schema):
    form: str
    ip: str | None
    text: str
    erased: bool


class UserRef(Schema):
    id: int
    name: str


class ConsentOut(Schema):
    id: int
    purpose: str
    purpose_label: str
    channel: str
    status: str
    lawful_basis: str
    source: str
    at: datetime
    expires_at: datetime | None
    expired: bool
    proof: ProofOut
    recorded_by: UserRef | None
    confirms_id: int | None


class ConsentsOut(Schema):
    current: list[ConsentOut] = Field(description="The latest row per purpose and channel")
    history: list[ConsentOut] = Field(description="Every row, newest first")


def consent_out(c: Consent, now: datetime) -> dict[str, Any]:
    user = c.recorded_by
    return {
        "id": c.pk,
        "purpose": c.purpose,
        "purpose_label": str(Purpose(c.purpose).label),
        "channel": c.channel,
        "status": c.status,
        "lawful_basis": c.lawful_basis,
        "source": c.source,
        "at": c.at.astimezone(UTC),
        "expires_at": c.expires_at.astimezone(UTC) if c.expires_at else None,
        "expired": c.status == Status.GRANTED and c.expired(now),
        "proof": {
            "form": c.proof_form,
            "ip": c.proof_ip,
            "text": c.proof_text,
            "erased": c.erased_at is not None,
        },
        "recorded_by": {"id": user.pk, "name": str(user)} if user is not None else None,
        "confirms_id": c.confirms_id,
    }
