"""Reads for activities, tasks and the timelines of people, organizations and deals."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db.models import Count, DateTimeField, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from sambandh.accounts import policy
from sambandh.accounts.models import User
from sambandh.accounts.visibility import scope_for, visible_q
from sambandh.activities.models import NO_DUE_DATE, Activity
from sambandh.contacts.models import Organization, Person
from sambandh.core import registry
from sambandh.core.cleaning import clean_datetime
from sambandh.core.errors import Forbidden, NotFound, ValidationFailed
from sambandh.core.expressions import InlineValue
from sambandh.core.ids import MAX_ID, parse_id
from sambandh.core.listing import ListQuery, sort_order
from sambandh.core.pagination import Page, paginate
from sambandh.core.sensitive import note_values
from sambandh.customfields.selectors import custom_list_query, show_custom_links
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


def _visibility(viewer: User) -> Q:
    """An activity is seen by whoever may see its owner's records, its assignee, or whoever may
    see a record it is on. The record's rule is applied through the activity's link to it (its
    owner joined by primary key, its shares by id), not as "in the set of every visible person":
    that set is half a million ids for a rep on a large database, too many to hash, and
    checking each activity against it never finishes."""
    scope = scope_for(viewer)
    if scope.everything:
        return visible_q(viewer, "activity")
    q = visible_q(viewer, "activity") | Q(assignee_id=viewer.pk)
    for rt in registry.timeline_types():
        link = rt.activity_link
        q |= visible_q(viewer, rt.key, owner_field=f"{link}__owner_id", id_field=f"{link}_id")
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
def _linked() -> tuple[str, ...]:
    """The activity's links to the records it is on (one per record type with a timeline)."""
    return tuple(rt.activity_link for rt in registry.timeline_types())


def _list_joins() -> tuple[str, ...]:
    return ("assignee", *_linked())


def activities_matching(*, viewer: User, query: ListQuery) -> QuerySet[Activity]:
    """Every activity the list shows for ``query.filters``, on every page, as the viewer may
    see them (a bulk action's selection)."""
    policy.check_list(viewer, "activity", query.filters, "")
    qs = _filters(activities_visible(viewer), query.filters)
    qs, _order = custom_list_query(qs, record_type="activity", query=replace(query, sort=""))
    return qs


def activity_list(*, viewer: User, query: ListQuery) -> Page[Activity]:
    policy.check_list(viewer, "activity", query.filters, query.sort)
    qs = _filters(activities_visible(viewer), query.filters)
    qs, custom_order = custom_list_query(qs, record_type="activity", query=query)
    qs = qs.select_related(*_list_joins()).prefetch_related("owner")
    page = paginate(
        qs,
        order=custom_order or sort_order(query.sort, ACTIVITY_SORTS, "-occurred"),
        limit=query.limit,
        cursor=query.cursor,
    )
    with_visible_links(viewer=viewer, activities=page.items)
    return page


def task_list(*, viewer: User, query: ListQuery) -> Page[Activity]:
    qs = _filters(activities_visible(viewer).filter(kind=Activity.Kind.TASK), query.filters)
    # Written as activity_task_due_idx is built, so the index orders the page.
    due_sort = Coalesce("due_at", InlineValue(NO_DUE_DATE, output_field=DateTimeField()))
    qs = qs.annotate(due_sort=due_sort)
    qs = qs.select_related(*_list_joins()).prefetch_related("owner")
    page = paginate(
        qs, order=sort_order(query.sort, TASK_SORTS, "due"), limit=query.limit, cursor=query.cursor
    )
    with_visible_links(viewer=viewer, activities=page.items)
    return page


def activity_get(*, viewer: User, activity_id: int, kind: str | None = None) -> Activity:
    qs = activities_visible(viewer).select_related(
        "owner", "assignee", "person", "organization", "deal", "lead"
    )
    if kind:
        qs = qs.filter(kind=kind)
    activity = qs.filter(pk=activity_id).first()
    if activity is None:
        raise NotFound(_("No such activity."))
    with_visible_links(viewer=viewer, activities=[activity])
    return activity


