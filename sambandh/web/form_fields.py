"""Form fields that read what people type in their own locale and time zone (core.formats_input):
a wall-clock date-time read in the viewer's zone, with daylight-saving edges handled the one way
the API documents, and an amount typed the viewer's way."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from sambandh.core.errors import ValidationFailed
from sambandh.core.formats_input import parse_localized_amount
from sambandh.web.date_inputs import LocalDateField, LocalDateTimeField

# The date and date-time fields live with their picker; imported from here as before.
__all__ = ["LocalDateField", "LocalDateTimeField", "LocalizedAmountField"]


class LocalizedAmountField(forms.CharField):
    """An amount typed the viewer's way ("12,34,567.89" en-IN, "1.234,50" de), as a Decimal;
    blank is None. Rounding to the currency's minor unit stays with the service."""

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        text = super().to_python(value)
        try:
            return parse_localized_amount(text)
        except ValidationFailed as exc:
            raise forms.ValidationError(exc.message, code="amount") from None
