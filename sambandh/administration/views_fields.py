"""Settings → Field permissions: for each record type, which roles a field is hidden from and
for which it is read-only (accounts/services_access.py writes them), and which fields are
sensitive: every read of them is audited (history/sensitive.py)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from sambandh.accounts import services_access
from sambandh.accounts.models import Role
from sambandh.administration.views import admin_page, render_tab
from sambandh.core import registry
from sambandh.core.errors import ServiceError
from sambandh.history.sensitive import sensitive_field_set, sensitive_fields
from sambandh.web.http import AuthedRequest

#: The roles a rule can name (administrators are never restricted).
RULE_ROLES = [(value, label) for value, label in Role.choices if value != Role.ADMIN]
CHOICES = ("visible", "read_only", "hidden")


def _rows(record_type: str) -> list[dict[str, Any]]:
    rows = []
    marked = sensitive_fields(record_type)
    for item in services_access.field_permission_list(record_type=record_type):
        cells = []
        for role, label in RULE_ROLES:
            if role in item["hidden_from"]:
                value = "hidden"
            elif role in item["read_only_for"]:
                value = "read_only"
            else:
                value = "visible"
            cells.append({"role": role, "label": label, "value": value})
        rows.append({**item, "cells": cells, "sensitive": item["field"] in marked})
    return rows


@admin_page
@require_http_methods(["GET", "POST"])
def field_permissions(request: AuthedRequest) -> HttpResponse:
    types = registry.record_types()
    chosen = registry.find(request.GET.get("type", "")) or types[0]
    error = ""
    if request.method == "POST":
        try:
            changed = _save(request, chosen)
        except ServiceError as exc:
            error = " ".join(dict.fromkeys([exc.message, *exc.fields.values()]))
        else:
            if changed:
                messages.success(
                    request,
                    _("Field permissions of %(type)s saved; they apply from the next request.")
                    % {"type": chosen.label_plural},
                )
            return redirect(reverse("administration:fields") + f"?type={chosen.key}")
    return render_tab(
        request,
        "administration/fields.html",
        "fields",
        {
            "types": types,
            "chosen": chosen,
            "roles": RULE_ROLES,
            "rows": _rows(chosen.key),
            "error": error,
        },
        status=422 if error else 200,
    )


@transaction.atomic
def _save(request: AuthedRequest, record_type: registry.RecordType) -> int:
    """Every field of the type whose rules the form changes, in one transaction: all or
    nothing. Answers how many fields changed."""
    changed = 0
    marked = sensitive_fields(record_type.key)
    for item in services_access.field_permission_list(record_type=record_type.key):
        sensitive = request.POST.get(f"sensitive:{item['field']}") == "on"
        if sensitive != (item["field"] in marked):
            sensitive_field_set(
                actor=request.user,
                record_type=record_type.key,
                field=item["field"],
                sensitive=sensitive,
            )
            changed += 1
        hidden: list[str] = []
        read_only: list[str] = []
        for role, _label in RULE_ROLES:
            value = request.POST.get(f"rule:{item['field']}:{role}", "visible")
            if value not in CHOICES:
                value = "visible"
            if value == "hidden":
                hidden.append(role)
            elif value == "read_only":
                read_only.append(role)
        if sorted(hidden) != item["hidden_from"] or sorted(read_only) != item["read_only_for"]:
            services_access.field_permission_set(
                actor=request.user,
                record_type=record_type.key,
                field=item["field"],
                hidden_from=hidden,
                read_only_for=read_only,
            )
            changed += 1
    return changed
