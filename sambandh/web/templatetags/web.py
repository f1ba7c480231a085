"""The shell's template tags: {% icon %} and the |initials filter. Load with {% load web %}."""

from __future__ import annotations

import unicodedata
from typing import Any

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

# Our own constant SVG bodies (24x24, stroked). Only these strings are ever marked safe.
_ICONS: dict[str, str] = {
    "home": '<path d="M3 10.5 12 3l9 7.5"/><path d="M5 9v12h14V9"/><path d="M10 21v-6h4v6"/>',
    "person": '<circle cx="12" cy="8" r="4"/><path d="M4 21a8 8 0 0 1 16 0"/>',
    "calendar": (
        '<rect x="3" y="5" width="18" height="16" rx="2"/><path d="M3 10h18M8 3v4M16 3v4"/>'
    ),
    "organization": (
        '<rect x="4" y="3" width="16" height="18" rx="2"/>'
        '<path d="M9 7h.01M15 7h.01M9 11h.01M15 11h.01M9 15h.01M15 15h.01"/>'
        '<path d="M10 21v-3h4v3"/>'
    ),
    "deal": (
        '<path d="M20.6 13.4 13.4 20.6a2 2 0 0 1-2.8 0L3 13V3h10l7.6 7.6a2 2 0 0 1 0 2.8z"/>'
        '<circle cx="8" cy="8" r="1.5"/>'
    ),
    "lead": (
        '<circle cx="12" cy="12" r="9"/><circle cx="12" cy="12" r="5"/>'
        '<circle cx="12" cy="12" r="1"/>'
    ),
    "task": '<rect x="3" y="3" width="18" height="18" rx="4"/><path d="m8 12 3 3 5-6"/>',
    "note": (
        '<path d="M14 3H6a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2V9z"/>'
        '<path d="M14 3v6h6"/><path d="M8 13h8M8 17h5"/>'
    ),
    "call": (
        '<path d="M22 16.9v3a2 2 0 0 1-2.2 2 19.8 19.8 0 0 1-8.6-3.1 19.5 19.5 0 0 1-6-6A19.8 '
        "19.8 0 0 1 2.1 4.2 2 2 0 0 1 4.1 2h3a2 2 0 0 1 2 1.7c.1 1 .4 1.9.7 2.8a2 2 0 0 1-.5 "
        '2.1L8.1 9.9a16 16 0 0 0 6 6l1.3-1.3a2 2 0 0 1 2.1-.4c.9.3 1.8.6 2.8.7a2 2 0 0 1 1.7 2z"/>'
    ),
    "meeting": (
        '<rect x="3" y="4" width="18" height="17" rx="2"/><path d="M16 2v4M8 2v4M3 10h18"/>'
        '<path d="M8 14h.01M12 14h.01M16 14h.01M8 17.5h.01M12 17.5h.01"/>'
    ),
    "email": '<rect x="2" y="4" width="20" height="16" rx="2"/><path d="m22 7-10 6L2 7"/>',
    "search": '<circle cx="11" cy="11" r="7"/><path d="m20 20-3.6-3.6"/>',
    "plus": '<path d="M12 5v14M5 12h14"/>',
    "board": '<rect x="3" y="3" width="18" height="18" rx="3"/><path d="M8 7v7M12 7v4M16 7v9"/>',
    "list": '<path d="M8 6h13M8 12h13M8 18h13M3.5 6h.01M3.5 12h.01M3.5 18h.01"/>',
    "logout": (
        '<path d="M9 21H5a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2h4"/><path d="m16 17 5-5-5-5"/>'
        '<path d="M21 12H9"/>'
    ),
    "menu": '<path d="M4 6h16M4 12h16M4 18h16"/>',
    "check": '<path d="M20 6 9 17l-5-5"/>',
    "bell": (
        '<path d="M6 8a6 6 0 0 1 12 0c0 7 3 9 3 9H3s3-2 3-9"/>'
        '<path d="M10.3 21a1.94 1.94 0 0 0 3.4 0"/>'
    ),
    "clock": '<circle cx="12" cy="12" r="9"/><path d="M12 7v5l3 2"/>',
    # Extras the shell itself uses.
    "x": '<path d="M18 6 6 18M6 6l12 12"/>',
    "edit": '<path d="M12 20h9"/><path d="M16.5 3.5a2.1 2.1 0 0 1 3 3L7 19l-4 1 1-4Z"/>',
    "chevron-down": '<path d="m6 9 6 6 6-6"/>',
    "chevron-up": '<path d="m6 15 6-6 6 6"/>',
    "chevron-right": '<path d="m9 6 6 6-6 6"/>',
    "chevron-left": '<path d="m15 6-6 6 6 6"/>',
    "settings": (
        '<circle cx="12" cy="12" r="3"/><path d="M19.4 15a1.7 1.7 0 0 0 .3 1.8l.1.1a2 2 0 1 1-2.8 '
        "2.8l-.1-.1a1.7 1.7 0 0 0-1.8-.3 1.7 1.7 0 0 0-1 1.5V21a2 2 0 1 1-4 0v-.1a1.7 1.7 0 0 "
        "0-1.1-1.5 1.7 1.7 0 0 0-1.8.3l-.1.1a2 2 0 1 1-2.8-2.8l.1-.1a1.7 1.7 0 0 0 .3-1.8 1.7 1.7 "
        "0 0 0-1.5-1H3a2 2 0 1 1 0-4h.1a1.7 1.7 0 0 0 1.5-1.1 1.7 1.7 0 0 0-.3-1.8l-.1-.1a2 2 0 1 "
        "1 2.8-2.8l.1.1a1.7 1.7 0 0 0 1.8.3H9a1.7 1.7 0 0 0 1-1.5V3a2 2 0 1 1 4 0v.1a1.7 1.7 0 0 0 "
        "1 1.5 1.7 1.7 0 0 0 1.8-.3l.1-.1a2 2 0 1 1 2.8 2.8l-.1.1a1.7 1.7 0 0 0-.3 1.8V9a1.7 1.7 0 "
        '0 0 1.5 1H21a2 2 0 1 1 0 4h-.1a1.7 1.7 0 0 0-1.5 1z"/>'
    ),
    "info": '<circle cx="12" cy="12" r="9"/><path d="M12 16v-4M12 8h.01"/>',
    "alert": '<path d="M12 9v4M12 17h.01"/><path d="M10.3 3.9 1.8 18a2 2 0 0 0 1.7 3h17a2 2 0 0 0 '
    '1.7-3L13.7 3.9a2 2 0 0 0-3.4 0z"/>',
    "filter": '<path d="M22 3H2l8 9.5V19l4 2v-8.5z"/>',
    "user": '<circle cx="12" cy="12" r="9"/><circle cx="12" cy="10" r="3"/>'
    '<path d="M6.2 18.6a7 7 0 0 1 11.6 0"/>',
    "copy": '<rect x="8" y="8" width="13" height="13" rx="2"/>'
    '<path d="M4 16a2 2 0 0 1-2-2V4a2 2 0 0 1 2-2h10a2 2 0 0 1 2 2"/>',
    "trash": '<path d="M3 6h18"/><path d="M19 6v14a2 2 0 0 1-2 2H7a2 2 0 0 1-2-2V6"/>'
    '<path d="M8 6V4a2 2 0 0 1 2-2h4a2 2 0 0 1 2 2v2"/>',
}

