"""The notification centre: the signed-in user's notifications, and marking them read."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from sambandh.core.errors import ValidationFailed
from sambandh.notifications import selectors, services
from sambandh.notifications.digest import DIGEST_HOUR, digest_get, digest_set
from sambandh.web.http import AuthedRequest, page, safe_next


@page
@require_GET
def notification_list(request: AuthedRequest) -> HttpResponse:
    unread = request.GET.get("show") == "unread"
    cursor = (request.GET.get("cursor") or "")[:500] or None
    try:
        found = selectors.notification_page(viewer=request.user, unread=unread, cursor=cursor)
    except ValidationFailed:  # a hand-edited cursor: the first page
        found = selectors.notification_page(viewer=request.user, unread=unread)
    return render(
        request,
        "notifications/list.html",
        {
            "items": found.items,
            "next_cursor": found.next_cursor,
            "unread_only": unread,
            "digest": digest_get(user=request.user),
            "digest_hour": DIGEST_HOUR,
        },
    )


@page
@require_POST
def digest_toggle(request: AuthedRequest) -> HttpResponse:
    """Turn the daily email digest on (``daily=1``) or off."""
    daily = digest_set(user=request.user, daily=request.POST.get("daily") == "1")
    messages.success(
        request,
        _("You will get a daily digest by email.") if daily else _("Daily digest turned off."),
    )
    return redirect("notifications:list")


@page
@require_POST
def notification_open(request: AuthedRequest, notification_id: int) -> HttpResponse:
    """Mark it read and go to what it is about (or back to the list)."""
    found = services.notification_read(user=request.user, notification_id=notification_id)
    shown = selectors.shown(request.user, [found])
    return redirect(shown[0].url if shown and shown[0].url else "notifications:list")


@page
@require_POST
def notification_read_all(request: AuthedRequest) -> HttpResponse:
    services.notifications_read_all(user=request.user)
    return redirect(safe_next(request, "notifications:list"))
