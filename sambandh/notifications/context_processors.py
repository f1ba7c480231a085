from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from sambandh.notifications.selectors import unread_count


def notifications(request: HttpRequest) -> dict[str, Any]:
    """The unread count for the bell in the top bar (one indexed COUNT, asked only when a
    template shows it)."""
    user = getattr(request, "user", None)
    counted: dict[str, int] = {}

    def count() -> int:
        if "n" not in counted:
            counted["n"] = unread_count(user)
        return counted["n"]

    return {"unread_notifications": count}
