"""GET /api/v1/search: the global search, as the viewer may see it."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from sambandh.core.api import ErrorOut
from sambandh.core.errors import ValidationFailed
from sambandh.search import selectors

router = Router(tags=["search"])
ERRORS: dict[int, Any] = {k: ErrorOut for k in (401, 422)}


class SearchParams(Schema):
    q: str = Field(..., min_length=1, max_length=200, description="What to look for.")
    types: list[str] | None = Field(
        None,
        max_length=10,
        description="Record types to search, comma-separated or repeated: "
        + "person, organization, deal, lead (and every searchable record type declared)"
        + ". All of them when absent.",
    )
    limit: int = Field(10, ge=1, le=selectors.MAX_LIMIT)


class SearchItem(Schema):
    type: str
    id: int
    title: str
    subtitle: str
    url: str


class SearchPage(Schema):
    items: list[SearchItem]
    next: str | None = None


def _types(raw: list[str] | None) -> list[str] | None:
    if not raw:
        return None
    wanted = [part.strip() for item in raw for part in item.split(",") if part.strip()]
    known = selectors.record_types()
    unknown = [name for name in wanted if name not in known]
    if unknown:
        raise ValidationFailed(
            fields={
                "types": _("Unknown record type “%(name)s”. Use: %(types)s.")
                % {"name": unknown[0][:40], "types": ", ".join(known)}
            }
        )
    return wanted or None


@router.get("", response={200: SearchPage, **ERRORS}, summary="Search records")
def search(request: HttpRequest, params: Query[SearchParams]) -> dict[str, Any]:
    """People, organizations, deals and leads matching `q` by name, email, domain or phone."""
    hits = selectors.search(
        viewer=request.user, q=params.q, types=_types(params.types), limit=params.limit
    )
    items = [
        {
            "type": h.record_type,
            "id": h.record_id,
            "title": h.title,
            "subtitle": h.subtitle,
            "url": h.url,
        }
        for h in hits
    ]
    return {"items": items, "next": None}
