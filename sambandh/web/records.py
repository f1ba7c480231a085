"""The shapes every record's edit and delete pages share: save a form through a service, and
confirm-then-delete with the record's version."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from sambandh.core.errors import Conflict, ValidationFailed
from sambandh.web.forms import apply_service_errors


def posted_version(request: HttpRequest) -> int | None:
    raw = str(request.POST.get("version") or "").strip()
    try:
        version = int(raw)  # not isdigit(): "²" is a digit int() refuses
    except ValueError:
        return None
    return version if version >= 0 else None


def save_form(form: Any, write: Callable[[Any], Any]) -> tuple[Any, int]:
    """Validate, build the write's typed input (``form.to_service()``), call the service with
    it, and put the errors of either back on the form. Returns (record, status)."""
    if not form.is_valid():
        return None, 200
    try:
        data = form.to_service()
        if data is None:
            return None, 200
        return write(data), 200
    except Conflict as exc:
        apply_service_errors(form, exc)
        return None, 409
    except ValidationFailed as exc:
        apply_service_errors(form, exc)
        return None, 200


def delete_page(
    request: HttpRequest,
    *,
    record: Any,
    name: str,
    detail_url: str,
    done_url: str,
    delete: Callable[[int | None], None],
) -> HttpResponse:
    """GET asks to confirm; POST deletes the version the user saw, or explains a conflict."""
    if request.method == "GET":
        return render(
            request,
            "web/confirm_delete.html",
            {
                "record": record,
                "cancel_url": detail_url,
                "title": _("Delete %(name)s?") % {"name": name},
            },
        )
    try:
        delete(posted_version(request))
    except Conflict as exc:
        messages.error(request, exc.message)
        return redirect(detail_url)
    messages.success(request, _("%(name)s was deleted.") % {"name": name})
    return redirect(done_url)