# Icons that point along the reading direction; the CSS mirrors them in right-to-left pages.
_DIRECTIONAL = frozenset({"logout", "chevron-right", "chevron-left", "list"})

_SVG_OPEN = (
    '<svg class="icon{}{}" viewBox="0 0 24 24" width="16" height="16" fill="none" '
    'stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" '
    'aria-hidden="true" focusable="false">'
)

ICON_NAMES = frozenset(_ICONS)


@register.simple_tag
def icon(name: str, css_class: str = "") -> SafeString:
    """An inline SVG icon by name; an unknown name renders nothing.

    {% icon "person" %}  {% icon "plus" "icon-lg" %}
    """
    body = _ICONS.get(str(name))
    if body is None:
        return mark_safe("")  # noqa: S308 - a constant empty string
    flip = " icon-flip" if name in _DIRECTIONAL else ""
    extra = f" {css_class}" if css_class else ""
    # format_html escapes the class names, which may come from a template variable;
    # the body is one of our own constants above.
    return format_html(_SVG_OPEN, flip, extra) + mark_safe(body + "</svg>")  # noqa: S308


def _first_letter(word: str) -> str:
    """The first letter of a word with its combining marks, so Indic initials render whole."""
    for index, char in enumerate(word):
        if unicodedata.category(char)[0] in "LN":
            letter = char
            for mark in word[index + 1 :]:
                if unicodedata.category(mark)[0] != "M":
                    break
                # A virama (halant) joins to the next consonant; alone it leaves a broken glyph.
                if "VIRAMA" in unicodedata.name(mark, "") or "HALANT" in unicodedata.name(mark, ""):
                    break
                letter += mark
            return letter.upper()
    return ""


