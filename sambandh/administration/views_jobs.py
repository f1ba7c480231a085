"""Settings › Jobs: the scheduled jobs (schedule, last run, next slot, recent failures) and the
handler runs that failed, each with its error and a retry."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from sambandh.administration.views import admin_page, render_tab
from sambandh.core.errors import ServiceError
from sambandh.events import selectors, services
from sambandh.web.http import AuthedRequest


@admin_page
@require_GET
def jobs(request: AuthedRequest) -> HttpResponse:
    return render_tab(
        request,
        "administration/jobs.html",
        "jobs",
        {"jobs": selectors.jobs_overview(), "failed_runs": selectors.handler_runs_failed()},
    )


@admin_page
@require_POST
def handler_run_retry(request: AuthedRequest, run_id: int) -> HttpResponse:
    try:
        run = services.handler_run_retry(actor=request.user, run_id=run_id)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("%(handler)s will run again shortly.") % {"handler": run.handler}
        )
    return redirect("administration:jobs")
