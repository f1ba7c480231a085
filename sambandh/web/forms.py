"""Form helpers for pages whose writes go through services.

Forms only parse what the browser sends (text, numbers, dates); the services clean and validate,
and their ValidationFailed / Conflict errors are put back onto the form with
``apply_service_errors`` so the user sees every message next to what they typed.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sambandh.core.errors import ServiceError
from sambandh.core.sensitive import note_shown

_REF = re.compile(r"^(?P<name>.*?)\s*\(#(?P<id>\d{1,18})\)\s*$")


class FastSelect(forms.Select):
    """A single select whose options are written in Python, not through a template each: a
    country, currency or time zone list has hundreds, and rendering them one template at a time
    took most of a form page's time (a person's form has some 1,500 options)."""

    def render(self, name: str, value: Any, attrs: Any = None, renderer: Any = None) -> Any:
        from html import escape

        from django.forms.utils import flatatt
        from django.utils.safestring import mark_safe

        final = self.build_attrs(self.attrs, attrs)
        final["name"] = name
        if isinstance(value, list | tuple):
            value = value[0] if value else None
        chosen = "" if value is None else str(value)
        # Every value and label is escaped here; the markup around them is ours.
        options = "".join(
            f'<option value="{escape(str(key))}"{" selected" if str(key) == chosen else ""}>'
            f"{escape(str(label))}</option>"
            for key, label in self.choices
        )
        return mark_safe(f"<select{flatatt(final)}>{options}</select>")  # noqa: S308


class ServiceForm(forms.Form):
    """A form that maps service field names ("emails.1.email") onto its own fields."""

    #: service field name -> form field name, for names that differ.
    service_fields: dict[str, str] = {}

    def field_for(self, service_field: str) -> str | None:
        name = self.service_fields.get(service_field, service_field)
        return name if name in self.fields else None

    @property
    def custom_fields(self) -> list[Any]:
        """The custom fields' bound fields (customfields/forms.py adds them), in their order."""
        return [self[name] for name in getattr(self, "custom_field_names", [])]

    def choice_field(self, name: str) -> forms.ChoiceField:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        if type(field.widget) is forms.Select:
            # Set before the choices, which the field hands to its widget.
            field.widget = FastSelect(attrs=field.widget.attrs)
        return field


def apply_service_errors(form: forms.Form, exc: ServiceError) -> None:
    """Show a service's error on ``form``: each field message on its field, the rest on top."""
    finder = getattr(form, "field_for", None)
    unplaced: list[str] = []
    for service_field, message in exc.fields.items():
        name = (
            finder(service_field)
            if finder
            else (service_field if service_field in form.fields else None)
        )
        if name is not None:
            form.add_error(name, message)
        elif service_field != "__all__":
            unplaced.append(message)
    form.add_error(None, exc.message)
    for message in unplaced:
        form.add_error(None, message)


#: What tells two records of the same name apart in a lookup input, by record type: the
#: attribute shown after the name, and the field whose rules decide whether the viewer sees it.
QUALIFIERS = {"organization": ("domain", "domain"), "person": ("email", "emails")}
QUALIFIER_SEP = " · "


def record_ref(obj: Any, viewer: Any = None) -> str:
    """How a record is written in a lookup input: its name, and for a viewer who may see it,
    what tells it apart ("Kestrel Analytics GmbH · kestrel.de", "Ana Pereira · ana@cerrado.br").
    Never an internal id."""
    if obj is None:
        return ""
    name = str(obj)
    qualifier = QUALIFIERS.get(getattr(obj, "record_type", ""))
    if qualifier is not None and viewer is not None:
        from sambandh.accounts import policy

        attr, rule_field = qualifier
        value = getattr(obj, attr, "") or ""
        if value and policy.field_access(viewer, obj.record_type).shows(rule_field):
            # What tells two namesakes apart is shown: a read when the field is sensitive.
            note_shown(viewer, obj.record_type, [obj.pk], [rule_field], via="picker")
            return f"{name}{QUALIFIER_SEP}{value}"
    return name


