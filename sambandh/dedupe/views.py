"""The duplicate review queue: pairs with their score and reasons, "not a duplicate", and a
scan started in the background."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from sambandh.accounts import policy
from sambandh.core.errors import NotFound
from sambandh.dedupe import selectors, services
from sambandh.web.http import AuthedRequest, page

TYPES = {"person": "people", "organization": "organizations"}


def _record_type(request: AuthedRequest) -> str:
    value = request.GET.get("type") or request.POST.get("type") or "person"
    return value if value in TYPES else "person"


@page
@require_GET
def review(request: AuthedRequest) -> HttpResponse:
    record_type = _record_type(request)
    rows = selectors.review_queue(viewer=request.user, record_type=record_type)
    return render(
        request,
        "dedupe/review.html",
        {"rows": rows, "record_type": record_type, "types": TYPES},
    )


@page
@require_POST
def dismiss(request: AuthedRequest, pair_id: int) -> HttpResponse:
    try:
        services.pair_dismiss(actor=request.user, pair_id=pair_id)
    except NotFound:
        messages.error(request, _("That pair is no longer in the queue."))
    else:
        messages.success(request, _("Marked as not a duplicate."))
    return redirect(f"{reverse('dedupe:review')}?type={_record_type(request)}")


@page
@require_POST
def scan(request: AuthedRequest) -> HttpResponse:
    policy.ensure_can_review_duplicates(request.user)
    record_type = _record_type(request)
    from sambandh.dedupe.tasks import scan_duplicates

    scan_duplicates.enqueue(TYPES[record_type])
    messages.success(
        request, _("The scan runs in the background; reload this page when it is done.")
    )
    return redirect(f"{reverse('dedupe:review')}?type={record_type}")
