"""The list page of any declared record type (core/registry.py) that declares its list: a new
record type gets a working list, with filters, sorts, saved views and the field policy, before
it has pages of its own."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.views.decorators.http import require_http_methods

from sambandh.accounts import policy
from sambandh.core import registry
from sambandh.web.http import AuthedRequest, page
from sambandh.web.lists import list_page


@page
@require_http_methods(["GET", "POST"])
def record_list(request: AuthedRequest, list_key: str) -> HttpResponse:
    rt = registry.by_list_key(list_key)
    if rt is None or rt.list_select is None or rt.list_spec is None:
        raise Http404()
    select = rt.list_select
    return list_page(
        request,
        spec=rt.list_spec,
        select=lambda query: select(viewer=request.user, query=query),
        template="home/record_list.html",
        context={"record_type": rt},
        access=policy.field_access(request.user, rt.key),
    )
