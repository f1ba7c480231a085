from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from sambandh.web.nav import active_view_name, nav_items


def shell(request: HttpRequest) -> dict[str, Any]:
    """The sidebar entries for base.html, each a dict with url, label, icon and active: those
    the signed-in user may see."""
    user = getattr(request, "user", None)
    items = [item for item in nav_items() if item.shown_to(user)]
    match = getattr(request, "resolver_match", None)
    namespace = (match.namespace or "") if match else ""
    url_name = (match.url_name or "") if match else ""
    active = active_view_name(items, namespace, url_name)
    entries = []
    for item in items:
        url = item.url
        if url is None:
            continue
        entries.append(
            {
                "view_name": item.view_name,
                "url": url,
                "label": item.label,
                "icon": item.icon,
                "active": item.view_name == active,
            }
        )
    return {"nav_items": entries}
