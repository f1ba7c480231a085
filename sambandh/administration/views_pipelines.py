"""Settings › Pipelines: the list, a pipeline with its ordered stages (rows added, removed and
moved by plain form buttons, so no script is needed), the default, and deleting one. Every
write is a ``sales`` service."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sambandh.administration.forms import (
    KINDS,
    PipelineForm,
    StageRow,
    apply_row_action,
    parse_stage_rows,
    place_stage_errors,
    stage_rows_of,
    stages_for_service,
)
from sambandh.administration.views import admin_page, render_tab
from sambandh.core.errors import Conflict, ValidationFailed
from sambandh.sales import selectors, services
from sambandh.sales.models import Stage
from sambandh.web.forms import apply_service_errors
from sambandh.web.http import AuthedRequest
from sambandh.web.records import posted_version


@admin_page
@require_GET
def pipelines(request: AuthedRequest) -> HttpResponse:
    items = selectors.pipeline_list()
    counts = selectors.pipeline_deal_counts(viewer=request.user)
    for pipeline in items:
        pipeline.deal_count = counts.get(pipeline.pk, 0)  # type: ignore[attr-defined]
    return render_tab(request, "administration/pipelines.html", "pipelines", {"pipelines": items})


def _new_rows() -> list[StageRow]:
    return [
        StageRow(name=_("Qualified"), probability="10"),
        StageRow(name=_("Proposal"), probability="50"),
        StageRow(name=_("Won"), probability="100", kind=Stage.Kind.WON),
        StageRow(name=_("Lost"), probability="0", kind=Stage.Kind.LOST),
    ]


@admin_page
@require_http_methods(["GET", "POST"])
def pipeline_create(request: AuthedRequest) -> HttpResponse:
    return _pipeline_form(request, None)


@admin_page
@require_http_methods(["GET", "POST"])
def pipeline_edit(request: AuthedRequest, pipeline_id: int) -> HttpResponse:
    pipeline = selectors.pipeline_get_for_update(viewer=request.user, pipeline_id=pipeline_id)
    return _pipeline_form(request, pipeline)


def _pipeline_form(request: AuthedRequest, pipeline: Any) -> HttpResponse:
    if request.method == "GET":
        if pipeline is None:
            form = PipelineForm()
            rows = _new_rows()
        else:
            form = PipelineForm(
                initial={
                    "name": pipeline.name,
                    "is_default": pipeline.is_default,
                    "version": pipeline.version,
                }
            )
            rows = stage_rows_of(pipeline)
        return _form_page(request, pipeline, form, rows)

    form = PipelineForm(request.POST)
    rows = parse_stage_rows(request.POST)
    action = request.POST.get("action", "save")
    if action != "save":
        # A row was added, removed or moved: show the result; nothing is saved until "Save".
        form.is_valid()
        form.errors.clear()
        moved = apply_row_action(rows, action)
        return _form_page(request, pipeline, form, rows, unsaved=moved)

    stages = stages_for_service(rows)
    if not form.is_valid():
        return _form_page(request, pipeline, form, rows, status=422)
    data = form.cleaned_data
    try:
        if pipeline is None:
            saved = services.pipeline_create(
                actor=request.user, name=data["name"], stages=stages, is_default=data["is_default"]
            )
        else:
            saved = services.pipeline_update(
                actor=request.user,
                pipeline=pipeline,
                version=data.get("version"),
                name=data["name"],
                stages=stages,
                is_default=True if data["is_default"] else None,
            )
    except (Conflict, ValidationFailed) as exc:
        rest = place_stage_errors(rows, exc.fields)
        apply_service_errors(form, type(exc)(exc.message, fields=rest))
        return _form_page(request, pipeline, form, rows, status=exc.status)
    messages.success(request, _("The pipeline %(name)s was saved.") % {"name": saved.name})
    return redirect("administration:pipelines")


def _form_page(
    request: AuthedRequest,
    pipeline: Any,
    form: PipelineForm,
    rows: list[StageRow],
    *,
    status: int = 200,
    unsaved: bool = False,
) -> HttpResponse:
    reload_url = (
        reverse("administration:pipeline_edit", args=[pipeline.pk]) if pipeline is not None else ""
    )
    return render_tab(
        request,
        "administration/pipeline_form.html",
        "pipelines",
        {
            "pipeline": pipeline,
            "form": form,
            "rows": rows,
            "kinds": KINDS,
            "max_stages": services.MAX_STAGES,
            "unsaved": unsaved,
            "conflict": status == 409,
            "reload_url": reload_url,
        },
        status=status,
    )


@admin_page
@require_POST
def pipeline_make_default(request: AuthedRequest, pipeline_id: int) -> HttpResponse:
    pipeline = selectors.pipeline_get_for_update(viewer=request.user, pipeline_id=pipeline_id)
    try:
        services.pipeline_update(
            actor=request.user,
            pipeline=pipeline,
            version=posted_version(request),
            is_default=True,
        )
    except Conflict as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("New deals now start in %(name)s.") % {"name": pipeline.name})
    return redirect("administration:pipelines")


@admin_page
@require_http_methods(["GET", "POST"])
def pipeline_delete(request: AuthedRequest, pipeline_id: int) -> HttpResponse:
    pipeline = selectors.pipeline_get_for_update(viewer=request.user, pipeline_id=pipeline_id)
    edit_url = reverse("administration:pipeline_edit", args=[pipeline.pk])
    if request.method == "POST":
        try:
            services.pipeline_delete(
                actor=request.user, pipeline=pipeline, version=posted_version(request)
            )
        except (Conflict, ValidationFailed) as exc:
            messages.error(request, exc.message)
            return redirect(edit_url)
        messages.success(request, _("The pipeline %(name)s was deleted.") % {"name": pipeline.name})
        return redirect("administration:pipelines")
    return render_tab(
        request,
        "administration/confirm.html",
        "pipelines",
        {
            "title": _("Delete the pipeline %(name)s?") % {"name": pipeline.name},
            "text": _("Its stages are deleted with it. This cannot be undone."),
            "cancel_url": edit_url,
            "version": pipeline.version,
        },
    )
