"""The order names sort in for the viewer's language.

On PostgreSQL the name columns are in the ICU root collation (migration 0005): CLDR's default
order for every script, indexed, which is already right for English, German, French and
Portuguese. Languages whose CLDR order differs from it (Spanish puts ñ after n; Telugu,
Gujarati, Hindi, Arabic and Japanese put their own script first) sort a list by their own
collation at query time, ``full_name COLLATE "sambandh_es"``: that has no index, so the
database reads the visible rows and keeps the first page (a top-N sort), where the root order
reads only the page from its index. One expression index per language and per list would
cost each write several index updates and tens of MB per million rows; see
docs/architecture.md, "Names and sorting". SQLite has no ICU: it sorts by code point.

``TAILORED_NAME_SORT=false`` (settings) keeps every viewer on the indexed root order, for an
installation whose lists hold hundreds of thousands of rows for viewers in those languages (an
administrator's whole list of a million people would take about 1.5 s to sort).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models.functions import Collate
from django.utils.translation import get_language

#: The interface languages whose CLDR collation is not the root one (created by migration 0005).
TAILORED = ("te", "gu", "hi", "es", "ja", "ar")


def viewer_collation() -> str:
    """The collation a list is sorted in for the active language ("" for the column's own)."""
    if connection.vendor != "postgresql" or not settings.TAILORED_NAME_SORT:
        return ""
    base = (get_language() or "").split("-")[0].lower()
    return f"sambandh_{base}" if base in TAILORED else ""


def collated_name_order(qs: Any, order: list[str], field: str) -> tuple[Any, list[str]]:
    """``qs`` and ``order`` with the name ``field`` compared in the viewer's collation (the
    cursor of the next page compares in it too, through the annotation)."""
    collation = viewer_collation()
    if not collation or not order or order[0].lstrip("-") != field:
        return qs, order
    qs = qs.annotate(name_key=Collate(field, collation))
    sign = "-" if order[0].startswith("-") else ""
    return qs, [f"{sign}name_key", *order[1:]]