def activity_get_for_update(*, viewer: User, activity_id: int, kind: str | None = None) -> Activity:
    """An activity the viewer may change (accounts/policy.py: its author, a task's assignee,
    their managers, admins); one they may see but not change is a 403."""
    activity = activity_get(viewer=viewer, activity_id=activity_id, kind=kind)
    if not policy.can_change_activity(viewer, activity):
        raise Forbidden(
            _("Only the author, the assignee, their managers or an admin can change this.")
        )
    return activity


def activity_links(*, viewer: User, activities: list[Activity]) -> dict[tuple[int, str], Any]:
    """The records each activity is on that the viewer may see, keyed (activity id, link): a
    link to a record the viewer may not see shows neither its name nor its id. The linked
    records come with the activities (select_related); one query per type checks the shares of
    those the viewer does not own."""
    result: dict[tuple[int, str], Any] = {}
    for rt in registry.timeline_types():
        link = rt.activity_link
        linked = [getattr(a, link) for a in activities if getattr(a, f"{link}_id")]
        seen = policy.visible_among(viewer, rt.key, linked)
        for a in activities:
            record = getattr(a, link) if getattr(a, f"{link}_id") else None
            if record is not None and record.pk in seen:
                result[(a.pk, link)] = record
    return result


@dataclass(frozen=True)
class RecordLink:
    """A link to a record the viewer may see: what a page shows of it."""

    record_type: str
    record_id: int
    name: str
    url: str


# Which of an activity's records names it in lists ("My tasks", recent activity): the most
# specific one first.
_LINK_PREFERENCE = ("deal", "person", "lead", "organization")


def with_visible_links(*, viewer: User, activities: list[Activity]) -> list[Activity]:
    """``activities`` with what pages and the API may show of them set on each: ``visible_links``
    (link -> the record, or None when there is none or the viewer may not see it), ``record_link``
    (the one that names it in lists), ``can_change``, and the viewer's field access
    (``field_access``, and ``show`` for templates)."""
    links = activity_links(viewer=viewer, activities=activities)
    show_custom_links(viewer, "activity", activities)
    access = policy.field_access(viewer, "activity")
    types = registry.timeline_types()
    order = sorted(
        types,
        key=lambda rt: _LINK_PREFERENCE.index(rt.key) if rt.key in _LINK_PREFERENCE else 99,
    )
    for a in activities:
        visible = {rt.activity_link: links.get((a.pk, rt.activity_link)) for rt in types}
        a.visible_links = visible  # type: ignore[attr-defined]
        a.record_link = next(  # type: ignore[attr-defined]
            (
                RecordLink(rt.key, record.pk, str(record), rt.url(record.pk))
                for rt in order
                if (record := visible.get(rt.activity_link)) is not None
            ),
            None,
        )
        a.can_change = policy.can_change_activity(viewer, a)  # type: ignore[attr-defined]
        a.show = access.show  # type: ignore[attr-defined]
        a.field_access = access  # type: ignore[attr-defined]
    return activities


#: The fields of an activity a timeline entry shows when they hold a value (its time and a
#: task's due date too).
ENTRY_FIELDS = ("body", "outcome", "direction", "duration_seconds", "occurred_at", "due_at")


def note_activities_shown(viewer: Any, activities: list[Any], *, via: str) -> None:
    """Tell core.sensitive what ``activities`` showed (their non-empty ``ENTRY_FIELDS``), so
    that a field marked sensitive among them is an audited read: one row for the answer."""
    note_values(viewer, "activity", activities, {name: name for name in ENTRY_FIELDS}, via=via)


def note_task_rows(viewer: Any, tasks: list[Any], *, via: str) -> None:
    """A task's row (activities/_task_row.html) shows its due date: a read when marked."""
    note_values(viewer, "activity", tasks, {"due_at": "due_at"}, via=via)


#: Counts of tasks stop here: a rep with tens of thousands of open tasks is told "100+", and
#: counting each of them would take the page a tenth of a second.
TASK_COUNT_CAP = 100


@dataclass
class TaskCounts:
    """How many open tasks are overdue, due today and open in all, each up to TASK_COUNT_CAP + 1
    (``capped`` says whether it went past the cap)."""

    overdue: int
    today: int
    open: int

    def shown(self, name: str) -> str:
        value = getattr(self, name)
        return f"{TASK_COUNT_CAP}+" if value > TASK_COUNT_CAP else str(value)