def restrict_fields(form: forms.Form, access: Any, field_map: dict[str, tuple[str, ...]]) -> None:
    """Apply the viewer's field access (accounts.policy.FieldAccess) to ``form``: the form
    fields of a hidden field are removed (never shown, never sent), those of a read-only field
    are disabled (Django keeps their initial value whatever is posted). ``field_map`` maps the
    record type's fields to the form fields that show them."""
    if access is None:
        return
    for name, form_fields in field_map.items():
        if not access.shows(name):
            for form_field in form_fields:
                form.fields.pop(form_field, None)
        elif not access.can_change(name):
            for form_field in form_fields:
                if form_field in form.fields:
                    form.fields[form_field].disabled = True


def sendable(form: forms.Form, name: str) -> bool:
    """Whether the form sends its field ``name`` to the service: present and not read-only."""
    field = form.fields.get(name)
    return field is not None and not field.disabled


HIDDEN_LINK_HELP = gettext_lazy(
    "Linked to a record you cannot see. Leave this empty to keep that link, or pick another."
)


def link_initial(instance: Any, field: str, viewer: Any = None) -> tuple[str, bool]:
    """What a lookup input shows for ``instance``'s link ``field`` (set up by the policy's
    ``show_links`` as ``shown_<field>``), and whether it points at a record the viewer may not
    see: then the input starts empty, names nothing, and an empty input keeps the link."""
    if instance is None or getattr(instance, f"{field}_id", None) is None:
        return "", False
    shown = getattr(instance, f"shown_{field}", None)
    if shown is None:
        return "", True
    return record_ref(shown, viewer), False


def mark_hidden_link(form: forms.Form, field: str) -> None:
    form.fields[field].help_text = HIDDEN_LINK_HELP
    form.fields[field].widget.attrs["placeholder"] = _("A record you cannot see")


def typed_name(query: Any) -> str:
    """The name typed into a record input, from a suggestion request's query string (the
    input's own name is its only parameter): without an older "(#id)" or a qualifier."""
    typed = next((v for v in query.dict().values() if v.strip()), "").strip()[:100]
    return typed.partition(" (#")[0].partition(QUALIFIER_SEP)[0].strip()


def parse_record_ref(text: str) -> tuple[int | None, str]:
    """("Name (#12)", the form of older links and scripts) -> (12, "Name"); any other text
    -> (None, text)."""
    text = (text or "").strip()
    match = _REF.match(text)
    if match:
        return int(match.group("id")), match.group("name")
    return None, text


def resolve_record(qs: Any, text: str, *, name_field: str = "name") -> tuple[Any, str | None]:
    """The record in ``qs`` (already limited to what the viewer may see) that ``text`` names.

    Returns (record or None, error message or None). Empty text is (None, None).
    """
    pk, name = parse_record_ref(text)
    if not name and pk is None:
        return None, None
    if pk is not None:
        found = qs.filter(pk=pk).first()
        if found is not None:
            return found, None
    matches = list(qs.filter(**{f"{name_field}__iexact": name})[:2])
    if len(matches) == 1:
        return matches[0], None
    # "Name · qualifier", as record_ref writes it (a name may hold the separator itself,
    # which is why the whole text was tried first).
    qualifier = QUALIFIERS.get(getattr(qs.model, "record_type", ""))
    if QUALIFIER_SEP in name and qualifier is not None:
        plain, _sep, value = name.rpartition(QUALIFIER_SEP)
        narrowed = list(
            qs.filter(**{f"{name_field}__iexact": plain, f"{qualifier[0]}__iexact": value})[:2]
        )
        if len(narrowed) == 1:
            return narrowed[0], None
        if narrowed:
            matches = narrowed
        elif not matches:
            name = plain
    if not matches:
        return None, _("Nothing called “%(name)s” was found. Pick one from the list.") % {
            "name": name[:100]
        }
    return None, _("Several records are called “%(name)s”. Pick one from the list.") % {
        "name": name[:100]
    }


