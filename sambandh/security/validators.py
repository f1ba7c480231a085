"""Refuse passwords known from breaches, from a list kept on the machine (no network call)."""

from __future__ import annotations

import functools
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


@functools.cache
def breached_passwords() -> frozenset[str]:
    """The 30,000 most common passwords of the Xato corpus of ten million leaked passwords, as
    zxcvbn ships them (lower-cased). Read once per process, when first needed (about 2 MB)."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"])


class BreachedPasswordValidator:
    """Beside Django's CommonPasswordValidator (20,000 passwords): together about 40,000."""

    def validate(self, password: str, user: Any = None) -> None:
        if password.strip().lower() in breached_passwords():
            raise ValidationError(
                _("This password appears in lists of leaked passwords. Choose another."),
                code="password_breached",
            )

    def get_help_text(self) -> str:
        return _("Your password can’t be one that appears in lists of leaked passwords.")
