"""Which fields an administrator marked sensitive (``core.models.SensitiveField``), read at
most once per request and record type: a read that showed one is audited
(sambandh/history/sensitive.py)."""

from __future__ import annotations

from typing import Any

from sambandh.core.models import SensitiveField

CACHE_ATTR = "_sambandh_sensitive_fields"


def prime_sensitive(viewer: Any, record_type: str, marked: bool) -> None:
    """For a statement that has read, along with its record, whether the record type has any
    field marked (the API's person read): when none, no statement more is needed."""
    if not marked and viewer is not None:
        cache = getattr(viewer, CACHE_ATTR, None)
        if cache is None:
            cache = {}
            setattr(viewer, CACHE_ATTR, cache)
        cache[record_type] = frozenset()


def sensitive_fields(record_type: str, viewer: Any = None) -> frozenset[str]:
    """The names of the fields of ``record_type`` marked sensitive (one query, remembered on
    ``viewer`` for the request when given)."""
    cache = getattr(viewer, CACHE_ATTR, None) if viewer is not None else None
    if cache is not None and record_type in cache:
        return frozenset(cache[record_type])
    found = frozenset(
        SensitiveField.objects.filter(record_type=record_type).values_list("field", flat=True)
    )
    if viewer is not None:
        if cache is None:
            cache = {}
            setattr(viewer, CACHE_ATTR, cache)
        cache[record_type] = found
    return found
