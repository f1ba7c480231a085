"""The date and date-time inputs of every form: the user's own date format and time zone, not the
browser's (core.dates_input).

What the page holds (web/_date_input.html): a text input with the day as the user writes it
(31/12/2026 en-GB, 12/31/2026 en-US, 31.12.2026 de, native digits if chosen), for a date-time a
second one with the time of day and the time zone it is read in beside it ("Asia/Kolkata
(UTC+05:30)"), and a hidden input named after the field that the script (static/web/date_input.js)
enables and fills with the ISO value it read (2026-12-31, 2026-12-31T10:00), so the server reads an
unambiguous value whatever the locale. Without the script the hidden input stays disabled and the
typed text is posted as ``<name>_date`` and ``<name>_time``, which the fields below read in the
user's format, with a translated error for a date that is not one or is ambiguous. The API and
tests may post the ISO value under the field's own name, as before.

``render_date_input`` is the same markup for the inputs that are not Django form fields (inline
editing, bulk edit, list filters, the quick task, the meeting planner): ``{% date_input %}``.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, NamedTuple

from django import forms
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from sambandh.core import dates_input, formats
from sambandh.core.errors import ValidationFailed
from sambandh.core.formats_input import aware_local

DATETIME_INPUT = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"]


class Typed(NamedTuple):
    """What the user typed in the visible inputs (the script was off or could not read it)."""

    day: str
    time: str = ""


def typed_value(data: Any, name: str) -> Any:
    """The value a date input posted: the ISO value of the enabled hidden input, else what was
    typed (a ``Typed``), else None."""
    if name in data:
        return data.get(name)
    day, time = data.get(f"{name}_date"), data.get(f"{name}_time")
    if day is None and time is None:
        return None
    return Typed(str(day or ""), str(time or ""))


def posted_day(data: Any, name: str) -> str:
    """The day a date input outside a form posted: the picker's ISO value, else the typed text
    (read with ``dates_input.parse_date_input``)."""
    if name in data:
        return str(data.get(name) or "")
    return str(data.get(f"{name}_date") or "")


def _iso_datetime(text: str) -> dt.datetime | None:
    for fmt in DATETIME_INPUT:
        try:
            return dt.datetime.strptime(text, fmt)
        except (ValueError, TypeError):
            continue
    return None


def _shown(value: Any, kind: str) -> tuple[str, str, str]:
    """The day text, the time text and the ISO value to render for ``value``."""
    if isinstance(value, Typed):
        return value.day, value.time, ""
    if isinstance(value, str):
        text = value.strip()
        if kind == "date":
            try:
                day = dt.date.fromisoformat(text) if text else None
            except ValueError:
                return text, "", ""
            return dates_input.format_date_input(day), "", text
        moment = _iso_datetime(text) if text else None
        if moment is None:
            return text, "", ""
        value = moment
    if isinstance(value, dt.datetime):
        local = timezone.localtime(value) if timezone.is_aware(value) else value
        if kind == "date":
            return dates_input.format_date_input(local.date()), "", local.date().isoformat()
        return (
            dates_input.format_date_input(local.date()),
            dates_input.format_time_input(local.time()),
            local.strftime("%Y-%m-%dT%H:%M"),
        )
    if isinstance(value, dt.date):
        return dates_input.format_date_input(value), "", value.isoformat()
    return "", "", ""


def render_date_input(
    *,
    name: str,
    value: Any = None,
    kind: str = "date",
    id: str | None = None,
    attrs: dict[str, Any] | None = None,
) -> SafeString:
    """The picker's markup for a field ``name`` of ``kind`` "date" or "datetime"."""
    day, time, iso = _shown(value, kind)
    prefs = formats.current()
    config = dates_input.picker_config(prefs)
    config["today"] = timezone.localdate().isoformat()
    extra = {k: v for k, v in (attrs or {}).items() if k not in ("id", "name", "type", "value")}
    extra = {k: ("" if v is True else v) for k, v in extra.items() if v not in (False, None)}
    id = id or f"id_{name}"
    described = " ".join(filter(None, [f"{id}_format", str(extra.pop("aria-describedby", ""))]))
    context = {
        "name": name,
        "id": id,
        "kind": kind,
        "day": day,
        "time": time,
        "iso": iso,
        "attrs": sorted(extra.items()),
        "described": described,
        "config": json.dumps(config, ensure_ascii=False),
        "example": config["example"],
        "zone": dates_input.zone_label() if kind == "datetime" else "",
    }
    return mark_safe(render_to_string("web/_date_input.html", context))  # noqa: S308 - escaped template


