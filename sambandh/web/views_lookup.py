"""The ``<option>``s of a record input's datalist for any record type of the registry (a custom
field that links to a record): the records the viewer may see whose name starts with, or holds,
what was typed, written as ``record_ref`` writes them (a name and what tells it apart, never an
internal id)."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from sambandh.accounts import policy
from sambandh.core import registry
from sambandh.web.forms import record_ref, typed_name
from sambandh.web.http import AuthedRequest, page

SUGGESTIONS = 20


@page
@require_GET
def record_suggest(request: AuthedRequest, record_type: str) -> HttpResponse:
    rt = registry.find(record_type)
    if rt is None:
        raise Http404
    name = typed_name(request.GET)
    name_field = rt.default_order[0]
    records = rt.model._default_manager.filter(policy.visible_q(request.user, rt.key))
    if name:
        records = records.filter(**{f"{name_field}__icontains": name})
    found = list(records.order_by(*rt.default_order)[:SUGGESTIONS])
    return render(
        request,
        "web/_options.html",
        {"options": [record_ref(r, request.user) for r in found]},
    )
