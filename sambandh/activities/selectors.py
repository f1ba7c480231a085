"""Reads for activities, tasks and the timelines of people, organizations and deals."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db.models import DateTimeField, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from sambandh.accounts.models import User
from sambandh.accounts.visibility import editable_q, scope_for, visible_q
from sambandh.activities.models import NO_DUE_DATE, Activity
from sambandh.contacts.models import Organization, Person
from sambandh.core.cleaning import clean_datetime
from sambandh.core.errors import Forbidden, NotFound, ValidationFailed
from sambandh.core.expressions import InlineValue
from sambandh.core.ids import MAX_ID, parse_id
from sambandh.core.listing import ListQuery, sort_order
from sambandh.core.pagination import Page, paginate
from sambandh.sales.models import Deal, Lead, StageChange

ACTIVITY_SORTS = {
    "-occurred": ["-occurred_at", "-id"],
    "occurred": ["occurred_at", "id"],
    "-created": ["-created_at", "-id"],
}
TASK_SORTS = {
    # Tasks without a due date sort after every dated one (see _with_due_sort).
    "due": ["due_sort", "id"],
    "-due": ["-due_sort", "-id"],
    "-created": ["-created_at", "-id"],
}


def _visibility(viewer: User, *, editable: bool = False) -> Q:
    """An activity is seen by whoever may see its owner's records, its assignee, or whoever may
    see a record it is on. The record's rule is applied through the activity's link to it (its
    owner joined by primary key, its shares by id), not as "in the set of every visible person":
    that set is half a million ids for a rep on a large database, too many to hash, and
    checking each activity against it never finishes."""
    rule = editable_q if editable else visible_q
    scope = scope_for(viewer)
    if scope.everything:
        return rule(viewer, "activity")
    q = rule(viewer, "activity") | Q(assignee_id=viewer.pk)
    for record_type, link in (
        ("person", "person"),
        ("organization", "organization"),
        ("deal", "deal"),
        ("lead", "lead"),
    ):
        q |= rule(viewer, record_type, owner_field=f"{link}__owner_id", id_field=f"{link}_id")
    return q


def activities_visible(viewer: User) -> QuerySet[Activity]:
    return Activity.objects.filter(_visibility(viewer))


def _filters(qs: QuerySet[Activity], f: dict[str, Any]) -> QuerySet[Activity]:
    for name in ("person_id", "organization_id", "deal_id", "lead_id", "assignee_id", "owner_id"):
        if value := f.get(name):
            qs = qs.filter(**{name: parse_id(value, name)})
    if kind := f.get("kind"):
        if kind not in Activity.Kind.values:
            raise ValidationFailed(fields={"kind": _("Not an activity kind.")})
        qs = qs.filter(kind=kind)
    if (done := f.get("done")) is not None and done != "":
        qs = qs.filter(done_at__isnull=str(done).lower() not in ("1", "true", "yes"))
    return qs


# What a list shows with each activity. The owner is fetched apart (one query a page): joined
# (it is never null, so the join is an inner one), SQLite's planner starts from the small users
# table and sorts every activity.
_LIST_JOINS = ("assignee", "person", "organization", "deal", "lead")


def activity_list(*, viewer: User, query: ListQuery) -> Page[Activity]:
    qs = _filters(activities_visible(viewer), query.filters)
    qs = qs.select_related(*_LIST_JOINS).prefetch_related("owner")
    return paginate(
        qs,
        order=sort_order(query.sort, ACTIVITY_SORTS, "-occurred"),
        limit=query.limit,
        cursor=query.cursor,
    )


def task_list(*, viewer: User, query: ListQuery) -> Page[Activity]:
    qs = _filters(activities_visible(viewer).filter(kind=Activity.Kind.TASK), query.filters)
    # Written as activity_task_due_idx is built, so the index orders the page.
    due_sort = Coalesce("due_at", InlineValue(NO_DUE_DATE, output_field=DateTimeField()))
    qs = qs.annotate(due_sort=due_sort)
    qs = qs.select_related(*_LIST_JOINS).prefetch_related("owner")
    return paginate(
        qs, order=sort_order(query.sort, TASK_SORTS, "due"), limit=query.limit, cursor=query.cursor
    )


def activity_get(*, viewer: User, activity_id: int, kind: str | None = None) -> Activity:
    qs = activities_visible(viewer).select_related(
        "owner", "assignee", "person", "organization", "deal", "lead"
    )
    if kind:
        qs = qs.filter(kind=kind)
    activity = qs.filter(pk=activity_id).first()
    if activity is None:
        raise NotFound(_("No such activity."))
    return activity


def activity_get_for_update(*, viewer: User, activity_id: int, kind: str | None = None) -> Activity:
    activity = activity_get(viewer=viewer, activity_id=activity_id, kind=kind)
    if not Activity.objects.filter(_visibility(viewer, editable=True), pk=activity.pk).exists():
        raise Forbidden()
    return activity


@dataclass
class MyTasks:
    overdue: list[Activity]
    today: list[Activity]
    upcoming: list[Activity]
    undated: list[Activity]


def my_tasks(*, viewer: User, now: datetime | None = None, limit: int = 100) -> MyTasks:
    """Open tasks assigned to the viewer, split by the viewer's own calendar day."""
    now = timezone.localtime(now or timezone.now())
    start_of_day = now.replace(hour=0, minute=0, second=0, microsecond=0)
    end_of_day = start_of_day + timedelta(days=1)
    open_tasks = Activity.objects.filter(
        kind=Activity.Kind.TASK, assignee=viewer, done_at__isnull=True
    )
    related = ("person", "organization", "deal", "lead")
    return MyTasks(
        overdue=list(
            open_tasks.filter(due_at__lt=now)
            .select_related(*related)
            .order_by("due_at", "id")[:limit]
        ),
        today=list(
            open_tasks.filter(due_at__gte=now, due_at__lt=end_of_day)
            .select_related(*related)
            .order_by("due_at", "id")[:limit]
        ),
        upcoming=list(
            open_tasks.filter(due_at__gte=end_of_day)
            .select_related(*related)
            .order_by("due_at", "id")[:limit]
        ),
        undated=list(
            open_tasks.filter(due_at__isnull=True)
            .select_related(*related)
            .order_by("-created_at", "-id")[:limit]
        ),
    )