def my_task_counts(*, viewer: User, now: datetime | None = None) -> TaskCounts:
    """The viewer's open task counts, each read along the open-task index up to the cap."""
    now = timezone.localtime(now or timezone.now())
    start_of_day = now.replace(hour=0, minute=0, second=0, microsecond=0)
    end_of_day = start_of_day + timedelta(days=1)
    open_tasks = Activity.objects.filter(
        kind=Activity.Kind.TASK, assignee=viewer, done_at__isnull=True
    ).order_by()

    def count(qs: QuerySet[Activity]) -> int:
        return qs.filter(pk__in=qs.values("pk")[: TASK_COUNT_CAP + 1]).count()

    return TaskCounts(
        overdue=count(open_tasks.filter(due_at__lt=now)),
        today=count(open_tasks.filter(due_at__gte=now, due_at__lt=end_of_day)),
        open=count(open_tasks),
    )


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
    related = _linked()
    tasks = MyTasks(
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
    with_visible_links(
        viewer=viewer, activities=[*tasks.overdue, *tasks.today, *tasks.upcoming, *tasks.undated]
    )
    return tasks


@dataclass
class TimelineEntry:
    at: datetime
    kind: str  # an Activity.Kind value, "stage_change" or "attachment"
    activity: Activity | None = None
    stage_change: StageChange | None = None
    attachment: Any = None  # attachments.models.Attachment


@dataclass
class Timeline:
    entries: list[TimelineEntry]
    next_before: str | None  # pass back as ``before`` for the next, older page
    #: The notes pinned to the top (first page of an unfiltered timeline only).
    pinned: list[TimelineEntry] = field(default_factory=list)


#: How many pinned notes head a timeline.
PINNED_MAX = 3


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


#: What else a timeline entry shows, joined in the same query: an email sent from the record
#: carries its sending status (sambandh/emails, ``OutboundEmail.activity``).
TIMELINE_JOINS = ("outbound_email",)
#: What a timeline can be filtered to: the activities' kinds, the deals' stage changes and the
#: files attached to the record.
TIMELINE_KINDS = ("note", "call", "meeting", "email", "task", "stage_change", "attachment")
#: The entries that are not activities.
_OTHER_KINDS = {"stage_change", "attachment"}


@dataclass(frozen=True)
class TimelineFilter:
    """A timeline narrowed to some kinds of entry, and to those whose text holds ``q``."""

    kinds: frozenset[str] = frozenset()  # empty: every kind
    q: str = ""

    @property
    def active(self) -> bool:
        return bool(self.kinds or self.q)


def timeline_filter(kind: str | None, q: str | None, *, field: str = "kind") -> TimelineFilter:
    """``kind`` ("note" or "note,call": the kinds of TIMELINE_KINDS) and ``q`` (text) as a
    filter; an unknown kind is a ValidationFailed naming ``field``."""
    kinds = frozenset(k.strip() for k in (kind or "").split(",") if k.strip())
    unknown = sorted(kinds - set(TIMELINE_KINDS))
    if unknown:
        raise ValidationFailed(
            fields={field: _("Unknown kind: %(kinds)s.") % {"kinds": ", ".join(unknown)[:100]}}
        )
    return TimelineFilter(kinds=kinds, q=(q or "").strip()[:200])


def timeline(
    *,
    viewer: User,
    record: Person | Organization | Deal | Lead,
    limit: int = 30,
    before: str | None = None,
    only: TimelineFilter | None = None,
) -> Timeline:
    """Everything that happened with a record, newest first: its activities and, for deals (and
    the people and organizations on them), the stage changes of the deals the viewer may see.
    The caller has already checked the viewer may see ``record``; the activities on it are shown
    with it, their links to other records only where the viewer may see those."""
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
    if not isinstance(record, Deal):
        changes = changes.filter(
            visible_q(viewer, "deal", owner_field="deal__owner_id", id_field="deal_id")
        )
    if only is not None and only.kinds:
        activities = activities.filter(kind__in=sorted(only.kinds - _OTHER_KINDS))
        if "stage_change" not in only.kinds:
            changes = changes.none()
    if only is not None and only.q:
        activities = activities.filter(Q(subject__icontains=only.q) | Q(body__icontains=only.q))
        changes = changes.filter(
            Q(deal__name__icontains=only.q) | Q(to_stage__name__icontains=only.q)
        )
    cut = _parse_before(before)
    if cut:
        at, pk = cut
        activities = activities.filter(Q(occurred_at__lt=at) | Q(occurred_at=at, id__lt=pk))
        changes = changes.filter(changed_at__lt=at)
    acts = list(
        activities.select_related("owner", "assignee", *_linked(), *TIMELINE_JOINS).order_by(
            "-occurred_at", "-id"
        )[: limit + 1]
    )
    with_visible_links(viewer=viewer, activities=acts)
    stage_rows = list(
        changes.select_related("deal", "from_stage", "to_stage", "changed_by").order_by(
            "-changed_at", "-id"
        )[: limit + 1]
    )
    entries = [TimelineEntry(at=a.occurred_at, kind=a.kind, activity=a) for a in acts]
    entries += [
        TimelineEntry(at=s.changed_at, kind="stage_change", stage_change=s) for s in stage_rows
    ]
    entries += _attachment_entries(record, acts, limit=limit, before=cut, only=only)
    pinned: list[TimelineEntry] = []
    if cut is None and (only is None or not only.active):
        # Pinned notes head the first page of an unfiltered timeline (and keep their place).
        notes = list(
            activities.filter(pinned_at__isnull=False, kind=Activity.Kind.NOTE)
            .select_related("owner", *_linked())
            .order_by("-pinned_at", "-id")[:PINNED_MAX]
        )
        with_visible_links(viewer=viewer, activities=notes)
        pinned = [TimelineEntry(at=a.occurred_at, kind=a.kind, activity=a) for a in notes]
    entries.sort(key=lambda e: e.at, reverse=True)
    more = len(entries) > limit
    entries = entries[:limit]
    shown = [e.activity for e in entries if e.activity is not None]
    note_activities_shown(viewer, [*shown, *(e.activity for e in pinned)], via="timeline")
    next_before = None
    if more and entries:
        last = entries[-1]
        pk = last.activity.pk if last.activity else 0
        next_before = f"{last.at.isoformat()}_{pk}"
    return Timeline(entries=entries, next_before=next_before, pinned=pinned)


def _attachment_entries(
    record: Any,
    acts: list[Activity],
    *,
    limit: int,
    before: tuple[datetime, int] | None,
    only: TimelineFilter | None,
) -> list[TimelineEntry]:
    """The files added to ``record`` as entries, and the files of the activities shown set on
    each as ``attachments``: one query for both."""
    from sambandh.attachments.selectors import timeline_files

    rt = registry.by_model(type(record))
    if rt is None:
        return []
    files, on_activities = timeline_files(
        record_type=rt.key,
        record_id=record.pk,
        activity_ids=[a.pk for a in acts],
        limit=limit + 1,
        before=before[0] if before else None,
        q=only.q if only is not None else "",
        own=only is None or not only.kinds or "attachment" in only.kinds,
    )
    for a in acts:
        a.attachments = on_activities.get(a.pk, [])  # type: ignore[attr-defined]
    return [TimelineEntry(at=f.created_at, kind="attachment", attachment=f) for f in files]


def tasks_falling_due(*, after: datetime, until: datetime) -> list[tuple[int, int, Any]]:
    """Open tasks with an assignee whose due time falls in (after, until]: (id, assignee id,
    due time), for the reminders job (sambandh/notifications)."""
    return list(
        Activity.objects.filter(
            kind=Activity.Kind.TASK,
            done_at__isnull=True,
            assignee__isnull=False,
            due_at__gt=after,
            due_at__lte=until,
        )
        .order_by("due_at", "id")
        .values_list("id", "assignee_id", "due_at")
    )


def deals_without_next_step() -> dict[int, int]:
    """Per owner, how many of their open deals have no open task: deals that nobody will move
    on unless someone plans the next step."""
    planned = Activity.objects.filter(
        kind=Activity.Kind.TASK, done_at__isnull=True, deal_id=OuterRef("pk")
    )
    rows = (
        Deal.objects.filter(status=Deal.Status.OPEN)
        .filter(~Exists(planned))
        .values("owner_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {row["owner_id"]: row["n"] for row in rows}
