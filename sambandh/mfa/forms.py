"""The second step's code, and turning multi-factor authentication off."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy

from sambandh.web.forms import ServiceForm


class CodeForm(ServiceForm):
    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=64,
        help_text=gettext_lazy(
            "The six digits your authenticator app shows now, or one of your recovery codes."
        ),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "autocapitalize": "none",
                "spellcheck": "false",
                "inputmode": "text",
            }
        ),
    )


class AppCodeForm(CodeForm):
    """A code from the app only (setting it up, renewing recovery codes)."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["code"].help_text = gettext_lazy("The six digits your app shows now.")
        self.fields["code"].widget.attrs["inputmode"] = "numeric"


class DisableForm(CodeForm):
    password = forms.CharField(
        label=gettext_lazy("Password"),
        max_length=200,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
