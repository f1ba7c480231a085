"""Forms for the signed-in user's own settings and API tokens."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy

from sambandh.accounts import scopes
from sambandh.core import registry
from sambandh.core.formats import format_locale_choices
from sambandh.web.forms import (
    ServiceForm,
    currency_choices,
    interface_language_choices,
    time_zone_choices,
)


class ProfileForm(ServiceForm):
    full_name = forms.CharField(label=gettext_lazy("Name"), max_length=200, required=False)
    language = forms.ChoiceField(
        label=gettext_lazy("Language"),
        help_text=gettext_lazy("The language of the interface."),
    )
    time_zone = forms.ChoiceField(
        label=gettext_lazy("Time zone"),
        help_text=gettext_lazy("Times are shown in this zone; due dates are read in it."),
    )
    currency = forms.ChoiceField(
        label=gettext_lazy("Currency"),
        help_text=gettext_lazy("The currency new deals start in."),
    )
    format_locale = forms.ChoiceField(
        label=gettext_lazy("Number and date format"),
        required=False,
        help_text=gettext_lazy(
            "How numbers, amounts and dates are written and typed; amounts you type are read "
            "this way."
        ),
    )
    native_digits = forms.BooleanField(
        label=gettext_lazy("Show numbers in the language’s own digits (౧౨౩, ०१२, ૧૨૩, ١٢٣)"),
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.choice_field("language").choices = interface_language_choices()
        self.choice_field("time_zone").choices = list(time_zone_choices())
        self.choice_field("currency").choices = currency_choices()
        self.choice_field("format_locale").choices = [
            ("", gettext_lazy("The language’s own")),
            *format_locale_choices(),
        ]


#: The tokens page's expiry choices, in days ("" never expires).
TOKEN_EXPIRY_DAYS = ("30", "90", "365")


class TokenForm(ServiceForm):
    """A token's name, expiry and scopes: one choice per record type and one for everything
    (accounts/scopes.py), named ``scope_<target>``."""

    service_fields = {"expires_at": "expires_in"}

    name = forms.CharField(
        label=gettext_lazy("Token name"),
        max_length=100,
        required=False,
        help_text=gettext_lazy("What the token is for, e.g. “spreadsheet sync”."),
    )
    expires_in = forms.ChoiceField(
        label=gettext_lazy("Expires"),
        required=False,
        initial="90",
        help_text=gettext_lazy("After this the token stops working; create a new one then."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.choice_field("expires_in").choices = [
            ("30", gettext_lazy("In 30 days")),
            ("90", gettext_lazy("In 90 days")),
            ("365", gettext_lazy("In a year")),
            ("", gettext_lazy("Never")),
        ]
        levels = [
            ("", gettext_lazy("No access")),
            (scopes.READ, gettext_lazy("Read")),
            (scopes.WRITE, gettext_lazy("Read and write")),
        ]
        labels = {t.api_path: t.label_plural for t in registry.record_types()}
        for target in scopes.targets():
            label = gettext_lazy("Everything") if target == scopes.ALL else labels[target]
            self.fields[f"scope_{target}"] = forms.ChoiceField(
                label=label,
                choices=levels,
                required=False,
                initial=scopes.READ if target == scopes.ALL else "",
            )

    def scope_fields(self) -> list[Any]:
        return [self[name] for name in self.fields if name.startswith("scope_")]

    def chosen_scopes(self) -> list[str]:
        return [
            f"{name.removeprefix('scope_')}:{level}"
            for name, level in self.cleaned_data.items()
            if name.startswith("scope_") and level
        ]

    def expires_at(self) -> datetime.datetime | None:
        days = self.cleaned_data.get("expires_in") or ""
        if days not in TOKEN_EXPIRY_DAYS:
            return None
        return timezone.now() + datetime.timedelta(days=int(days))


class UserLanguagePasswordResetForm(PasswordResetForm):
    """Django's password reset form, mailing each user in their own language (the page that
    asked may be in the browser's language, which need not be theirs)."""

    def send_mail(  # type: ignore[override]
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        language = getattr(context.get("user"), "language", "") or settings.LANGUAGE_CODE
        with translation.override(language):
            super().send_mail(
                subject_template_name,
                email_template_name,
                context,
                from_email,
                to_email,
                html_email_template_name,
            )
