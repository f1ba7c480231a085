"""The API's answer to a create sent with ``check_duplicates=true`` that found duplicates: the
error envelope (core/api.py) with the candidates beside its code and message; and
``duplicates_refusal``, the check every create endpoint that takes the flag calls."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.utils.translation import gettext as _
from ninja import Schema, Status

from sambandh.accounts import policy
from sambandh.core.api import ErrorBody
from sambandh.dedupe.candidates import Candidate, duplicates_above_threshold

CODE = "possible_duplicates"
#: What the create operations' descriptions say about the flag (the OpenAPI document).
CHECK_DUPLICATES_HELP = (
    "With `check_duplicates=true`, nothing is created when records you may see probably are "
    "this one (the duplicate engine's match threshold): the answer is 409 with "
    '`{"error": {"code": "possible_duplicates", "message", "fields", "duplicates": [{"type", '
    '"id", "name", "score", "reasons"}]}}`, best first, at most 5 (`type`: the record type '
    "of each; a lead's are leads and people). A name alone never refuses a create: something "
    "else (an email, a phone...) must agree too. Without the flag, or when none is found, the "
    "record is created as usual (201)."
)


class DuplicateOut(Schema):
    type: str
    id: int
    name: str
    score: float
    reasons: list[str]


class DuplicatesBody(ErrorBody):
    duplicates: list[DuplicateOut]


class DuplicatesOut(Schema):
    error: DuplicatesBody


def duplicates_payload(found: Sequence[Candidate]) -> dict[str, Any]:
    return {
        "error": {
            "code": CODE,
            "message": _(
                "Records like this one already exist. Open one of them, or send the request "
                "without check_duplicates to create it anyway."
            ),
            "fields": {},
            "duplicates": [c.as_json() for c in found],
        }
    }


def candidate_values(payload: Mapping[str, Any]) -> dict[str, Any]:
    """A create's body (``model_dump()`` of its input) as ``candidates_for`` reads it: the
    first address gives the city and postal code."""
    values = dict(payload)
    address = next(iter(values.get("addresses") or []), None)
    if isinstance(address, Mapping):
        values.setdefault("city", address.get("city") or "")
        values.setdefault("postal_code", address.get("postal_code") or "")
        if not values.get("country"):
            values["country"] = address.get("country") or ""
    return values


def duplicates_refusal(*, viewer: Any, record_type: str, payload: Schema) -> Status | None:
    """For a create sent with ``check_duplicates=true``: the 409 naming the records the viewer
    may see that probably are the one ``payload`` describes (beyond the name alone), or None
    when there is none and the create may go on. A reader is refused (403) before anything is
    looked up: they learn nothing by asking."""
    policy.ensure_can_write(viewer)
    found = duplicates_above_threshold(
        viewer=viewer, record_type=record_type, values=candidate_values(payload.model_dump())
    )
    return Status(409, duplicates_payload(found)) if found else None
