"""Settings › Custom fields: define, change, reorder, remove, restore and purge the custom
fields of each record type (customfields/services.py writes them)."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from sambandh.administration.views import admin_page, render_tab
from sambandh.core import registry
from sambandh.core.errors import ServiceError
from sambandh.customfields import selectors, services
from sambandh.customfields.models import CustomField
from sambandh.web.forms import ServiceForm, apply_service_errors
from sambandh.web.http import AuthedRequest


class CustomFieldForm(ServiceForm):
    label = forms.CharField(label=gettext_lazy("Label"), max_length=100)
    key = forms.CharField(
        label=gettext_lazy("Key"),
        max_length=50,
        help_text=gettext_lazy("Its name in the API: lower-case letters, digits, underscores."),
    )
    type = forms.ChoiceField(label=gettext_lazy("Type"), choices=CustomField.Type.choices)
    target = forms.ChoiceField(
        label=gettext_lazy("Links to"),
        required=False,
        help_text=gettext_lazy("For a link to a record: which kind of record."),
    )
    options = forms.CharField(
        label=gettext_lazy("Options"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("For a picklist: one option per line."),
    )
    required = forms.BooleanField(label=gettext_lazy("Required"), required=False)
    default = forms.CharField(
        label=gettext_lazy("Default"),
        required=False,
        max_length=500,
        help_text=gettext_lazy('As JSON when it is not text: 12, true, ["a", "b"].'),
    )
    help_text = forms.CharField(label=gettext_lazy("Help text"), required=False, max_length=300)
    labels = forms.CharField(
        label=gettext_lazy("Translated labels"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("One per line: language code, a colon, the label (hi: …)."),
    )

    def __init__(self, *args: Any, field: CustomField | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.choice_field("target").choices = [("", "—")] + [
            (t.key, str(t.label_plural)) for t in registry.record_types()
        ]
        if field is not None:
            for name in ("key", "type", "target"):
                self.fields[name].disabled = True

    def to_service(self) -> dict[str, Any]:
        cd = self.cleaned_data
        data: dict[str, Any] = {
            "label": cd["label"],
            "required": bool(cd.get("required")),
            "help_text": cd.get("help_text") or "",
            "labels": _labels(cd.get("labels") or ""),
            "default": _default(cd.get("default") or "", cd.get("type") or ""),
        }
        if cd.get("type") in ("picklist", "multi_picklist"):
            data["options"] = [
                o.strip() for o in (cd.get("options") or "").splitlines() if o.strip()
            ]
        return data


def _labels(text: str) -> dict[str, str]:
    labels = {}
    for line in text.splitlines():
        code, sep, label = line.partition(":")
        if sep and code.strip() and label.strip():
            labels[code.strip()] = label.strip()
    return labels


def _default(text: str, kind: str) -> Any:
    text = text.strip()
    if not text:
        return None
    if kind in ("text", "long_text", "picklist", "url", "email", "phone", "date", "datetime"):
        return text
    try:
        return json.loads(text)
    except ValueError:
        return text  # the service says what is wrong with it


def _initial(cf: CustomField) -> dict[str, Any]:
    default = cf.default
    if default is not None and not isinstance(default, str):
        default = json.dumps(default, ensure_ascii=False)
    return {
        "label": cf.label,
        "key": cf.key,
        "type": cf.type,
        "target": cf.target,
        "options": "\n".join(cf.options or []),
        "required": cf.required,
        "default": default or "",
        "help_text": cf.help_text,
        "labels": "\n".join(f"{k}: {v}" for k, v in (cf.labels or {}).items()),
    }


def _list_url(record_type: str) -> str:
    return reverse("administration:custom_fields") + f"?type={record_type}"


@admin_page
@require_http_methods(["GET", "POST"])
def custom_fields(request: AuthedRequest) -> HttpResponse:
    """The fields of one record type, the removed ones, and a form for a new one."""
    types = registry.record_types()
    chosen = registry.find(request.GET.get("type", "")) or types[0]
    form = CustomFieldForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = {
            **form.to_service(),
            "record_type": chosen.key,
            "key": form.cleaned_data["key"],
            "type": form.cleaned_data["type"],
        }
        if form.cleaned_data["type"] == "lookup":
            data["target"] = form.cleaned_data.get("target") or ""
        try:
            cf = services.custom_field_create(actor=request.user, data=data)
        except ServiceError as exc:
            apply_service_errors(form, exc)
            status = 422
        else:
            messages.success(request, _("Field “%(label)s” added.") % {"label": cf.label})
            return redirect(_list_url(chosen.key))
    elif request.method == "POST":
        status = 422
    return render_tab(
        request,
        "administration/custom_fields.html",
        "custom_fields",
        {
            "types": types,
            "chosen": chosen,
            "fields": selectors.custom_field_list(record_type=chosen.key),
            "removed": selectors.custom_field_list(record_type=chosen.key, removed=True),
            "form": form,
        },
        status=status,
    )


@admin_page
@require_http_methods(["GET", "POST"])
def custom_field_edit(request: AuthedRequest, field_id: int) -> HttpResponse:
    cf = selectors.custom_field_get(field_id=field_id)
    form = CustomFieldForm(request.POST or None, field=cf, initial=_initial(cf))
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.custom_field_update(actor=request.user, field=cf, data=form.to_service())
        except ServiceError as exc:
            apply_service_errors(form, exc)
            status = 422
        else:
            messages.success(request, _("Field “%(label)s” saved.") % {"label": cf.label})
            return redirect(_list_url(cf.record_type))
    elif request.method == "POST":
        status = 422
    return render_tab(
        request,
        "administration/custom_field_form.html",
        "custom_fields",
        {"field": cf, "form": form, "back_url": _list_url(cf.record_type)},
        status=status,
    )


@admin_page
@require_POST
def custom_field_action(request: AuthedRequest, field_id: int, action: str) -> HttpResponse:
    """Remove, restore, purge, or move a field up or down."""
    cf = selectors.custom_field_get(field_id=field_id)
    try:
        if action == "remove":
            services.custom_field_delete(actor=request.user, field=cf)
            messages.success(
                request,
                _("Field “%(label)s” removed; its values are kept until you purge it.")
                % {"label": cf.label},
            )
        elif action == "restore":
            services.custom_field_restore(actor=request.user, field=cf)
            messages.success(request, _("Field “%(label)s” restored.") % {"label": cf.label})
        elif action == "purge":
            services.custom_field_purge(actor=request.user, field=cf)
            messages.success(
                request, _("Field “%(label)s” and its values deleted.") % {"label": cf.label}
            )
        elif action in ("up", "down"):
            keys = [f.key for f in selectors.custom_field_list(record_type=cf.record_type)]
            at = keys.index(cf.key)
            other = at - 1 if action == "up" else at + 1
            if 0 <= other < len(keys):
                keys[at], keys[other] = keys[other], keys[at]
                services.custom_field_reorder(
                    actor=request.user, record_type=cf.record_type, keys=keys
                )
        else:
            messages.error(request, _("Unknown action."))
    except ServiceError as exc:
        messages.error(request, " ".join(dict.fromkeys([exc.message, *exc.fields.values()])))
    return redirect(_list_url(cf.record_type))
