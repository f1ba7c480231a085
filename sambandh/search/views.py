"""The search palette (Ctrl+K) and the full results page: thin views over the search selector."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from sambandh.core import registry
from sambandh.search import selectors, text

PALETTE_LIMIT = 10
PAGE_LIMIT = selectors.MAX_LIMIT


def _context(request: HttpRequest, *, limit: int) -> dict[str, Any]:
    # The raw text goes to the search: a trailing space says the last word is finished.
    raw = request.GET.get("q", "")[:200]
    q = raw.strip()
    kind = request.GET.get("type", "")
    labels = {t.key: t.label_plural for t in registry.searchable_types()}
    types = [kind] if kind in labels else None
    hits = selectors.search(viewer=request.user, q=raw, types=types, limit=limit)
    groups = [
        {
            "type": record_type,
            "label": labels[record_type],
            "hits": group,
            "list_key": registry.get(record_type).list_key,
        }
        for record_type, group in selectors.group_hits(hits)
    ]
    return {
        "q": q,
        "type": kind if types else "",
        "groups": groups,
        "count": len(hits),
        "searchable": text.parse_query(q) is not None,
        "type_choices": list(labels.items()),
    }


@never_cache
@require_safe
@login_required
def palette(request: HttpRequest) -> HttpResponse:
    return render(request, "search/_palette_results.html", _context(request, limit=PALETTE_LIMIT))


@never_cache
@require_safe
@login_required
def results(request: HttpRequest) -> HttpResponse:
    return render(request, "search/results.html", _context(request, limit=PAGE_LIMIT))
