"""/api/v1/field-permissions, /api/v1/record-types and the shares of every shareable record type
(``/api/v1/{people|organizations|deals|leads}/{id}/shares``, one router per declared type)."""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from sambandh.accounts import services_access
from sambandh.accounts.models import RecordShare, Team, User
from sambandh.accounts.selectors import acting_user as viewer
from sambandh.accounts.selectors import user_get
from sambandh.core import registry
from sambandh.core.api import ErrorOut, StrictSchema
from sambandh.core.errors import ValidationFailed
from sambandh.core.ids import RecordId

ERRORS: dict[int, Any] = {k: ErrorOut for k in (401, 403, 404, 413, 422)}
ROLE_HELP = "Roles: manager, sales_rep, support_agent, marketer, read_only."

router = Router(tags=["access"])


# --- field permissions ---------------------------------------------------------------------------
class FieldPermissionIn(StrictSchema):
    record_type: str = Field(max_length=40)
    field: str = Field(max_length=100)
    hidden_from: list[str] = Field(default_factory=list, max_length=10, description=ROLE_HELP)
    read_only_for: list[str] = Field(default_factory=list, max_length=10, description=ROLE_HELP)


class FieldPermissionOut(Schema):
    record_type: str
    field: str
    hidden_from: list[str]
    read_only_for: list[str]


class FieldPermissionRow(FieldPermissionOut):
    label: str
    hideable: bool


class FieldPermissionPage(Schema):
    items: list[FieldPermissionRow]
    next: str | None


class FieldPermissionFilters(Schema):
    record_type: str | None = Field(None, max_length=40)


@router.get("/field-permissions", response={200: FieldPermissionPage, **ERRORS})
def list_field_permissions(request: HttpRequest, filters: Query[FieldPermissionFilters]) -> Any:
    """Every field of every record type, with the roles it is hidden from and read-only for."""
    items = services_access.field_permission_list(record_type=filters.record_type)
    return {"items": items, "next": None}


@router.put("/field-permissions", response={200: FieldPermissionOut, **ERRORS})
def put_field_permission(request: HttpRequest, payload: FieldPermissionIn) -> Any:
    """Set the roles a field is hidden from and read-only for (admins only). Takes effect on
    the next request."""
    return services_access.field_permission_set(
        actor=viewer(request),
        record_type=payload.record_type,
        field=payload.field,
        hidden_from=payload.hidden_from,
        read_only_for=payload.read_only_for,
    )


# --- the registry, as clients see it --------------------------------------------------------------
class RecordFieldOut(Schema):
    name: str
    label: str
    kind: str
    hideable: bool
    link: str


class RecordTypeOut(Schema):
    key: str
    label: str
    label_plural: str
    api_path: str
    shareable: bool
    searchable: bool
    fields: list[RecordFieldOut]


class RecordTypePage(Schema):
    items: list[RecordTypeOut]
    next: str | None


@router.get("/record-types", response={200: RecordTypePage, **ERRORS})
def list_record_types(request: HttpRequest) -> Any:
    """The record types and their fields, as declared in the registry."""
    return {
        "items": [
            {
                "key": t.key,
                "label": str(t.label),
                "label_plural": str(t.label_plural),
                "api_path": t.api_path,
                "shareable": t.shareable,
                "searchable": t.searchable,
                "fields": [
                    {
                        "name": f.name,
                        "label": str(f.label),
                        "kind": f.kind,
                        "hideable": f.hideable,
                        "link": f.link,
                    }
                    for f in t.all_fields
                ],
            }
            for t in registry.record_types()
        ],
        "next": None,
    }


# --- shares --------------------------------------------------------------------------------------
class ShareIn(StrictSchema):
    user_id: RecordId | None = None
    team_id: RecordId | None = None
    access: Literal["read", "edit"] = "read"


class Ref(Schema):
    id: int
    name: str


class ShareOut(Schema):
    id: int
    user: Ref | None
    team: Ref | None
    access: str
    shared_by: Ref | None
    created_at: Any


class SharePage(Schema):
    items: list[ShareOut]
    next: str | None


def share_out(share: RecordShare) -> dict[str, Any]:
    def ref(obj: Any) -> dict[str, Any] | None:
        return {"id": obj.pk, "name": str(obj)} if obj is not None else None

    return {
        "id": share.pk,
        "user": ref(share.user),
        "team": ref(share.team),
        "access": "edit" if share.can_edit else "read",
        "shared_by": ref(share.shared_by),
        "created_at": share.created_at,
    }


def _target(request: HttpRequest, payload: ShareIn) -> tuple[User | None, Team | None]:
    user = team = None
    if payload.user_id is not None:
        user = user_get(viewer=viewer(request), user_id=payload.user_id)
        if user is None:
            raise ValidationFailed(fields={"user_id": _("No such user.")})
    if payload.team_id is not None:
        team = Team.objects.filter(pk=payload.team_id).first()
        if team is None:
            raise ValidationFailed(fields={"team_id": _("No such team.")})
    return user, team


def shares_router(rt: registry.RecordType) -> Router:
    """The shares of one record type, mounted at ``/api/v1/<api_path>``."""
    shares = Router(tags=[str(rt.api_path)])
    key = rt.key

    @shares.get(
        "/{id:record_id}/shares",
        response={200: SharePage, **ERRORS},
        operation_id=f"list_{key}_shares",
    )
    def list_shares(request: HttpRequest, record_id: int) -> Any:
        record = services_access.shared_record(
            viewer=viewer(request), record_type=key, record_id=record_id
        )
        items = services_access.record_shares(record_type=key, record=record)
        return {"items": [share_out(s) for s in items], "next": None}

    @shares.post(
        "/{id:record_id}/shares",
        response={201: ShareOut, **ERRORS},
        operation_id=f"add_{key}_share",
    )
    def add_share(request: HttpRequest, record_id: int, payload: ShareIn) -> Any:
        """Share with one user or one team, for reading or editing (the owner, their manager
        or an admin). Sharing again with the same user or team changes the access."""
        record = services_access.shared_record(
            viewer=viewer(request), record_type=key, record_id=record_id
        )
        user, team = _target(request, payload)
        share = services_access.record_share_add(
            actor=viewer(request),
            record_type=key,
            record=record,
            user=user,
            team=team,
            access=payload.access,
        )
        share = RecordShare.objects.select_related("user", "team", "shared_by").get(pk=share.pk)
        return Status(201, share_out(share))

    @shares.delete(
        "/{id:record_id}/shares/{id:share_id}",
        response={204: None, **ERRORS},
        operation_id=f"remove_{key}_share",
    )
    def remove_share(request: HttpRequest, record_id: int, share_id: int) -> Any:
        record = services_access.shared_record(
            viewer=viewer(request), record_type=key, record_id=record_id
        )
        services_access.record_share_remove(
            actor=viewer(request), record_type=key, record=record, share_id=share_id
        )
        return Status(204, None)

    return shares
