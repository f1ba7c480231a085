"""Template filters for contact data. Load with {% load contacts %}."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString

from sambandh.accounts.regions import user_region
from sambandh.core.addresses import format_address
from sambandh.core.cleaning import format_phone
from sambandh.web.forms import country_choices

register = template.Library()


@register.filter
def phone(value: object) -> str:
    """An E.164 number in its international form: "+919876543210" -> "+91 98765 43210"."""
    text = str(value or "")
    return format_phone(text) if text else ""


@register.simple_tag(takes_context=True)
def phone_for_viewer(context: template.Context, value: object) -> str:
    """An E.164 number as the viewer reads it: national when the viewer is in the number's
    country ("07700 900123" for a user in London), international otherwise."""
    text = str(value or "")
    if not text:
        return ""
    request = context.get("request")
    region = user_region(getattr(request, "user", None)) if request is not None else ""
    return format_phone(text, viewer_region=region)


@register.filter
def country_name(code: object) -> str:
    """An ISO country code as the viewer reads it: "IN" -> "India"."""
    text = str(code or "").upper()
    if not text:
        return ""
    return dict(country_choices()).get(text, text)


@register.filter
def language_name(code: object) -> str:
    """A BCP 47 tag as the viewer reads it: "es" -> "Spanish", "pt-BR" -> "Portuguese (Brazil)"."""
    from babel import Locale, UnknownLocaleError
    from django.utils.translation import get_language, to_locale

    tag = str(code or "")
    if not tag:
        return ""
    try:
        viewer = Locale.parse(to_locale(get_language() or "en"))
        return Locale.parse(tag, sep="-").get_display_name(viewer) or tag
    except (UnknownLocaleError, ValueError):
        return tag


@register.filter
def address_lines(address: object) -> list[str]:
    """A postal address's lines in its country's layout (core/addresses.py), its country last,
    named in the viewer's language."""
    country = str(getattr(address, "country", "") or "")
    return format_address(
        street=str(getattr(address, "street", "") or ""),
        city=str(getattr(address, "city", "") or ""),
        region=str(getattr(address, "region", "") or ""),
        postal_code=str(getattr(address, "postal_code", "") or ""),
        country=country,
        country_name=country_name(country),
    )


def _rows(context: template.Context, rows: Any, write: Any) -> SafeString:
    request = context.get("request")
    state = context.get("state")
    return write(
        rows,
        viewer=getattr(request, "user", None),
        shown=state.columns if state is not None else (),
        custom_columns=context.get("custom_columns") or (),
        bulk=bool(context.get("bulk")),
    )


@register.simple_tag(takes_context=True)
def person_rows(context: template.Context, rows: Any) -> SafeString:
    """``{% person_rows rows %}``: the people list's <tr>s (contacts/list_rows.py)."""
    from sambandh.contacts import list_rows

    return _rows(context, rows, list_rows.person_rows)


@register.simple_tag(takes_context=True)
def organization_rows(context: template.Context, rows: Any) -> SafeString:
    """``{% organization_rows rows %}``: the organization list's <tr>s."""
    from sambandh.contacts import list_rows

    return _rows(context, rows, list_rows.organization_rows)
