"""/api/v1/custom-fields: the custom fields of every record type. Every signed-in user reads
them (forms and clients need them); administrators create, change, remove, restore and purge
them (the services ask the policy)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema, Status
from pydantic import Field

from sambandh.accounts.selectors import acting_user as viewer
from sambandh.core.api import ErrorOut, StrictSchema, with_etag
from sambandh.core.ids import RecordId
from sambandh.customfields import selectors, services
from sambandh.customfields.models import CustomField

router = Router(tags=["custom fields"])
ERRORS: dict[int, Any] = {k: ErrorOut for k in (401, 403, 404, 409, 413, 422)}

_TYPES = ", ".join(CustomField.Type.values)


class CustomFieldOut(Schema):
    id: int
    version: int
    record_type: str
    key: str
    name: str = Field(description="Its name in field permissions, filters and sorts.")
    label: str
    labels: dict[str, str]
    type: str = Field(description=_TYPES)
    target: str = Field(description="For a lookup: the record type it links to.")
    options: list[str]
    required: bool
    default: Any
    help_text: str
    position: int
    removed: bool
    removed_at: datetime | None
    created_at: datetime
    updated_at: datetime


class CustomFieldPage(Schema):
    items: list[CustomFieldOut]
    next: str | None


class CustomFieldIn(StrictSchema):
    record_type: str = Field(max_length=40, description="person, organization, deal, lead...")
    key: str = Field(max_length=50, description="Lower-case letters, digits, underscores.")
    label: str = Field(max_length=100)
    type: str = Field(max_length=20, description=_TYPES)
    target: str | None = Field(None, max_length=40, description="For a lookup: a record type.")
    options: list[str] | None = Field(None, description="For a picklist: its values.")
    labels: dict[str, str] | None = Field(None, description='Translations: {"hi": "…"}.')
    required: bool | None = None
    default: Any = None
    help_text: str | None = Field(None, max_length=300)
    position: int | None = None


class CustomFieldPatch(StrictSchema):
    label: str | None = Field(None, max_length=100)
    labels: dict[str, str] | None = None
    options: list[str] | None = None
    required: bool | None = None
    default: Any = None
    help_text: str | None = Field(None, max_length=300)
    position: int | None = None
    version: int | None = None
    # Fixed after creation; accepted unchanged, refused (422) when they differ.
    record_type: str | None = Field(None, max_length=40)
    key: str | None = Field(None, max_length=50)
    type: str | None = Field(None, max_length=20)
    target: str | None = Field(None, max_length=40)


class CustomFieldFilters(Schema):
    record_type: str | None = Field(None, max_length=40)
    removed: bool = Field(False, description="List the removed fields (not yet purged).")


def field_out(cf: CustomField) -> dict[str, Any]:
    return {
        "id": cf.pk,
        "version": cf.version,
        "record_type": cf.record_type,
        "key": cf.key,
        "name": cf.name,
        "label": cf.label,
        "labels": cf.labels or {},
        "type": cf.type,
        "target": cf.target,
        "options": cf.options or [],
        "required": cf.required,
        "default": cf.default,
        "help_text": cf.help_text,
        "position": cf.position,
        "removed": cf.is_removed,
        "removed_at": cf.deleted_at,
        "created_at": cf.created_at,
        "updated_at": cf.updated_at,
    }


@router.get("", response={200: CustomFieldPage, **ERRORS})
def list_custom_fields(request: HttpRequest, filters: Query[CustomFieldFilters]) -> Any:
    if filters.record_type:
        from sambandh.core import registry

        registry.get(filters.record_type)
    found = selectors.custom_field_list(record_type=filters.record_type, removed=filters.removed)
    return {"items": [field_out(cf) for cf in found], "next": None}


@router.post("", response={201: CustomFieldOut, **ERRORS})
def create_custom_field(request: HttpRequest, payload: CustomFieldIn) -> Any:
    cf = services.custom_field_create(
        actor=viewer(request), data=payload.model_dump(exclude_unset=True)
    )
    return Status(201, field_out(cf))


@router.get("/{id:field_id}", response={200: CustomFieldOut, **ERRORS})
def get_custom_field(request: HttpRequest, response: HttpResponse, field_id: RecordId) -> Any:
    cf = selectors.custom_field_get(field_id=field_id)
    with_etag(response, cf.version)
    return field_out(cf)


@router.patch("/{id:field_id}", response={200: CustomFieldOut, **ERRORS})
def update_custom_field(request: HttpRequest, field_id: RecordId, payload: CustomFieldPatch) -> Any:
    cf = selectors.custom_field_get(field_id=field_id)
    data = payload.model_dump(exclude_unset=True)
    version = data.pop("version", None)
    cf = services.custom_field_update(actor=viewer(request), field=cf, data=data, version=version)
    return field_out(cf)


@router.delete("/{id:field_id}", response={204: None, **ERRORS})
def delete_custom_field(request: HttpRequest, field_id: RecordId) -> Any:
    """Remove the field: its values are kept (restore brings them back) until it is purged."""
    cf = selectors.custom_field_get(field_id=field_id)
    services.custom_field_delete(actor=viewer(request), field=cf)
    return Status(204, None)


@router.post("/{id:field_id}/restore", response={200: CustomFieldOut, **ERRORS})
def restore_custom_field(request: HttpRequest, field_id: RecordId) -> Any:
    cf = selectors.custom_field_get(field_id=field_id)
    return field_out(services.custom_field_restore(actor=viewer(request), field=cf))


@router.post("/{id:field_id}/purge", response={204: None, **ERRORS})
def purge_custom_field(request: HttpRequest, field_id: RecordId) -> Any:
    """Delete a removed field for good, with its values on every record."""
    cf = selectors.custom_field_get(field_id=field_id)
    services.custom_field_purge(actor=viewer(request), field=cf)
    return Status(204, None)
