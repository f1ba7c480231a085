"""The sharing card of a record page: who else sees the record, and (for its owner, their
manager or an admin) sharing it with a user or a team, or unsharing. Loaded by htmx after the
record page, so the page itself reads nothing more."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from sambandh.accounts import policy, services_access
from sambandh.accounts.models import Team, User
from sambandh.accounts.selectors import user_list
from sambandh.core import registry
from sambandh.core.errors import ValidationFailed
from sambandh.web.http import AuthedRequest, is_htmx, page


def _card(
    request: AuthedRequest, record_type: str, record: Any, *, error: str = "", status: int = 200
) -> HttpResponse:
    sharer = policy.can_share(request.user, record)
    ctx = {
        "record_type": record_type,
        "record": record,
        "shares": services_access.record_shares(record_type=record_type, record=record),
        "can_share": sharer,
        "users": [u for u in user_list(viewer=request.user) if u.pk != record.owner_id]
        if sharer
        else [],
        "teams": list(Team.objects.order_by("name")) if sharer else [],
        "share_error": error,
    }
    return render(request, "accounts/_shares_card.html", ctx, status=status)


def _done(request: AuthedRequest, record_type: str, record: Any, message: str) -> HttpResponse:
    if is_htmx(request):
        return _card(request, record_type, record)
    messages.success(request, message)
    return redirect(registry.get(record_type).url(record.pk))


@page
@require_GET
def shares(request: AuthedRequest, record_type: str, record_id: int) -> HttpResponse:
    record = services_access.shared_record(
        viewer=request.user, record_type=record_type, record_id=record_id
    )
    return _card(request, record_type, record)


def _target(request: AuthedRequest) -> tuple[User | None, Team | None]:
    raw = request.POST.get("with", "")
    kind, _sep, pk = raw.partition(":")
    if not pk.isdecimal() or len(pk) > 18:
        return None, None
    if kind == "user":
        return user_list(viewer=request.user).filter(pk=int(pk)).first(), None
    if kind == "team":
        return None, Team.objects.filter(pk=int(pk)).first()
    return None, None


@page
@require_POST
def share_add(request: AuthedRequest, record_type: str, record_id: int) -> HttpResponse:
    record = services_access.shared_record(
        viewer=request.user, record_type=record_type, record_id=record_id
    )
    user, team = _target(request)
    try:
        services_access.record_share_add(
            actor=request.user,
            record_type=record_type,
            record=record,
            user=user,
            team=team,
            access=request.POST.get("access", "read"),
        )
    except ValidationFailed as exc:
        message = " ".join(dict.fromkeys([*exc.fields.values(), exc.message]))
        if is_htmx(request):
            return _card(request, record_type, record, error=message, status=exc.status)
        messages.error(request, message)
        return redirect(registry.get(record_type).url(record.pk))
    return _done(request, record_type, record, _("Shared with %(name)s.") % {"name": user or team})


@page
@require_POST
def share_remove(
    request: AuthedRequest, record_type: str, record_id: int, share_id: int
) -> HttpResponse:
    record = services_access.shared_record(
        viewer=request.user, record_type=record_type, record_id=record_id
    )
    services_access.record_share_remove(
        actor=request.user, record_type=record_type, record=record, share_id=share_id
    )
    return _done(request, record_type, record, _("No longer shared."))
