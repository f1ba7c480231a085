"""``{% attachments_panel record_type record %}``: the files of a record, on its page (one
partial and one view for every record type)."""

from __future__ import annotations

from typing import Any

from django import template
from django.template.loader import get_template
from django.utils.safestring import SafeString

register = template.Library()


@register.simple_tag(takes_context=True)
def attachments_panel(context: template.Context, record_type: str, record: Any) -> SafeString:
    """The panel of ``record`` (which the page has read through its selector), rendered with
    the page's context (its request, CSRF token and CSP nonce) and the page's script."""
    from sambandh.attachments.views import panel_context

    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or record is None:
        return SafeString("")
    found = panel_context(viewer=user, record_type=record_type, record=record)
    found["attachments_script"] = True
    with context.push(**found):
        # (the engine's template, rendered with the page's own Context, as {% include %} does)
        partial = get_template("attachments/_panel.html").template  # type: ignore[attr-defined]
        return SafeString(partial.render(context))
