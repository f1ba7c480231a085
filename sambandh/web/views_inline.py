"""The inline editor of one field on a record page (web/inline.py decides what and who).

GET answers the field's editor (or, with ?show=1, its display again, for Cancel); POST saves it
with the version the page was loaded at and answers the display, the record's new version in
the ``X-Record-Version`` header. A refusal answers the editor again with what the user typed and
the reason: 422 for a bad value, 409 when the record changed meanwhile, 410 when it was deleted.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from sambandh.core.errors import Conflict, NotFound, ServiceError
from sambandh.core.ids import id_or_none
from sambandh.web import inline
from sambandh.web.date_inputs import posted_day
from sambandh.web.http import AuthedRequest, page


def _editor(
    request: AuthedRequest,
    item: inline.InlineField,
    *,
    typed: str | None = None,
    version: Any = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "web/_inline_editor.html",
        {
            "item": item,
            "typed": item.input_value if typed is None else typed,
            "version": item.record.version if version is None else version,
            "error": error,
            "conflict": status == 409,
        },
        status=status,
    )


def _display(request: AuthedRequest, item: inline.InlineField) -> HttpResponse:
    response = render(request, "web/_inline_field.html", {"item": item})
    response["X-Record-Version"] = str(item.record.version)
    return response


@page
@require_http_methods(["GET", "POST"])
def inline_field(
    request: AuthedRequest, record_type: str, record_id: int, field: str
) -> HttpResponse:
    item = inline.find(request.user, record_type, record_id, field)
    if request.method == "GET":
        if request.GET.get("show"):
            return _display(request, item)
        if not item.editable:
            raise PermissionDenied
        return _editor(request, item, version=id_or_none(request.GET.get("version")))
    if not item.editable:
        raise PermissionDenied
    typed = posted_day(request.POST, "value")
    version = id_or_none(request.POST.get("version"))
    try:
        saved = inline.save(request.user, item, typed, version)
    except Conflict:
        message = _(
            "Someone else changed this record since you opened the page. What you typed is "
            "kept here: reload the page to see their change, then save yours again."
        )
        return _editor(request, item, typed=typed, version=version, error=message, status=409)
    except NotFound:
        message = _("This record was deleted meanwhile. What you typed is kept here.")
        return _editor(request, item, typed=typed, version=version, error=message, status=410)
    except ServiceError as exc:
        message = exc.fields.get(item.field.name) or next(iter(exc.fields.values()), exc.message)
        return _editor(
            request, item, typed=typed, version=version, error=message, status=exc.status
        )
    fresh = inline.inline_field(request.user, item.record_type.key, saved, item.field.name)
    if fresh is None:  # the field is hidden now (a rule changed meanwhile)
        raise PermissionDenied
    return _display(request, fresh)