@dataclass
class TimelineEntry:
    at: datetime
    kind: str  # an Activity.Kind value or "stage_change"
    activity: Activity | None = None
    stage_change: StageChange | None = None


@dataclass
class Timeline:
    entries: list[TimelineEntry]
    next_before: str | None  # pass back as ``before`` for the next, older page


def _parse_before(before: str | None) -> tuple[datetime, int] | None:
    """``<time>_<activity id>`` (the id is 0 after a stage change), or ValidationFailed: also for
    a time UTC cannot hold or an id beyond 64 bits, which the database could not compare."""
    if not before:
        return None
    not_valid = ValidationFailed(fields={"before": _("Not valid.")})
    stamp, _sep, pk = before.rpartition("_")
    try:
        at, number = datetime.fromisoformat(stamp), int(pk)
    except ValueError:
        raise not_valid from None
    if not 0 <= number <= MAX_ID:
        raise not_valid
    at = at if timezone.is_aware(at) else at.replace(tzinfo=UTC)
    return clean_datetime(at, field="before"), number


def timeline(
    *, record: Person | Organization | Deal | Lead, limit: int = 30, before: str | None = None
) -> Timeline:
    """Everything that happened with a record, newest first: its activities and, for deals (and
    the people and organizations on them), the stage changes. The caller has already checked the
    viewer may see ``record``; what is on it is shown with it."""
    if isinstance(record, Person):
        activities = Activity.objects.filter(person=record)
        changes = StageChange.objects.filter(deal__people=record)
    elif isinstance(record, Organization):
        activities = Activity.objects.filter(organization=record)
        changes = StageChange.objects.filter(deal__organization=record)
    elif isinstance(record, Deal):
        activities = Activity.objects.filter(deal=record)
        changes = StageChange.objects.filter(deal=record)
    else:
        activities = Activity.objects.filter(lead=record)
        changes = StageChange.objects.none()
    cut = _parse_before(before)
    if cut:
        at, pk = cut
        activities = activities.filter(Q(occurred_at__lt=at) | Q(occurred_at=at, id__lt=pk))
        changes = changes.filter(changed_at__lt=at)
    acts = list(
        activities.select_related("owner", "assignee").order_by("-occurred_at", "-id")[: limit + 1]
    )
    stage_rows = list(
        changes.select_related("deal", "from_stage", "to_stage", "changed_by").order_by(
            "-changed_at", "-id"
        )[: limit + 1]
    )
    entries = [TimelineEntry(at=a.occurred_at, kind=a.kind, activity=a) for a in acts]
    entries += [
        TimelineEntry(at=s.changed_at, kind="stage_change", stage_change=s) for s in stage_rows
    ]
    entries.sort(key=lambda e: e.at, reverse=True)
    more = len(entries) > limit
    entries = entries[:limit]
    next_before = None
    if more and entries:
        last = entries[-1]
        pk = last.activity.pk if last.activity else 0
        next_before = f"{last.at.isoformat()}_{pk}"
    return Timeline(entries=entries, next_before=next_before)
