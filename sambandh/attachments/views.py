"""The attachments panel of every record page (one view for every record type of the registry),
downloads, previews and removal. Files leave only through these views, after the viewer's right
to see the record is checked; never from MEDIA_URL."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.utils.csp import CSP
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.csp import csp_override
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sambandh.attachments import selectors, services, sniff
from sambandh.attachments.api import body_too_large, upload_from
from sambandh.attachments.http import file_response
from sambandh.core import registry
from sambandh.core.errors import ServiceError
from sambandh.web.http import AuthedRequest, is_htmx, page, safe_next

#: The newest files a record page lists (the API pages through all of them).
SHOWN = 50
#: What the file picker offers (the server decides from the bytes, whatever it offers).
ACCEPT = ",".join(f".{ext}" for ext in sniff.EXTENSIONS)
#: The preview page's policy: the site's, and it may frame the site's own inline file.
PREVIEW_CSP: dict[str, Any] = {**settings.SECURE_CSP, "frame-src": [CSP.SELF]}


def panel_context(*, viewer: Any, record_type: str, record: Any) -> dict[str, Any]:
    """What ``attachments/_panel.html`` needs, for a record the viewer may see."""
    rt = registry.get(record_type)
    return {
        "attachments_record": record,
        "attachments_record_type": record_type,
        "attachments": selectors.attachments_shown(
            viewer=viewer, record_type=record_type, record=record, limit=SHOWN
        ),
        "can_attach": selectors.can_attach(viewer, record_type, record),
        "attachments_max": filesizeformat(services.max_bytes()),
        "attachments_max_bytes": services.max_bytes(),
        "attachments_accept": ACCEPT,
        "attachments_back": rt.url(record.pk),
    }


def _panel(request: AuthedRequest, record_type: str, record: Any, **extra: Any) -> HttpResponse:
    status = extra.pop("status", 200)
    ctx = panel_context(viewer=request.user, record_type=record_type, record=record)
    ctx.update(extra)
    if is_htmx(request):
        return render(request, "attachments/_panel.html", ctx, status=status)
    return render(request, "attachments/panel_page.html", ctx, status=status)


@csrf_exempt  # (checked below, once the body may be read)
def panel(request: HttpRequest, record_type: str, record_id: int) -> HttpResponse:
    """An upload larger than the limit is refused from its Content-Length, before its body is
    read: the CSRF check would otherwise read (and spool to disk) the whole of it first. Nothing
    is changed by that refusal, so it needs no CSRF token."""
    if request.method == "POST" and body_too_large(request):
        return _refuse_unread(request, record_type, record_id)
    return _panel_view(request, record_type, record_id)


@page
def _refuse_unread(request: AuthedRequest, record_type: str, record_id: int) -> HttpResponse:
    record = selectors.record_get(viewer=request.user, record_type=record_type, record_id=record_id)
    message = services.too_large("", None).message
    if is_htmx(request):
        return _panel(request, record_type, record, attachments_error=message, status=413)
    messages.error(request, message)
    return redirect(registry.get(record_type).url(record.pk))


@page
@csrf_protect
@require_http_methods(["GET", "POST"])
def _panel_view(request: AuthedRequest, record_type: str, record_id: int) -> HttpResponse:
    """GET: the record's files (the panel, or a page of its own). POST: attach the posted
    ``file``; htmx and the drop zone get the panel back (201, or 4xx with the message), a
    plain form goes back to the record page with the outcome as a message."""
    record = selectors.record_get(viewer=request.user, record_type=record_type, record_id=record_id)
    if request.method == "GET":
        return _panel(request, record_type, record)
    try:
        upload = upload_from(request)
        attachment = services.attachment_add(
            actor=request.user, record_type=record_type, record_id=record.pk, upload=upload
        )
    except ServiceError as exc:
        if exc.status in (403, 404):
            raise
        message = exc.fields.get("file") or exc.message
        if is_htmx(request):
            return _panel(
                request, record_type, record, attachments_error=message, status=exc.status
            )
        messages.error(request, message)
        return redirect(safe_next(request, registry.get(record_type).url(record.pk)))
    done = _("Attached %(name)s.") % {"name": attachment.filename}
    if is_htmx(request):
        return _panel(request, record_type, record, attachments_saved=done, status=201)
    messages.success(request, done)
    return redirect(safe_next(request, registry.get(record_type).url(record.pk)))


@page
@require_GET
def download(request: AuthedRequest, attachment_id: int) -> Any:  # a FileResponse (streamed)
    attachment = selectors.attachment_get(viewer=request.user, attachment_id=attachment_id)
    return file_response(attachment)


# The file shown inside the preview page's frame: only images and PDFs, only framed by this
# site's own pages, and nothing the file could load or run.
@page
@require_GET
@xframe_options_sameorigin
@csp_override({"default-src": [CSP.NONE], "frame-ancestors": [CSP.SELF]})
def inline(request: AuthedRequest, attachment_id: int) -> Any:  # a FileResponse (streamed)
    attachment = selectors.attachment_get(viewer=request.user, attachment_id=attachment_id)
    if not attachment.previewable:
        raise Http404(_("This file cannot be shown in the browser."))
    return file_response(attachment, inline=True)


@page
@require_GET
@csp_override(PREVIEW_CSP)
def preview(request: AuthedRequest, attachment_id: int) -> HttpResponse:
    attachment = selectors.attachment_get(viewer=request.user, attachment_id=attachment_id)
    rt = registry.get(attachment.record_type)
    return render(
        request,
        "attachments/preview.html",
        {
            "attachment": attachment,
            "record": attachment.record,  # type: ignore[attr-defined]
            "record_url": rt.url(attachment.record_id),
            "record_label": rt.label,
        },
    )


@page
@require_POST
def delete(request: AuthedRequest, attachment_id: int) -> HttpResponse:
    attachment = selectors.attachment_get(viewer=request.user, attachment_id=attachment_id)
    back = registry.get(attachment.record_type).url(attachment.record_id)
    services.attachment_delete(actor=request.user, attachment=attachment)
    done = _("Removed %(name)s.") % {"name": attachment.filename}
    if is_htmx(request):
        record = attachment.record  # type: ignore[attr-defined]
        return _panel(request, attachment.record_type, record, attachments_saved=done)
    messages.success(request, done)
    return redirect(safe_next(request, back))