def split_tags(text: str) -> list[str]:
    return [t.strip() for t in (text or "").split(",") if t.strip()]


class VersionField(forms.IntegerField):
    """The version the form was loaded at; a stale one makes the service refuse the update."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.HiddenInput)
        kwargs.setdefault("min_value", 1)
        super().__init__(**kwargs)


# --- choice lists, in the viewer's language ----------------------------------------------------
def _babel_locale() -> Any:
    from babel import Locale, UnknownLocaleError
    from django.utils.translation import get_language, to_locale

    try:
        return Locale.parse(to_locale(get_language() or "en"))
    except (UnknownLocaleError, ValueError):
        return Locale.parse("en")


@functools.cache
def _country_choices(locale_name: str) -> tuple[tuple[str, str], ...]:
    from babel import Locale

    names = Locale.parse(locale_name).territories
    items = [(code, name) for code, name in names.items() if len(code) == 2 and code.isalpha()]
    return tuple(sorted(items, key=lambda item: item[1].casefold()))


@functools.cache
def _currency_choices(locale_name: str) -> tuple[tuple[str, str], ...]:
    from babel import Locale

    from sambandh.core.cleaning import currency_codes

    names = Locale.parse(locale_name).currencies
    return tuple((code, f"{code} · {names.get(code, code)}") for code in sorted(currency_codes()))


@functools.cache
def _language_choices(locale_name: str) -> tuple[tuple[str, str], ...]:
    from babel import Locale

    names = Locale.parse(locale_name).languages
    items = [(code.replace("_", "-"), name) for code, name in names.items()]
    return tuple(sorted(items, key=lambda item: item[1].casefold()))


def country_choices() -> list[tuple[str, str]]:
    return list(_country_choices(str(_babel_locale())))


def currency_choices() -> list[tuple[str, str]]:
    return list(_currency_choices(str(_babel_locale())))


def language_choices() -> list[tuple[str, str]]:
    return list(_language_choices(str(_babel_locale())))


@functools.cache
def time_zone_choices() -> tuple[tuple[str, str], ...]:
    from sambandh.core.cleaning import time_zone_names

    return tuple((name, name.replace("_", " ")) for name in sorted(time_zone_names()))


def _native_name(code: str, translated: Any) -> str:
    """ "తెలుగు (Telugu)": each language in its own script, so everyone finds theirs."""
    from babel import Locale, UnknownLocaleError

    try:
        native = Locale.parse(code, sep="-").get_display_name(Locale.parse(code, sep="-"))
    except (UnknownLocaleError, ValueError):
        return str(translated)
    native = (native or "")[:1].upper() + (native or "")[1:]
    return native if native.casefold() == str(translated).casefold() else f"{native} ({translated})"


def interface_language_choices() -> list[tuple[str, str]]:
    """The languages of the interface (settings.LANGUAGES), each named in its own script."""
    from django.conf import settings

    return [(code, _native_name(code, name)) for code, name in settings.LANGUAGES]


def with_blank(choices: Any, label: str = "—") -> list[tuple[str, str]]:
    return [("", label), *choices]


def lookup_widget(
    list_id: str, suggest_view: str = "", suggest_args: tuple[Any, ...] = ()
) -> forms.TextInput:
    """A text input that picks a record from ``<datalist id=list_id>``; with ``suggest_view``,
    typing asks that view for matching ``<option>``s (htmx), so long lists need not be sent."""
    from django.urls import reverse_lazy

    attrs: dict[str, Any] = {"list": list_id, "autocomplete": "off"}
    if suggest_view:
        attrs.update(
            {
                "hx-get": reverse_lazy(suggest_view, args=suggest_args),
                "hx-trigger": "input changed delay:200ms",
                "hx-target": f"#{list_id}",
                "hx-swap": "innerHTML",
                "hx-sync": "this:replace",
            }
        )
    return forms.TextInput(attrs=attrs)
