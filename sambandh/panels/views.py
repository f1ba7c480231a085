"""The side panel of a record: an HTML fragment that web/static/web/panel.js shows in a drawer
beside a list or the board (what it holds: panels/selectors.py)."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from sambandh.panels.selectors import record_panel as find_panel
from sambandh.web.http import AuthedRequest, page


@page
@require_GET
def record_panel(request: AuthedRequest, record_type: str, record_id: int) -> HttpResponse:
    panel = find_panel(viewer=request.user, record_type=record_type, record_id=record_id)
    return render(
        request,
        "panels/panel.html",
        {
            "panel": panel,
            "record": panel.record,
            "record_type": panel.record_type.key,
            "custom_fields": panel.custom_fields,
        },
    )
