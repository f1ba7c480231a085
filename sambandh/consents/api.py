"""``/api/v1/people/{id}/consents``: a person's consents (current state and history), and
recording one. A person the caller may not see answers 404; one they may not change, 403 to a
POST."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Router, Status

from sambandh.accounts.selectors import acting_user as viewer
from sambandh.consents import selectors, services
from sambandh.consents.schemas import ConsentIn, ConsentOut, ConsentsOut, ProofIn, consent_out
from sambandh.core.api import ErrorOut

router = Router(tags=["consents"])
ERRORS: dict[int, Any] = {k: ErrorOut for k in (401, 403, 404, 422)}


@router.get("/{id:person_id}/consents", response={200: ConsentsOut, **ERRORS})
def list_consents(request: HttpRequest, person_id: int) -> Any:
    state = selectors.consent_state(viewer=viewer(request), person_id=person_id)
    now = timezone.now()
    return {
        "current": [consent_out(c, now) for c in state.current],
        "history": [consent_out(c, now) for c in state.history],
    }


@router.post("/{id:person_id}/consents", response={201: ConsentOut, **ERRORS})
def record_consent(
    request: HttpRequest, response: HttpResponse, person_id: int, payload: ConsentIn
) -> Any:
    person = selectors.person_for_consents(viewer=viewer(request), person_id=person_id)
    proof = payload.proof
    if not isinstance(proof, ProofIn):
        proof = ProofIn(form="", ip=None, text=proof or "")
    row = services.consent_record(
        actor=viewer(request),
        person=person,
        data=services.ConsentInput(
            purpose=payload.purpose,
            status=payload.status,
            source=payload.source,
            lawful_basis=payload.lawful_basis,
            channel=payload.channel,
            proof_text=proof.text,
            proof_form=proof.form,
            proof_ip=proof.ip,
            expires_at=payload.expires_at,
        ),
    )
    return Status(201, consent_out(row, timezone.now()))
