"""/api/v1/tasks: the activities of kind ``task``, listed by due time, with complete and reopen."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Status
from pydantic import Field

from sambandh.activities import selectors, services
from sambandh.activities.api_activities import (
    ERRORS,
    ActivityPage,
    LinkFilters,
    activity_out,
    list_query,
    viewer,
)
from sambandh.activities.models import Activity
from sambandh.activities.schemas import ActivityOut, TaskIn, TaskPatch, VersionIn
from sambandh.core.api import expected_version, page_out, with_etag
from sambandh.core.sensitive import note_listed

router = Router(tags=["tasks"])
TASK = Activity.Kind.TASK


class TaskFilters(LinkFilters):
    sort: str = Field("due", max_length=20, description=", ".join(selectors.TASK_SORTS))


def _answer(request: HttpRequest, response: HttpResponse, task_id: int) -> dict[str, Any]:
    task = selectors.activity_get(viewer=viewer(request), activity_id=task_id, kind=TASK)
    with_etag(response, task.version)
    return activity_out(task)


@router.get("", response={200: ActivityPage, **ERRORS}, exclude_unset=True)
def list_tasks(request: HttpRequest, filters: Query[TaskFilters]) -> Any:
    """Tasks by due time (soonest first); tasks without a due date come after the dated ones."""
    page = selectors.task_list(
        viewer=viewer(request),
        query=list_query(filters, filters.sort),
    )
    note_listed(viewer(request), "activity", page.items)
    return page_out(page, activity_out)


@router.post("", response={201: ActivityOut, **ERRORS}, exclude_unset=True)
def create_task(request: HttpRequest, response: HttpResponse, payload: TaskIn) -> Any:
    task = services.activity_create(actor=viewer(request), data=payload)
    return Status(201, _answer(request, response, task.pk))


@router.get("/{id:task_id}", response={200: ActivityOut, **ERRORS}, exclude_unset=True)
def get_task(request: HttpRequest, response: HttpResponse, task_id: int) -> Any:
    return _answer(request, response, task_id)


@router.patch("/{id:task_id}", response={200: ActivityOut, **ERRORS}, exclude_unset=True)
def update_task(
    request: HttpRequest, response: HttpResponse, task_id: int, payload: TaskPatch
) -> Any:
    task = selectors.activity_get_for_update(viewer=viewer(request), activity_id=task_id, kind=TASK)
    version = expected_version(request, payload.version)
    services.activity_update(actor=viewer(request), activity=task, data=payload, version=version)
    return _answer(request, response, task_id)


@router.delete("/{id:task_id}", response={204: None, **ERRORS})
def delete_task(request: HttpRequest, task_id: int, version: int | None = None) -> Any:
    task = selectors.activity_get_for_update(viewer=viewer(request), activity_id=task_id, kind=TASK)
    services.activity_delete(
        actor=viewer(request),
        activity=task,
        version=expected_version(request, version),
    )
    return Status(204, None)


def _set_done(
    request: HttpRequest,
    response: HttpResponse,
    task_id: int,
    payload: VersionIn | None,
    done: bool,
) -> dict[str, Any]:
    task = selectors.activity_get_for_update(viewer=viewer(request), activity_id=task_id, kind=TASK)
    services.task_complete(
        actor=viewer(request),
        task=task,
        done=done,
        version=expected_version(request, payload.version if payload else None),
    )
    return _answer(request, response, task_id)


@router.post("/{id:task_id}/complete", response={200: ActivityOut, **ERRORS}, exclude_unset=True)
def complete_task(
    request: HttpRequest, response: HttpResponse, task_id: int, payload: VersionIn | None = None
) -> Any:
    """Mark the task done. The body may be left out when If-Match carries the version."""
    return _set_done(request, response, task_id, payload, True)


@router.post("/{id:task_id}/reopen", response={200: ActivityOut, **ERRORS}, exclude_unset=True)
def reopen_task(
    request: HttpRequest, response: HttpResponse, task_id: int, payload: VersionIn | None = None
) -> Any:
    """Mark the task not done. The body may be left out when If-Match carries the version."""
    return _set_done(request, response, task_id, payload, False)
