"""Settings › Users: the list, invitations, and one user's page (name and role, deactivation,
reassigning their records)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from sambandh.accounts import selectors, services
from sambandh.accounts.models import User
from sambandh.administration.forms import InviteForm, ReassignForm, UserForm
from sambandh.administration.views import admin_page, render_tab
from sambandh.core.errors import ValidationFailed
from sambandh.core.ids import id_or_none
from sambandh.web.forms import apply_service_errors
from sambandh.web.http import AuthedRequest


def status_of(user: User) -> tuple[str, str]:
    """(label, badge class) of a user's access."""
    if not user.is_active:
        return _("Deactivated"), "badge-gray"
    if not user.has_usable_password():
        return _("Invited"), "badge-amber"
    return _("Active"), "badge-green"


USERS_PER_PAGE = 50


@admin_page
@require_GET
def users(request: AuthedRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:100]
    found = selectors.with_teams(selectors.user_list(viewer=request.user, q=q))
    page = Paginator(found, USERS_PER_PAGE).get_page(request.GET.get("page"))
    for user in page.object_list:
        user.status_label, user.status_badge = status_of(user)  # type: ignore[attr-defined]
    context = {"users": page.object_list, "page": page, "q": q}
    return render_tab(request, "administration/users.html", "users", context)


@admin_page
@require_http_methods(["GET", "POST"])
def user_invite(request: AuthedRequest) -> HttpResponse:
    teams = selectors.team_tree(viewer=request.user)
    status = 200
    if request.method == "POST":
        form = InviteForm(request.POST, teams=teams)
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            try:
                user = services.user_invite(
                    actor=request.user,
                    email=data["email"],
                    full_name=data["full_name"],
                    role=data["role"],
                    teams=selectors.teams_for_input([int(pk) for pk in data["teams"]]),
                )
            except ValidationFailed as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("%(email)s was invited. They get an email to choose their password.")
                    % {"email": user.email},
                )
                return redirect("administration:users")
    else:
        form = InviteForm(teams=teams)
    return render_tab(
        request, "administration/user_invite.html", "users", {"form": form}, status=status
    )


def _reassign_summary(counts: dict[str, int], to_user: User) -> str:
    from sambandh.core import registry

    parts = []
    for key, count in counts.items():
        rt = registry.find(key)
        parts.append(f"{rt.label_plural if rt else key}: {count}")
    return _("Moved to %(user)s: %(counts)s.") % {
        "user": to_user,
        "counts": " · ".join(parts) or _("nothing"),
    }


@admin_page
@require_http_methods(["GET", "POST"])
def user_detail(request: AuthedRequest, user_id: int) -> HttpResponse:
    user = selectors.user_admin_get(user_id=user_id)
    form = UserForm(initial={"full_name": user.full_name, "role": user.role})
    others = [
        u for u in selectors.user_list(viewer=request.user) if u.is_active and u.pk != user.pk
    ]
    reassign_form = ReassignForm(users=others)
    access_error = ""
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "save":
                form = UserForm(request.POST)
                if not form.is_valid():
                    raise ValidationFailed()
                services.user_update(
                    actor=request.user,
                    user=user,
                    full_name=form.cleaned_data["full_name"],
                    role=form.cleaned_data["role"],
                )
                messages.success(request, _("Changes saved."))
            elif action in ("deactivate", "reactivate"):
                services.user_update(
                    actor=request.user, user=user, is_active=action == "reactivate"
                )
                messages.success(request, _access_message(action, user))
            elif action == "resend":
                services.user_invitation_resend(actor=request.user, user=user)
                messages.success(
                    request, _("A new invitation was sent to %(email)s.") % {"email": user.email}
                )
            elif action == "reassign":
                reassign_form = ReassignForm(request.POST, users=others)
                if not reassign_form.is_valid():
                    raise ValidationFailed()
                to_user = selectors.user_for_input(
                    _int(reassign_form.cleaned_data["to_user"]), field="to_user_id"
                )
                counts = services.user_records_reassign(
                    actor=request.user, user=user, to_user=to_user
                )
                messages.success(request, _reassign_summary(counts, to_user))
            else:
                raise ValidationFailed(_("Unknown action."))
        except ValidationFailed as exc:  # NotFound and Forbidden answer 404 and 403
            status = exc.status
            if action == "save":
                apply_service_errors(form, exc)
            elif action == "reassign":
                apply_service_errors(reassign_form, exc)
            else:
                generic = exc.message == str(ValidationFailed.default_message)
                access_error = " ".join(exc.fields.values()) if generic else exc.message
        else:
            if not request.user.is_admin:  # they took away their own administration
                return redirect("home:index")
            return redirect("administration:user_detail", user.pk)
        user = selectors.user_admin_get(user_id=user_id)
    user.status_label, user.status_badge = status_of(user)  # type: ignore[attr-defined]
    return render_tab(
        request,
        "administration/user_detail.html",
        "users",
        {
            "subject": user,
            "form": form,
            "reassign_form": reassign_form,
            "owned": selectors.owned_records(user=user),
            "access_error": access_error,
            "is_self": user.pk == request.user.pk,
        },
        status=status,
    )


def _access_message(action: str, user: User) -> str:
    if action == "deactivate":
        return _("%(user)s can no longer log in. Their records keep them as owner.") % {
            "user": user
        }
    return _("%(user)s can log in again.") % {"user": user}


def _int(raw: Any) -> int | None:
    text = str(raw or "").strip()
    return id_or_none(text)