class LocalDateInput(forms.Widget):
    """A day in the user's format, with the calendar popup."""

    kind = "date"

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        return typed_value(data, name)

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return name not in data and f"{name}_date" not in data and f"{name}_time" not in data

    def format_value(self, value: Any) -> Any:
        return value

    def render(self, name: str, value: Any, attrs: Any = None, renderer: Any = None) -> SafeString:
        final = self.build_attrs(self.attrs, attrs)
        return render_date_input(
            name=name, value=value, kind=self.kind, id=final.get("id"), attrs=final
        )

    def id_for_label(self, id_: str) -> str:
        return id_


class LocalDateTimeInput(LocalDateInput):
    """A day and a time of day in the user's format, read in their time zone (shown beside)."""

    kind = "datetime"


def _validation(exc: ValidationFailed, code: str) -> forms.ValidationError:
    return forms.ValidationError(exc.message or next(iter(exc.fields.values()), ""), code=code)


class LocalDateField(forms.DateField):
    """A day typed in the user's format (or sent as ISO by the picker); a date that is not one or
    whose year is ambiguous is refused with the user's example."""

    widget = LocalDateInput

    def to_python(self, value: Any) -> dt.date | None:  # type: ignore[override]
        if isinstance(value, Typed):
            value = value.day
        if value in self.empty_values:
            return None
        try:
            return dates_input.parse_date_input(value)
        except ValidationFailed as exc:
            raise _validation(exc, "invalid") from None

    def has_changed(self, initial: Any, data: Any) -> bool:
        try:
            return self.to_python(data) != self.to_python(initial)
        except forms.ValidationError:
            return True


class LocalDateTimeField(forms.DateTimeField):
    """A date and time typed in the viewer's time zone. A time their zone skips (the spring
    hour) is refused with a message saying so; one it repeats (the autumn hour) is the first of
    the two, as Django's own field refuses instead (it calls both "ambiguous")."""

    widget = LocalDateTimeInput

    def to_python(self, value: Any) -> dt.datetime | None:  # type: ignore[override]
        if isinstance(value, Typed) and not value.day.strip() and not value.time.strip():
            return None
        if value in self.empty_values:
            return None
        naive = self._naive(value)
        if timezone.is_aware(naive):
            return naive
        try:
            return aware_local(naive, timezone.get_current_timezone(), field="when")
        except ValidationFailed as exc:
            raise _validation(exc, "nonexistent") from None

    def _naive(self, value: Any) -> dt.datetime:
        if isinstance(value, dt.datetime):
            return value
        if isinstance(value, dt.date):
            return dt.datetime(value.year, value.month, value.day)
        if not isinstance(value, Typed):
            moment = _iso_datetime(str(value).strip())
            if moment is not None:
                return moment
            value = Typed(str(value))
        try:
            day = dates_input.parse_date_input(value.day)
            time = dates_input.parse_time_input(value.time)
        except ValidationFailed as exc:
            raise _validation(exc, "invalid") from None
        if day is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return dt.datetime.combine(day, time or dt.time(0, 0))

    def has_changed(self, initial: Any, data: Any) -> bool:
        try:
            return self.to_python(data) != self.to_python(initial)
        except forms.ValidationError:
            return True

    @property
    def zone_help(self) -> str:
        return dates_input.zone_label()