@register.simple_tag
def date_input(
    name: str,
    value: object = None,
    kind: str = "date",
    id: str = "",
    error_id: str = "",
    **extra: object,
) -> SafeString:
    """A date (or date and time) input in the user's format and zone, outside a Django form:
    {% date_input "due_at" task_form.due_at.value "datetime" "quick-task-due" %}; ``error_id``
    names the element that says what is wrong with it (marked invalid then). Keyword arguments
    are more attributes of the typed input, ``_`` written ``-`` (``data_custom_filter=...``)."""
    from sambandh.web.date_inputs import render_date_input

    attrs: dict[str, object] = {k.replace("_", "-"): v for k, v in extra.items()}
    if error_id:
        attrs.update({"aria-invalid": "true", "aria-describedby": error_id})
    return render_date_input(name=name, value=value, kind=kind, id=id or None, attrs=attrs)


@register.filter
def initials(value: object) -> str:
    """Up to two initials from a name in any script: "Asha Rao" -> "AR", "山田" -> "山"."""
    text = str(value or "").strip()
    if "@" in text and " " not in text:
        text = text.split("@", 1)[0].replace(".", " ").replace("_", " ")
    letters = [letter for letter in (_first_letter(w) for w in text.split()) if letter]
    if len(letters) > 2:
        letters = [letters[0], letters[-1]]
    return "".join(letters)


@register.filter
def cell(row: object, key: str) -> object:
    """A list cell of a record: its attribute ``key`` (``owner`` shows the user's name)."""
    value = getattr(row, str(key), "")
    return "" if value is None else value


@register.filter
def record_url(row: object, record_type: object) -> str:
    """The page of ``row``, a record of ``record_type`` (a core.registry.RecordType)."""
    return str(record_type.url(row.pk))  # type: ignore[attr-defined]


@register.filter
def datalist_options(choices: object) -> str:
    """``(value, label)`` pairs as ``<option>`` elements, written at once (hundreds of languages
    through a template loop cost a form page tens of milliseconds)."""
    from django.utils.html import format_html_join

    return format_html_join(
        "",
        '<option value="{}">{}</option>',
        choices,  # type: ignore[arg-type]
    )


@register.simple_tag
def id_url(view_name: str, record_id: object) -> str:
    """``{% url view_name id %}`` for rows of a list, from a pattern reversed once."""
    from sambandh.core.ids import id_url as build

    return build(view_name, int(str(record_id)))


@register.simple_tag(takes_context=True)
def inline_field(context: Any, record: Any, record_type: str, name: str) -> SafeString:
    """``{% inline_field person "person" "country" %}``: the field of a record page that its
    editors change in place (web/inline.py); nothing when the viewer may not see it."""
    from django.template.loader import render_to_string

    from sambandh.web.inline import inline_field as find_field

    request = context.get("request")
    item = find_field(getattr(request, "user", None), record_type, record, name)
    if item is None:
        return mark_safe("")  # noqa: S308
    return mark_safe(  # noqa: S308 (a template's own escaped output)
        render_to_string("web/_inline_field.html", {"item": item}, request=request)
    )


@register.filter
def toast_action(extra_tags: object) -> str:
    """The URL a message's toast button POSTs to (``web.records.ACTION_TAG``), or ""."""
    for tag in str(extra_tags or "").split():
        if tag.startswith("action:"):
            return tag.removeprefix("action:")
    return ""


@register.simple_tag
def interface_languages() -> list[tuple[str, str]]:
    """The switcher's choices: each interface language, named in its own script."""
    from sambandh.web.forms import interface_language_choices

    return interface_language_choices()


@register.simple_tag
def options(choices: Any, selected: object = "") -> SafeString:
    """``{% options countries state.filters.country %}``: a <select>'s <option>s for (value,
    label) pairs, the one equal to ``selected`` marked. Written in one pass: the country list's
    250 options through a template loop took 6 ms a page."""
    chosen = "" if selected is None else str(selected)
    out = []
    for value, label in choices:
        value = str(value)
        mark = " selected" if value == chosen else ""
        out.append(f'<option value="{escape(value)}"{mark}>{escape(label)}</option>')
    return mark_safe("".join(out))  # noqa: S308 - every value and label is escaped
