"""A list's "Export" menu: ``{% export_links state as export %}`` (None for a list that cannot
be exported), then ``exports/_menu.html``."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import template
from django.urls import reverse
from django.utils.translation import gettext as _

from sambandh.core import registry
from sambandh.exports.selectors import exportable

register = template.Library()


@register.simple_tag
def export_links(state: Any) -> list[tuple[str, str]] | None:
    """Each format's download link for the list as ``state`` shows it (its filters, sort and
    saved view; every page, so no cursor)."""
    spec = getattr(state, "spec", None)
    rt = registry.by_list_key(getattr(spec, "key", ""))
    if rt is None or not exportable(rt):
        return None
    base = reverse("exports:list", args=[rt.list_key])
    params = state.params(cursor=None, per_page=None, cols=None)
    formats = [("csv", _("CSV")), ("xlsx", _("Excel (XLSX)"))]
    if rt.key == "person":
        formats.append(("vcf", _("vCard")))
    return [(label, base + "?" + urlencode([("format", fmt), *params])) for fmt, label in formats]


@register.simple_tag
def export_selection_url(list_key: str) -> str:
    rt = registry.by_list_key(list_key)
    if rt is None or not exportable(rt):
        return ""
    return reverse("exports:selection", args=[list_key])
