"""Settings › Teams: the tree of teams, one team's name, place and members, and deleting it."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from sambandh.accounts import selectors, services
from sambandh.administration.forms import MemberForm, TeamForm
from sambandh.administration.views import admin_page, render_tab
from sambandh.core.errors import ValidationFailed
from sambandh.core.ids import id_or_none
from sambandh.web.forms import apply_service_errors
from sambandh.web.http import AuthedRequest


def _int(raw: Any) -> int | None:
    text = str(raw or "").strip()
    return id_or_none(text)


@admin_page
@require_http_methods(["GET", "POST"])
def teams(request: AuthedRequest) -> HttpResponse:
    tree = selectors.team_tree(viewer=request.user)
    form = TeamForm(teams=tree)
    status = 200
    if request.method == "POST":
        form = TeamForm(request.POST, teams=tree)
        try:
            if not form.is_valid():
                raise ValidationFailed()
            team = services.team_create(
                actor=request.user,
                name=form.cleaned_data["name"],
                parent=selectors.team_for_input(
                    _int(form.cleaned_data["parent"]), field="parent_id"
                ),
            )
        except ValidationFailed as exc:
            apply_service_errors(form, exc)
            status = exc.status
        else:
            messages.success(request, _("The team %(name)s was added.") % {"name": team.name})
            return redirect("administration:teams")
    return render_tab(
        request,
        "administration/teams.html",
        "teams",
        {"teams": tree, "form": form},
        status=status,
    )


@admin_page
@require_http_methods(["GET", "POST"])
def team_detail(request: AuthedRequest, team_id: int) -> HttpResponse:
    team = selectors.team_get(viewer=request.user, team_id=team_id)
    tree = selectors.team_tree(viewer=request.user)
    below = selectors.team_subtree_ids(team=team)
    places = [t for t in tree if t.pk not in below]
    member_ids = {m.pk for m in team.members.all()}
    candidates = [
        u
        for u in selectors.user_list(viewer=request.user)
        if u.is_active and u.pk not in member_ids
    ]
    form = TeamForm(initial={"name": team.name, "parent": str(team.parent_id or "")}, teams=places)
    member_form = MemberForm(users=candidates)
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "save":
                form = TeamForm(request.POST, teams=places)
                if not form.is_valid():
                    raise ValidationFailed()
                services.team_update(
                    actor=request.user,
                    team=team,
                    name=form.cleaned_data["name"],
                    parent=selectors.team_for_input(
                        _int(form.cleaned_data["parent"]), field="parent_id"
                    ),
                )
                messages.success(request, _("Changes saved."))
            elif action == "add_member":
                member_form = MemberForm(request.POST, users=candidates)
                if not member_form.is_valid():
                    raise ValidationFailed()
                user = selectors.user_for_input(_int(member_form.cleaned_data["user"]))
                services.team_add_member(actor=request.user, team=team, user=user)
                messages.success(
                    request, _("%(user)s joined %(team)s.") % {"user": user, "team": team}
                )
            elif action == "remove_member":
                user = selectors.user_for_input(_int(request.POST.get("user_id")))
                services.team_remove_member(actor=request.user, team=team, user=user)
                messages.success(
                    request, _("%(user)s left %(team)s.") % {"user": user, "team": team}
                )
            else:
                raise ValidationFailed(_("Unknown action."))
        except ValidationFailed as exc:  # NotFound and Forbidden answer 404 and 403
            status = exc.status
            apply_service_errors(member_form if action == "add_member" else form, exc)
        else:
            return redirect("administration:team_detail", team.pk)
    return render_tab(
        request,
        "administration/team_detail.html",
        "teams",
        {
            "team": team,
            "form": form,
            "member_form": member_form,
            "members": list(team.members.all()),
            "has_children": any(t.parent_id == team.pk for t in tree),
        },
        status=status,
    )


@admin_page
@require_http_methods(["GET", "POST"])
def team_delete(request: AuthedRequest, team_id: int) -> HttpResponse:
    team = selectors.team_get(viewer=request.user, team_id=team_id)
    if request.method == "POST":
        try:
            services.team_delete(actor=request.user, team=team)
        except ValidationFailed as exc:
            messages.error(request, exc.message)
            return redirect("administration:team_detail", team.pk)
        messages.success(request, _("The team %(name)s was deleted.") % {"name": team.name})
        return redirect("administration:teams")
    return render_tab(
        request,
        "administration/confirm.html",
        "teams",
        {
            "title": _("Delete the team %(name)s?") % {"name": team.name},
            "text": _(
                "Its members leave it and what was shared with it is no longer shared. "
                "Their records stay as they are."
            ),
            "cancel_url": reverse("administration:team_detail", args=[team.pk]),
        },
    )
