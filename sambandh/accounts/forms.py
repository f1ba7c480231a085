"""Forms for the signed-in user's own settings and API tokens."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.utils import translation
from django.utils.translation import gettext_lazy

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


class TokenForm(ServiceForm):
    name = forms.CharField(
        label=gettext_lazy("Token name"),
        max_length=100,
        required=False,
        help_text=gettext_lazy("What the token is for, e.g. “spreadsheet sync”."),
    )


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
