"""Setting a new password (changed while signed in, or through a reset link), with the choice
to revoke the user's API tokens at the same time."""

from __future__ import annotations

from django import forms
from django.contrib.auth import forms as auth_forms
from django.utils.translation import gettext_lazy

_REVOKE_LABEL = gettext_lazy("Also revoke my API tokens")
_REVOKE_HELP = gettext_lazy(
    "Programs that use them stop working at once. Do this if someone else may know your password."
)


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    revoke_tokens = forms.BooleanField(label=_REVOKE_LABEL, help_text=_REVOKE_HELP, required=False)


class SetPasswordForm(auth_forms.SetPasswordForm):
    revoke_tokens = forms.BooleanField(label=_REVOKE_LABEL, help_text=_REVOKE_HELP, required=False)
