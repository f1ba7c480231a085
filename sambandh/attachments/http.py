"""The one way a stored file leaves the server: after the caller has read the attachment
through its selector (so the viewer may see its record), never from MEDIA_URL."""

from __future__ import annotations

from urllib.parse import quote

from django.http import FileResponse
from django.utils.translation import gettext as _

from sambandh.attachments.models import Attachment
from sambandh.core.errors import NotFound


def content_disposition(kind: str, filename: str) -> str:
    """``attachment`` or ``inline``, with the name in ASCII for old clients and in full as
    ``filename*`` (RFC 6266)."""
    fallback = "".join(
        c if c.isascii() and c.isprintable() and c not in '"\\;' else "_" for c in filename
    )
    encoded = quote(filename, safe="")
    return f"{kind}; filename=\"{fallback or 'download'}\"; filename*=UTF-8''{encoded}"


def file_response(attachment: Attachment, *, inline: bool = False) -> FileResponse:
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, OSError):
        raise NotFound(_("The file is missing from storage.")) from None
    content_type = attachment.content_type
    if content_type.startswith("text/"):
        content_type += "; charset=utf-8"
    response = FileResponse(handle, content_type=content_type)
    response["Content-Length"] = str(attachment.size)
    response["Content-Disposition"] = content_disposition(
        "inline" if inline else "attachment", attachment.filename
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
