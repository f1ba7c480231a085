"""The API's answer to a create sent with ``check_duplicates=true`` that found duplicates: the
error envelope (core/api.py) with the candidates beside its code and message."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.utils.translation import gettext as _
from ninja import Schema

from sambandh.core.api import ErrorBody
from sambandh.dedupe.candidates import Candidate

CODE = "possible_duplicates"
#: What the create operations' descriptions say about the flag (the OpenAPI document).
CHECK_DUPLICATES_HELP = (
    "With `check_duplicates=true`, nothing is created when records you may see probably are "
    "this one (the duplicate engine's match threshold): the answer is 409 with "
    '`{"error": {"code": "possible_duplicates", "message", "fields", "duplicates": [{"id", '
    '"name", "score", "reasons"}]}}`, best first, at most 5. Without it, or when none is '
    "found, the record is created as usual (201)."
)


class DuplicateOut(Schema):
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
