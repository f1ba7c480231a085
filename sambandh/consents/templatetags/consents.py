"""``{% consents_panel person %}``: the Consents section of a person's page (current state per
purpose and channel, the history, and the form to record one)."""

from __future__ import annotations

from typing import Any

from django import template
from django.template.loader import get_template
from django.utils.safestring import SafeString

register = template.Library()


@register.simple_tag(takes_context=True)
def consents_panel(context: template.Context, person: Any) -> SafeString:
    """The section for ``person`` (whom the page read through its selector), rendered with the
    page's context (its request and CSRF token)."""
    from sambandh.consents.views import panel_context

    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or person is None:
        return SafeString("")
    with context.push(**panel_context(viewer=user, person=person)):
        partial = get_template("consents/_panel.html").template  # type: ignore[attr-defined]
        return SafeString(partial.render(context))
