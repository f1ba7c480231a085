"""``/api/v1/{type}/{id}/attachments`` (one router per record type of the registry) and
``/api/v1/attachments/{id}``: thin endpoints over the attachments' services and selectors."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from sambandh.accounts.selectors import acting_user as viewer
from sambandh.attachments import selectors, services
from sambandh.attachments.http import file_response
from sambandh.attachments.schemas import AttachmentOut, AttachmentPage, attachment_out
from sambandh.core import registry
from sambandh.core.api import ErrorOut
from sambandh.core.pagination import clamp_limit

ERRORS: dict[int, Any] = {k: ErrorOut for k in (401, 403, 404, 413, 422)}
#: What a multipart request may add around the file (boundaries, part headers).
MULTIPART_SLACK = 64 * 1024

_UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {"file": {"type": "string", "format": "binary"}},
                    "required": ["file"],
                }
            }
        },
    }
}


class ListParams(Schema):
    limit: int = Field(50, ge=1, le=200)
    cursor: str | None = Field(None, max_length=500)


def body_too_large(request: HttpRequest) -> bool:
    """Whether the request's Content-Length is past what a file within the limit needs."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    return length > services.max_bytes() + MULTIPART_SLACK


def upload_from(request: HttpRequest) -> Any:
    """The request's ``file``, refused as too large from its Content-Length before a byte of
    the body is read (Django would otherwise spool the whole upload to a temporary file)."""
    if body_too_large(request):
        raise services.too_large("", None)
    return request.FILES.get("file")


def attachments_router(rt: registry.RecordType) -> Router:
    """The files of one record type, mounted at ``/api/v1/<api_path>``."""
    router = Router(tags=[str(rt.api_path)])

    @router.get(
        "/{id:record_id}/attachments",
        response={200: AttachmentPage, **ERRORS},
        operation_id=f"{rt.key}_attachments",
    )
    def list_attachments(request: HttpRequest, record_id: int, params: Query[ListParams]) -> Any:
        """The files on the record, newest first (a 404 when you may not see the record)."""
        page = selectors.attachment_list(
            viewer=viewer(request),
            record_type=rt.key,
            record_id=record_id,
            limit=clamp_limit(params.limit),
            cursor=params.cursor,
        )
        return {"items": [attachment_out(a) for a in page.items], "next": page.next_cursor}

    @router.post(
        "/{id:record_id}/attachments",
        response={201: AttachmentOut, **ERRORS},
        operation_id=f"{rt.key}_attachment_add",
        openapi_extra=_UPLOAD_BODY,
    )
    def add_attachment(request: HttpRequest, record_id: int) -> Any:
        """Attach a file (multipart, field ``file``). Its type is read from its bytes and must
        agree with its name; too large: 413; not allowed or disguised: 422."""
        attachment = services.attachment_add(
            actor=viewer(request),
            record_type=rt.key,
            record_id=record_id,
            upload=upload_from(request),
        )
        attachment = selectors.attachment_get(viewer=viewer(request), attachment_id=attachment.pk)
        return Status(201, attachment_out(attachment))

    return router


router = Router(tags=["attachments"])


@router.get("/{id:attachment_id}", response={200: AttachmentOut, **ERRORS})
def get_attachment(request: HttpRequest, attachment_id: int) -> Any:
    return attachment_out(
        selectors.attachment_get(viewer=viewer(request), attachment_id=attachment_id)
    )


@router.get(
    "/{id:attachment_id}/download",
    response={200: None, **ERRORS},
    url_name="attachment_download",
    openapi_extra={
        "responses": {
            "200": {
                "description": "The file's bytes, as an attachment",
                "content": {"application/octet-stream": {"schema": {"type": "string"}}},
            }
        }
    },
)
def download_attachment(request: HttpRequest, attachment_id: int) -> Any:
    attachment = selectors.attachment_get(viewer=viewer(request), attachment_id=attachment_id)
    return file_response(attachment)


@router.delete("/{id:attachment_id}", response={204: None, **ERRORS})
def delete_attachment(request: HttpRequest, attachment_id: int) -> Any:
    attachment = selectors.attachment_get(viewer=viewer(request), attachment_id=attachment_id)
    services.attachment_delete(actor=viewer(request), attachment=attachment)
    return Status(204, None)
