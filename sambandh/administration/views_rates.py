"""Settings › Exchange rates: the newest rates, a form to add one, and a CSV file to import."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from sambandh.administration.views import admin_page, render_tab
from sambandh.core.errors import ValidationFailed
from sambandh.core.listing import ListQuery
from sambandh.currencies import selectors, services
from sambandh.web.form_fields import LocalDateField
from sambandh.web.forms import ServiceForm, apply_service_errors, currency_choices
from sambandh.web.http import AuthedRequest

#: How many of the newest rates the page lists (the API pages through all of them).
SHOWN = 100
#: A daily file for years of 30 currencies is a few megabytes.
MAX_UPLOAD_BYTES = 10_000_000


class RateForm(ServiceForm):
    base = forms.ChoiceField(label=gettext_lazy("Base currency"))
    quote = forms.ChoiceField(label=gettext_lazy("Quote currency"))
    rate = forms.CharField(
        label=gettext_lazy("Rate"),
        max_length=40,
        help_text=gettext_lazy("What one unit of the base currency costs in the quote currency."),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    date = LocalDateField(label=gettext_lazy("Date"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.choice_field("base").choices = currency_choices()
        self.choice_field("quote").choices = currency_choices()


class RatesFileForm(ServiceForm):
    file = forms.FileField(
        label=gettext_lazy("CSV file"),
        help_text=gettext_lazy(
            "Columns date,base,quote,rate (2026-06-30,USD,INR,83.25). A file with any bad row "
            "is refused whole."
        ),
    )


def _import(upload: Any, actor: Any) -> int:
    raw = upload.read(MAX_UPLOAD_BYTES + 1)
    if len(raw) > MAX_UPLOAD_BYTES:
        raise ValidationFailed(fields={"file": _("The file is too large.")})
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationFailed(fields={"file": _("The file is not UTF-8 text.")}) from None
    return services.rates_import_csv(actor=actor, text=text)


@admin_page
@require_http_methods(["GET", "POST"])
def rates(request: AuthedRequest) -> HttpResponse:
    form, file_form, status = RateForm(), RatesFileForm(), 200
    if request.method == "POST":
        try:
            if request.POST.get("action") == "import":
                file_form = RatesFileForm(request.POST, request.FILES)
                if not file_form.is_valid():
                    raise ValidationFailed()
                count = _import(file_form.cleaned_data["file"], request.user)
                messages.success(request, _("%(n)s exchange rates imported.") % {"n": count})
            else:
                form = RateForm(request.POST)
                if not form.is_valid():
                    raise ValidationFailed()
                row = services.rate_create(
                    actor=request.user,
                    **{k: form.cleaned_data[k] for k in ("base", "quote", "rate", "date")},
                )
                messages.success(request, _("The rate %(rate)s was saved.") % {"rate": row})
        except ValidationFailed as exc:
            apply_service_errors(file_form if file_form.is_bound else form, exc)
            status = exc.status
        else:
            return redirect("administration:rates")
    page = selectors.rate_page(query=ListQuery(limit=SHOWN))
    context = {
        "rates": page.items,
        "more": page.next_cursor is not None,
        "form": form,
        "file_form": file_form,
    }
    return render_tab(request, "administration/rates.html", "rates", context, status=status)
