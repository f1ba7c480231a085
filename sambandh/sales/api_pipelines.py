"""/api/v1/pipelines: shared configuration with ordered stages. Everyone reads; admins and
managers write."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema, Status
from pydantic import Field

from sambandh.core.api import expected_version, page_out, with_etag
from sambandh.core.listing import ListQuery
from sambandh.core.pagination import clamp_limit
from sambandh.sales import selectors, services
from sambandh.sales.api_deals import ERRORS, viewer
from sambandh.sales.models import Pipeline
from sambandh.sales.schemas import PipelineIn, PipelineOut, PipelinePatch, PipelineStageIn

router = Router(tags=["pipelines"])


def pipeline_out(p: Pipeline) -> dict[str, Any]:
    return {
        "id": p.pk,
        "version": p.version,
        "name": p.name,
        "is_default": p.is_default,
        "position": p.position,
        "is_archived": p.is_archived,
        "stages": [
            {
                "id": s.pk,
                "name": s.name,
                "probability": s.probability,
                "kind": s.kind,
                "position": s.position,
            }
            for s in p.active_stages  # type: ignore[attr-defined]
        ],
        "created_at": p.created_at,
        "updated_at": p.updated_at,
    }


def _stages(items: list[PipelineStageIn] | None) -> list[services.StageIn] | None:
    if items is None:
        return None
    return [
        services.StageIn(name=s.name, probability=s.probability, kind=s.kind, id=s.id)
        for s in items
    ]


class PipelineFilters(Schema):
    limit: int = Field(50, ge=1, le=200)
    cursor: str | None = Field(None, max_length=500)
    sort: str = Field("position", max_length=20, description=", ".join(selectors.PIPELINE_SORTS))
    include_archived: bool = False


class PipelinePage(Schema):
    items: list[PipelineOut]
    next: str | None


@router.get("", response={200: PipelinePage, **ERRORS})
def list_pipelines(request: HttpRequest, filters: Query[PipelineFilters]) -> Any:
    page = selectors.pipeline_page(
        query=ListQuery(
            filters={"include_archived": filters.include_archived},
            sort=filters.sort,
            limit=clamp_limit(filters.limit),
            cursor=filters.cursor,
        ),
    )
    return page_out(page, pipeline_out)


@router.post("", response={201: PipelineOut, **ERRORS})
def create_pipeline(request: HttpRequest, response: HttpResponse, payload: PipelineIn) -> Any:
    pipeline = services.pipeline_create(
        actor=viewer(request),
        name=payload.name,
        stages=_stages(payload.stages) or [],
        is_default=payload.is_default,
    )
    pipeline = selectors.pipeline_get(pipeline_id=pipeline.pk)
    with_etag(response, pipeline.version)
    return Status(201, pipeline_out(pipeline))


@router.get("/{id:pipeline_id}", response={200: PipelineOut, **ERRORS})
def get_pipeline(request: HttpRequest, response: HttpResponse, pipeline_id: int) -> Any:
    pipeline = selectors.pipeline_get(pipeline_id=pipeline_id)
    with_etag(response, pipeline.version)
    return pipeline_out(pipeline)


@router.patch("/{id:pipeline_id}", response={200: PipelineOut, **ERRORS})
def update_pipeline(
    request: HttpRequest, response: HttpResponse, pipeline_id: int, payload: PipelinePatch
) -> Any:
    pipeline = selectors.pipeline_get_for_update(viewer=viewer(request), pipeline_id=pipeline_id)
    services.pipeline_update(
        actor=viewer(request),
        pipeline=pipeline,
        version=expected_version(request, payload.version),
        name=payload.name,
        stages=_stages(payload.stages),
        is_default=payload.is_default,
    )
    pipeline = selectors.pipeline_get(pipeline_id=pipeline_id)
    with_etag(response, pipeline.version)
    return pipeline_out(pipeline)


@router.delete("/{id:pipeline_id}", response={204: None, **ERRORS})
def delete_pipeline(request: HttpRequest, pipeline_id: int, version: int | None = None) -> Any:
    pipeline = selectors.pipeline_get_for_update(viewer=viewer(request), pipeline_id=pipeline_id)
    services.pipeline_delete(
        actor=viewer(request),
        pipeline=pipeline,
        version=expected_version(request, version),
    )
    return Status(204, None)
