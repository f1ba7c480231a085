"""/api/v1/people/merge, /api/v1/organizations/merge and /api/v1/merges/{id}: thin endpoints
over contacts/services/merge.py (docs/merge.md)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema
from pydantic import Field

from sambandh.accounts import policy
from sambandh.accounts.selectors import acting_user as viewer
from sambandh.contacts import selectors
from sambandh.contacts.api_organizations import organization_out
from sambandh.contacts.schemas import OrganizationOut, PersonOut
from sambandh.contacts.selectors_merge import merge_fields_shown, merge_get
from sambandh.contacts.services.merge import record_merge
from sambandh.contacts.services.merge_undo import merge_undo
from sambandh.core.api import ErrorOut, StrictSchema
from sambandh.core.errors import NotFound
from sambandh.core.ids import RecordId, id_or_none

router = Router(tags=["merges"])
ERRORS: dict[int, Any] = {k: ErrorOut for k in (401, 403, 404, 409, 422)}


class MergeIn(StrictSchema):
    keep_id: RecordId
    merge_ids: list[RecordId] = Field(max_length=100, description="At most 9 (10 in all).")
    fields: dict[str, RecordId] = Field(
        default_factory=dict,
        max_length=100,
        description='Field name -> the id of the record whose value is kept: {"job_title": 7}. '
        "Other fields keep the kept record's value, or the first non-empty one.",
    )
    versions: dict[str, int] | None = Field(
        None, max_length=10, description="Record id -> the version read; a changed one is a 409."
    )


class UserRef(Schema):
    id: int
    name: str


class MergeOut(Schema):
    id: int
    type: str
    kept_id: int
    merged_ids: list[int]
    fields: dict[str, int]
    moved: int = Field(description="How many links moved to the kept record.")
    actor: UserRef | None
    created_at: datetime
    undone_at: datetime | None
    undone_by: UserRef | None


class PersonMerged(Schema):
    merge_id: int
    person: PersonOut


class OrganizationMerged(Schema):
    merge_id: int
    organization: OrganizationOut


def _user(user: Any) -> dict[str, Any] | None:
    return {"id": user.pk, "name": str(user)} if user is not None else None


def _merge_out(request: HttpRequest, merge: Any) -> dict[str, Any]:
    return {
        "id": merge.pk,
        "type": merge.record_type,
        "kept_id": merge.kept_id,
        "merged_ids": merge.merged_ids,
        "fields": merge_fields_shown(viewer=viewer(request), merge=merge),
        "moved": sum(len(m[4]) for m in merge.moved),
        "actor": _user(merge.actor),
        "created_at": merge.created_at,
        "undone_at": merge.undone_at,
        "undone_by": _user(merge.undone_by),
    }


def _versions(payload: MergeIn) -> dict[int, int]:
    out = {}
    for key, version in (payload.versions or {}).items():
        if (pk := id_or_none(key)) is not None:
            out[pk] = version
    return out


@router.post("/people/merge", response={200: PersonMerged, **ERRORS}, exclude_unset=True)
def merge_people(request: HttpRequest, payload: MergeIn) -> Any:
    merge = record_merge(
        actor=viewer(request),
        record_type="person",
        keep=payload.keep_id,
        merge=payload.merge_ids,
        fields=payload.fields,
        versions=_versions(payload),
    )
    found = selectors.person_json(viewer=viewer(request), person_id=merge.kept_id, written=True)
    if found is None:
        raise NotFound(_("No such person."))
    return {"merge_id": merge.pk, "person": json.loads(found[0])}


@router.post(
    "/organizations/merge", response={200: OrganizationMerged, **ERRORS}, exclude_unset=True
)
def merge_organizations(request: HttpRequest, payload: MergeIn) -> Any:
    merge = record_merge(
        actor=viewer(request),
        record_type="organization",
        keep=payload.keep_id,
        merge=payload.merge_ids,
        fields=payload.fields,
        versions=_versions(payload),
    )
    org = selectors.organization_get(
        viewer=viewer(request), organization_id=merge.kept_id, written=True
    )
    access = policy.field_access(viewer(request), "organization")
    return {"merge_id": merge.pk, "organization": organization_out(org, access)}


@router.get("/merges/{id:merge_id}", response={200: MergeOut, **ERRORS})
def get_merge(request: HttpRequest, merge_id: int) -> Any:
    merge = merge_get(viewer=viewer(request), merge_id=merge_id)
    if merge is None:
        raise NotFound(_("No such merge."))
    return _merge_out(request, merge)


@router.post("/merges/{id:merge_id}/undo", response={200: MergeOut, **ERRORS})
def undo_merge(request: HttpRequest, merge_id: int) -> Any:
    if merge_get(viewer=viewer(request), merge_id=merge_id) is None:
        raise NotFound(_("No such merge."))
    merge_undo(actor=viewer(request), merge=merge_id)
    merge = merge_get(viewer=viewer(request), merge_id=merge_id)
    return _merge_out(request, merge)
