"""Pages and htmx fragments for activities: the inline composer, timelines, tasks."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sambandh.accounts.selectors import user_list
from sambandh.activities import selectors, services
from sambandh.activities.forms import (
    COMPOSER_KINDS,
    ActivityEditForm,
    ComposerForm,
    composer_form,
    panel_context,
    timeline_filter_from,
    timeline_filter_query,
    timeline_record,
)
from sambandh.activities.models import Activity
from sambandh.activities.selectors import timeline
from sambandh.core import registry
from sambandh.core.errors import Conflict, ServiceError, ValidationFailed
from sambandh.core.sensitive import note_answered_anyway
from sambandh.web.forms import apply_service_errors
from sambandh.web.http import AuthedRequest, is_htmx, page, safe_next
from sambandh.web.records import posted_version, record_for_edit, save_form


def record_url(record_type: str, record_id: Any) -> str:
    return registry.get(record_type).url(record_id)


def _users(request: AuthedRequest) -> list[Any]:
    return list(user_list(viewer=request.user))


def _tasks_response(request: AuthedRequest, form: ComposerForm | None = None, status: int = 200):
    return render(
        request,
        "activities/_my_tasks_body.html",
        _my_tasks_context(request, form=form),
        status=status,
    )


@page
@require_http_methods(["GET", "POST"])
def activity_create(request: AuthedRequest) -> HttpResponse:
    """GET: the composer for one kind (the composer's tabs). POST: add the activity, then answer
    the re-rendered panel (composer + timeline), or the task list when it came from "My tasks"."""
    source = request.POST if request.method == "POST" else request.GET
    record_type = source.get("record_type", "")
    record_id = source.get("record_id")
    from_tasks = source.get("panel") == "tasks"
    record = None
    if record_type:
        record = timeline_record(viewer=request.user, record_type=record_type, record_id=record_id)
    kind = source.get("kind", "note")
    users = _users(request) if kind == Activity.Kind.TASK else []

    if request.method == "GET":
        composer = composer_form(
            viewer=request.user,
            record_type=record_type,
            record_id=record.pk if record else None,
            kind=kind,
            users=users,
        )
        return render(
            request,
            "activities/_composer.html",
            {
                "composer": composer,
                "record": record,
                "record_type": record_type,
                "composer_kinds": COMPOSER_KINDS,
            },
        )

    if not request.user.can_write:
        raise PermissionDenied(_("Your role can read records but not change them."))
    bound = ComposerForm(request.POST, viewer=request.user, users=users)
    saved, status = False, 422
    if bound.is_valid():
        try:
            services.activity_create(actor=request.user, data=bound.to_service())
        except ValidationFailed as exc:
            apply_service_errors(bound, exc)
        else:
            saved, status = True, 200
    if saved and not is_htmx(request):
        messages.success(request, _("Saved."))
        if from_tasks or record is None:
            return redirect("activities:my_tasks")
        return redirect(record_url(record_type, record.pk) + f"?composer={kind}")
    # After a save the composer starts empty again; after an error it keeps what was typed.
    form = None if saved else bound
    if form is not None and not is_htmx(request):
        for message in [*form.non_field_errors(), *[e for f in form for e in f.errors]]:
            messages.error(request, message)
        if from_tasks or record is None:
            return redirect("activities:my_tasks")
        return redirect(record_url(record_type, record.pk) + f"?composer={kind}")
    if from_tasks or record is None:
        return _tasks_response(request, form=form, status=status)
    ctx = panel_context(
        viewer=request.user,
        record=record,
        record_type=record_type,
        kind=kind,
        form=form,
        users=users,
    )
    if form is None:
        ctx["saved_message"] = _("Added to the timeline.")
    return render(request, "activities/_panel.html", ctx, status=status)


@page
@require_GET
def timeline_page(request: AuthedRequest, record_type: str, record_id: int) -> HttpResponse:
    """Older timeline entries ("Load older"), as list items that replace the button."""
    record = timeline_record(viewer=request.user, record_type=record_type, record_id=record_id)
    only = timeline_filter_from(request.GET)
    try:
        tl = timeline(
            viewer=request.user, record=record, before=request.GET.get("before") or None, only=only
        )
    except ValidationFailed:
        tl = timeline(viewer=request.user, record=record, only=only)
    return render(
        request,
        "activities/_timeline_items.html",
        {
            "timeline": tl,
            "timeline_filter_query": timeline_filter_query(only),
            "record": record,
            "record_type": record_type,
        },
    )


@page
@require_POST
def task_toggle(request: AuthedRequest, activity_id: int) -> HttpResponse:
    """Mark a task done or not done (``done`` present means done)."""
    task = selectors.activity_get_for_update(
        viewer=request.user,
        activity_id=activity_id,
        kind=Activity.Kind.TASK,
    )
    done = request.POST.get("done") in ("1", "on", "true")
    try:
        task = services.task_complete(
            actor=request.user, task=task, done=done, version=posted_version(request)
        )
    except Conflict as exc:
        # Someone changed the task since this page was loaded: show it as it is now.
        messages.error(request, exc.message)
        if not is_htmx(request):
            return redirect(safe_next(request, reverse("activities:my_tasks")))
    task = selectors.activity_get(viewer=request.user, activity_id=task.pk)
    if not is_htmx(request):
        return redirect(safe_next(request, reverse("activities:my_tasks")))
    if request.POST.get("view") == "tasks":
        selectors.note_task_rows(request.user, [task], via="list")
        return render(request, "activities/_task_row.html", {"task": task})
    entry = selectors.TimelineEntry(at=task.occurred_at, kind=task.kind, activity=task)
    selectors.note_activities_shown(request.user, [task], via="timeline")  # as stored
    return render(request, "activities/_entry.html", {"entry": entry})


@page
@require_POST
def activity_delete(request: AuthedRequest, activity_id: int) -> HttpResponse:
    activity = selectors.activity_get_for_update(viewer=request.user, activity_id=activity_id)
    try:
        services.activity_delete(
            actor=request.user, activity=activity, version=posted_version(request)
        )
    except Conflict as exc:
        if is_htmx(request):
            activity = selectors.activity_get(viewer=request.user, activity_id=activity_id)
            entry = selectors.TimelineEntry(
                at=activity.occurred_at, kind=activity.kind, activity=activity
            )
            # The entry as it is now, beside the conflict: a read of what it shows.
            selectors.note_activities_shown(request.user, [activity], via="timeline")
            note_answered_anyway(request.user)
            return render(
                request,
                "activities/_entry.html",
                {"entry": entry, "conflict": exc.message},
                status=409,
            )
        messages.error(request, exc.message)
        return redirect(safe_next(request, reverse("activities:my_tasks")))
    if is_htmx(request):
        return HttpResponse("")
    messages.success(request, _("Deleted."))
    return redirect(safe_next(request, reverse("activities:my_tasks")))


@page
@require_POST
def note_pin(request: AuthedRequest, activity_id: int) -> HttpResponse:
    """Pin a note to the top of its timelines (``pinned=1``) or unpin it (``pinned=0``)."""
    activity = selectors.activity_get_for_update(viewer=request.user, activity_id=activity_id)
    pinned = request.POST.get("pinned") == "1"
    try:
        services.note_pin(
            actor=request.user, activity=activity, pinned=pinned, version=posted_version(request)
        )
    except ServiceError as exc:
        messages.error(request, exc.message if not exc.fields else " ".join(exc.fields.values()))
    else:
        messages.success(request, _("Pinned to the top.") if pinned else _("Unpinned."))
    return redirect(safe_next(request, reverse("activities:my_tasks")))


@page
@require_http_methods(["GET", "POST"])
def activity_edit(request: AuthedRequest, activity_id: int) -> HttpResponse:
    """Edit a note, call, meeting or task, at the version it was loaded: a stale save shows the
    conflict and keeps what was typed."""
    activity = record_for_edit(
        request,
        "activity",
        activity_id,
        lambda: selectors.activity_get_for_update(viewer=request.user, activity_id=activity_id),
    )
    users = _users(request) if activity.kind == Activity.Kind.TASK else []
    link = getattr(activity, "record_link", None)
    back = link.url if link is not None else reverse("activities:my_tasks")
    if request.method == "GET":
        form = ActivityEditForm(viewer=request.user, users=users, instance=activity)
        status = 200
    else:
        form = ActivityEditForm(request.POST, viewer=request.user, users=users, instance=activity)
        saved, status = save_form(
            form,
            lambda data: services.activity_update(
                actor=request.user,
                activity=activity,
                data=data,
                version=form.cleaned_data.get("version"),
            ),
        )
        if saved is not None:
            messages.success(request, _("Changes saved."))
            return redirect(safe_next(request, back))
    return render(
        request,
        "activities/activity_form.html",
        {
            "form": form,
            "activity": activity,
            "back_url": back,
            "conflict": status == 409,
            "plan": _meeting_plan(request, activity),
        },
        status=status,
    )


def _meeting_plan(request: AuthedRequest, activity: Activity) -> dict[str, Any] | None:
    """A meeting's participants' local times and the day's shared working hours (``?day=``
    picks another day; a malformed one is the meeting's own)."""
    if activity.kind != Activity.Kind.MEETING:
        return None
    from sambandh.activities.scheduling import meeting_plan, parse_day
    from sambandh.core.dates_input import parse_date_input
    from sambandh.web.date_inputs import posted_day

    day = None
    text = posted_day(request.GET, "day")
    if text:
        try:
            # The picker sends ISO; without the script, the day as the user typed it.
            day = parse_day(text) if len(text) == 10 and text[4] == "-" else parse_date_input(text)
        except ServiceError:
            day = None
    return meeting_plan(activity, day)


#: Tasks shown per section of "My tasks", soonest first (a section with more says "25+").
MY_TASKS_SHOWN = 25


def _my_tasks_context(request: AuthedRequest, form: ComposerForm | None = None) -> dict[str, Any]:
    tasks = selectors.my_tasks(viewer=request.user, limit=MY_TASKS_SHOWN)
    sections = [
        ("overdue", _("Overdue"), tasks.overdue),
        ("today", _("Today"), tasks.today),
        ("upcoming", _("Upcoming"), tasks.upcoming),
        ("undated", _("No date"), tasks.undated),
    ]
    if form is None:
        form = composer_form(viewer=request.user, kind=Activity.Kind.TASK)
    selectors.note_task_rows(
        request.user, [t for _key, _label, items in sections for t in items], via="list"
    )
    return {
        "sections": sections,
        "open_count": sum(len(items) for _key, _label, items in sections),
        "section_limit": MY_TASKS_SHOWN,
        "task_form": form,
    }


@page
@require_GET
def my_tasks(request: AuthedRequest) -> HttpResponse:
    return render(request, "activities/my_tasks.html", _my_tasks_context(request))
