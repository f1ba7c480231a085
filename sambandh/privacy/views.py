"""The privacy pages (administrators only): data-subject requests, retention policies and their
dry-run reports, and the privacy settings. Thin: each calls one service or selector."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sambandh.accounts import policy
from sambandh.contacts.models import Person
from sambandh.core import registry
from sambandh.core.errors import ServiceError
from sambandh.core.ids import id_or_none
from sambandh.privacy import retention, selectors, services
from sambandh.privacy.forms import CompleteForm, PolicyForm, RequestForm, SettingsForm
from sambandh.privacy.models import DataSubjectRequest
from sambandh.web.forms import apply_service_errors
from sambandh.web.http import AuthedRequest, page


def _render(
    request: AuthedRequest, template: str, tab: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    return render(request, f"privacy/{template}", {"active_tab": tab, **context}, status=status)


@page
@require_GET
def request_list(request: AuthedRequest) -> HttpResponse:
    overdue = request.GET.get("overdue") == "1"
    rows = list(selectors.request_list(viewer=request.user, overdue=overdue)[:500])
    today = timezone.localdate()
    return _render(
        request,
        "requests.html",
        "requests",
        {
            "rows": [{"r": r, "overdue": selectors.is_overdue(r, today=today)} for r in rows],
            "overdue_only": overdue,
            "overdue_count": selectors.overdue_q(
                DataSubjectRequest.objects.all(), today=today
            ).count(),
        },
    )


@page
@require_http_methods(["GET", "POST"])
def request_new(request: AuthedRequest) -> HttpResponse:
    policy.ensure_admin(request.user)
    status = 200
    if request.method == "POST":
        form = RequestForm(request.POST)
        if form.is_valid():
            received = form.cleaned_data.get("received_at")
            try:
                created = services.request_create(
                    actor=request.user,
                    type=form.cleaned_data["type"],
                    person_id=form.cleaned_data["person_id"],
                    regime=form.cleaned_data.get("regime") or None,
                    received_at=received,
                    notes=form.cleaned_data.get("notes") or "",
                )
            except ServiceError as exc:
                apply_service_errors(form, exc)
                status = 422
            else:
                messages.success(
                    request,
                    _("The request was recorded. Its deadline is %(date)s.")
                    % {"date": created.due_on.isoformat()},
                )
                return redirect("privacy:request", created.pk)
        else:
            status = 422
    else:
        form = RequestForm(
            initial={
                "person_id": request.GET.get("person", ""),
                "type": request.GET.get("type", "access"),
            }
        )
    person = None
    raw = str(form["person_id"].value() or "")
    if (pk := id_or_none(raw)) is not None:
        person = Person.objects.filter(pk=pk).first()
    return _render(
        request, "request_new.html", "requests", {"form": form, "person": person}, status
    )


@page
@require_GET
def request_detail(request: AuthedRequest, request_id: int) -> HttpResponse:
    found = selectors.request_get(viewer=request.user, request_id=request_id)
    return _render(
        request,
        "request_detail.html",
        "requests",
        {
            "r": found,
            "overdue": selectors.is_overdue(found),
            "outcome": sorted((found.outcome or {}).get("files", found.outcome or {}).items()),
            "complete_form": CompleteForm(),
        },
    )


@page
@require_POST
def request_action(request: AuthedRequest, request_id: int, action: str) -> HttpResponse:
    found = selectors.request_get(viewer=request.user, request_id=request_id)
    try:
        if action == "erase":
            services.request_erase(actor=request.user, request=found)
            messages.success(request, _("The person was erased."))
        elif action == "complete":
            form = CompleteForm(request.POST)
            notes = form.cleaned_data.get("notes", "") if form.is_valid() else ""
            services.request_complete(actor=request.user, request=found, notes=notes)
            messages.success(request, _("The request was closed."))
        elif action == "export":
            name, data = services.export_download(actor=request.user, request=found)
            response = HttpResponse(data, content_type="application/zip")
            response["Content-Disposition"] = f'attachment; filename="{name}"'
            response["Cache-Control"] = "no-store"
            return response
        else:
            raise Http404
    except ServiceError as exc:
        messages.error(request, exc.message)
    return redirect("privacy:request", found.pk)


def _types() -> list[tuple[str, Any]]:
    return [(rt.key, rt.label_plural) for rt in retention.retention_types()]


@page
@require_http_methods(["GET", "POST"])
def policy_list(request: AuthedRequest) -> HttpResponse:
    policies = list(selectors.policy_list(viewer=request.user))
    status = 200
    if request.method == "POST":
        form = PolicyForm(request.POST, types=_types())
        if form.is_valid():
            try:
                created = retention.policy_create(actor=request.user, data=dict(form.cleaned_data))
            except ServiceError as exc:
                apply_service_errors(form, exc)
                status = 422
            else:
                messages.success(
                    request, _("The policy was created, off. Run a dry run, then enable it.")
                )
                return redirect("privacy:policy", created.pk)
        else:
            status = 422
    else:
        form = PolicyForm(types=_types())
    labels = dict(_types())
    rows = [
        {
            "p": p,
            "type_label": labels.get(p.record_type, p.record_type),
            "dry": selectors.latest_run(p, dry_run=True),
        }
        for p in policies
    ]
    return _render(request, "retention.html", "retention", {"rows": rows, "form": form}, status)


@page
@require_GET
def policy_detail(request: AuthedRequest, policy_id: int) -> HttpResponse:
    p = selectors.policy_get(viewer=request.user, policy_id=policy_id)
    rt = registry.find(p.record_type)
    return _render(
        request,
        "policy_detail.html",
        "retention",
        {
            "p": p,
            "type_label": rt.label_plural if rt else p.record_type,
            "dry": selectors.latest_run(p, dry_run=True),
            "last": selectors.latest_run(p, dry_run=False),
        },
    )


@page
@require_POST
def policy_action(request: AuthedRequest, policy_id: int, action: str) -> HttpResponse:
    p = selectors.policy_get(viewer=request.user, policy_id=policy_id)
    try:
        if action == "dry-run":
            run = retention.retention_dry_run(actor=request.user, p=p)
            messages.success(
                request,
                _("Dry run done: %(count)s records would be affected.") % {"count": run.matched},
            )
        elif action in ("enable", "disable"):
            retention.policy_update(actor=request.user, p=p, data={"enabled": action == "enable"})
            messages.success(
                request, _("The policy is on.") if action == "enable" else _("The policy is off.")
            )
        elif action == "delete":
            retention.policy_delete(actor=request.user, p=p)
            messages.success(request, _("The policy was deleted."))
            return redirect("privacy:retention")
        else:
            raise Http404
    except ServiceError as exc:
        messages.error(request, exc.message)
    return redirect("privacy:policy", p.pk)


@page
@require_http_methods(["GET", "POST"])
def settings_page(request: AuthedRequest) -> HttpResponse:
    policy.ensure_admin(request.user)
    current = selectors.privacy_settings()
    status = 200
    if request.method == "POST":
        form = SettingsForm(request.POST)
        if form.is_valid():
            try:
                services.settings_update(
                    actor=request.user,
                    dpdp_days=form.cleaned_data["dpdp_days"],
                    export_rules=form.rules(),
                )
            except ServiceError as exc:
                apply_service_errors(form, exc)
                status = 422
            else:
                messages.success(request, _("The privacy settings were saved."))
                return redirect("privacy:settings")
        else:
            status = 422
    else:
        rules = "\n".join(
            f"{k}: {', '.join(v)}" for k, v in sorted((current.export_rules or {}).items())
        )
        form = SettingsForm(initial={"dpdp_days": current.dpdp_days, "export_rules": rules})
    return _render(request, "settings.html", "settings", {"form": form}, status)
