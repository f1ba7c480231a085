"""Recording consents in the tests, through the service (as a user would)."""

from __future__ import annotations

from typing import Any

from sambandh.consents.models import Consent
from sambandh.consents.services import ConsentInput, consent_record


def record(actor: Any, person: Any, purpose: str, status: str, **more: Any) -> Consent:
    more.setdefault("source", "test form")
    return consent_record(
        actor=actor, person=person, data=ConsentInput(purpose=purpose, status=status, **more)
    )
