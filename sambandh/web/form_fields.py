"""Form fields that read what people type in their own locale and time zone (core.formats_input):
a wall-clock date-time read in the viewer's zone, with daylight-saving edges handled the one way
the API documents, and an amount typed the viewer's way."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy

from sambandh.core import formats
from sambandh.core.errors import ValidationFailed
from sambandh.core.formats_input import aware_local, parse_localized_amount

DATETIME_INPUT = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"]


class LocalDateTimeInput(forms.DateTimeInput):
    """The browser's date-time picker, told the page's language (``lang``) and showing the time
    in the viewer's zone."""

    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")

    def get_context(self, name: str, value: Any, attrs: Any) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"].setdefault("lang", formats.current().locale.replace("_", "-"))
        return context


class LocalDateTimeField(forms.DateTimeField):
    """A date and time typed in the viewer's time zone. A time their zone skips (the spring
    hour) is refused with a message saying so; one it repeats (the autumn hour) is the first of
    the two, as Django's own field refuses instead (it calls both "ambiguous")."""

    widget = LocalDateTimeInput

    def to_python(self, value: Any) -> dt.datetime | None:  # type: ignore[override]
        if value in self.empty_values:
            return None
        naive: dt.datetime | None = None
        if isinstance(value, dt.datetime):
            naive = value
        elif isinstance(value, dt.date):
            naive = dt.datetime(value.year, value.month, value.day)
        else:
            text = str(value).strip()
            for fmt in DATETIME_INPUT:
                try:
                    naive = dt.datetime.strptime(text, fmt)
                    break
                except (ValueError, TypeError):
                    continue
        if naive is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        if timezone.is_aware(naive):
            return naive
        try:
            return aware_local(naive, timezone.get_current_timezone(), field="when")
        except ValidationFailed as exc:
            raise forms.ValidationError(exc.message, code="nonexistent") from None

    @property
    def zone_help(self) -> str:
        return str(
            gettext_lazy("In your time zone, %(zone)s.")
            % {"zone": timezone.get_current_timezone_name()}
        )


class LocalizedAmountField(forms.CharField):
    """An amount typed the viewer's way ("12,34,567.89" en-IN, "1.234,50" de), as a Decimal;
    blank is None. Rounding to the currency's minor unit stays with the service."""

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        text = super().to_python(value)
        try:
            return parse_localized_amount(text)
        except ValidationFailed as exc:
            raise forms.ValidationError(exc.message, code="amount") from None
