"""Recently viewed records, kept in the user's session (the last RECENT_MAX record pages they
opened) and shown on the home page through the policy: a record deleted or no longer visible
since simply drops out, and nothing of it is shown."""

from __future__ import annotations

from typing import Any

from sambandh.core import registry

RECENT_MAX = 8
SESSION_KEY = "recent_records"


def remember(request: Any, record_type: str, record_id: int) -> None:
    """Note that the user opened this record's page (the session is written only when the
    order changes)."""
    session = getattr(request, "session", None)
    if session is None:
        return
    key = [record_type, int(record_id)]
    seen = [k for k in session.get(SESSION_KEY, []) if isinstance(k, list) and len(k) == 2]
    if seen[:1] == [key]:
        return
    session[SESSION_KEY] = [key, *(k for k in seen if k != key)][:RECENT_MAX]


def recent_records(request: Any, limit: int = RECENT_MAX) -> list[tuple[registry.RecordType, Any]]:
    """The records the user opened last that they may still see, newest first: one query per
    record type among them."""
    keys = [k for k in request.session.get(SESSION_KEY, []) if isinstance(k, list) and len(k) == 2]
    wanted: dict[str, list[int]] = {}
    for record_type, record_id in keys:
        wanted.setdefault(str(record_type), []).append(int(record_id))
    found: dict[tuple[str, int], Any] = {}
    for record_type, ids in wanted.items():
        rt = registry.find(record_type)
        if rt is None or rt.visible is None:
            continue
        for record in rt.visible(request.user).filter(pk__in=ids):
            found[(record_type, record.pk)] = (rt, record)
    shown = [found[(str(t), int(i))] for t, i in keys if (str(t), int(i)) in found]
    return shown[:limit]
