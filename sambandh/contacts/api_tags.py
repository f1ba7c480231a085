"""/api/v1/tags: shared configuration. Everyone reads; writers create; admins and managers rename
and delete."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema, Status
from pydantic import Field

from sambandh.contacts import selectors, services_tags
from sambandh.contacts.api_organizations import viewer
from sambandh.contacts.api_people import ERRORS
from sambandh.contacts.models import Tag
from sambandh.contacts.schemas import TagIn, TagOut, TagPatch
from sambandh.core.api import expected_version, page_out, with_etag
from sambandh.core.listing import ListQuery
from sambandh.core.pagination import clamp_limit

router = Router(tags=["tags"])


def tag_out(tag: Tag) -> dict[str, Any]:
    return {"id": tag.pk, "version": tag.version, "name": tag.name, "color": tag.color}


class TagFilters(Schema):
    limit: int = Field(50, ge=1, le=200)
    cursor: str | None = Field(None, max_length=500)
    sort: str = Field("name", max_length=20, description=", ".join(selectors.TAG_SORTS))
    q: str | None = Field(None, max_length=60, description="Name contains")


class TagPage(Schema):
    items: list[TagOut]
    next: str | None


@router.get("", response={200: TagPage, **ERRORS})
def list_tags(request: HttpRequest, filters: Query[TagFilters]) -> Any:
    page = selectors.tag_page(
        query=ListQuery(
            filters={"q": filters.q or ""},
            sort=filters.sort,
            limit=clamp_limit(filters.limit),
            cursor=filters.cursor,
        ),
    )
    return page_out(page, tag_out)


@router.post("", response={201: TagOut, **ERRORS})
def create_tag(request: HttpRequest, response: HttpResponse, payload: TagIn) -> Any:
    tag = services_tags.tag_create(
        actor=viewer(request),
        name=payload.name,
        color=payload.color,
    )
    with_etag(response, tag.version)
    return Status(201, tag_out(tag))


@router.get("/{id:tag_id}", response={200: TagOut, **ERRORS})
def get_tag(request: HttpRequest, response: HttpResponse, tag_id: int) -> Any:
    tag = selectors.tag_get(tag_id=tag_id)
    with_etag(response, tag.version)
    return tag_out(tag)


@router.patch("/{id:tag_id}", response={200: TagOut, **ERRORS})
def update_tag(request: HttpRequest, response: HttpResponse, tag_id: int, payload: TagPatch) -> Any:
    tag = selectors.tag_get_for_update(viewer=viewer(request), tag_id=tag_id)
    tag = services_tags.tag_update(
        actor=viewer(request),
        tag=tag,
        version=expected_version(request, payload.version),
        name=payload.name,
        color=payload.color,
    )
    with_etag(response, tag.version)
    return tag_out(tag)


@router.delete("/{id:tag_id}", response={204: None, **ERRORS})
def delete_tag(request: HttpRequest, tag_id: int, version: int | None = None) -> Any:
    tag = selectors.tag_get_for_update(viewer=viewer(request), tag_id=tag_id)
    services_tags.tag_delete(
        actor=viewer(request),
        tag=tag,
        version=expected_version(request, version),
    )
    return Status(204, None)
