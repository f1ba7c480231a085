"""The inline composer (note, task, call, meeting) and what the record pages need to show the
composer and the timeline together."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from sambandh.accounts import policy
from sambandh.activities.models import Activity
from sambandh.activities.schemas import ActivityChange, ActivityIn
from sambandh.activities.selectors import Timeline, TimelineFilter, timeline, timeline_filter
from sambandh.core import registry
from sambandh.core.errors import NotFound, ValidationFailed
from sambandh.core.ids import id_or_none
from sambandh.customfields.forms import add_custom_fields, custom_form_data
from sambandh.web.form_fields import LocalDateTimeField
from sambandh.web.forms import ServiceForm, VersionField, with_blank

#: The composer's tabs, in order.
COMPOSER_KINDS = [
    (Activity.Kind.NOTE, gettext_lazy("Note")),
    (Activity.Kind.TASK, gettext_lazy("Task")),
    (Activity.Kind.CALL, gettext_lazy("Call")),
    (Activity.Kind.MEETING, gettext_lazy("Meeting")),
]


def _datetime_field(label: Any) -> forms.DateTimeField:
    # Read in the viewer's zone; a time the zone skips is refused, one it repeats is the first.
    return LocalDateTimeField(label=label, required=False)


def timeline_record(*, viewer: Any, record_type: str, record_id: Any) -> Any:
    """The record whose timeline is shown, read through its selector (so the viewer may see it)."""
    rt = registry.find(record_type)
    visible = rt.visible if rt is not None and rt.activity_link else None
    pk = id_or_none(record_id)
    record = visible(viewer).filter(pk=pk).first() if visible and pk else None
    if record is None:
        raise NotFound()
    return record


class ComposerForm(ServiceForm):
    service_fields = {"assignee_id": "assignee", "duration_seconds": "duration_minutes"}

    kind = forms.ChoiceField(choices=Activity.Kind.choices, widget=forms.HiddenInput)
    record_type = forms.ChoiceField(
        choices=[],
        required=False,
        widget=forms.HiddenInput,
    )
    record_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    subject = forms.CharField(label=gettext_lazy("Subject"), max_length=300, required=False)
    body = forms.CharField(
        label=gettext_lazy("Details"),
        max_length=100_000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    due_at = _datetime_field(gettext_lazy("Due"))
    assignee = forms.ChoiceField(label=gettext_lazy("Assigned to"), required=False)
    occurred_at = _datetime_field(gettext_lazy("When"))
    duration_minutes = forms.IntegerField(
        label=gettext_lazy("Minutes"), required=False, min_value=0, max_value=7 * 24 * 60
    )
    direction = forms.ChoiceField(
        label=gettext_lazy("Direction"),
        required=False,
        choices=[
            ("out", gettext_lazy("Outbound")),
            ("in", gettext_lazy("Inbound")),
        ],
    )
    outcome = forms.CharField(label=gettext_lazy("Outcome"), max_length=100, required=False)

    def __init__(self, *args: Any, viewer: Any, users: list[Any] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.viewer = viewer
        self.users = {u.pk: u for u in users or []}
        self.choice_field("record_type").choices = [("", "")] + [
            (t.key, t.key) for t in registry.timeline_types()
        ]
        self.choice_field("assignee").choices = with_blank(
            [(str(u.pk), str(u)) for u in users or []], str(gettext_lazy("Me"))
        )
        # The activity type's custom fields (hidden ones left out, read-only ones disabled).
        add_custom_fields(
            self,
            "activity",
            getattr(self, "instance", None),
            policy.field_access(viewer, "activity") if viewer is not None else None,
        )
        # The @mention picker (web/mentions.js) asks the directory as the user types.
        self.fields["body"].widget.attrs["data-mentions"] = reverse("accounts:colleagues")
        self.fields["body"].widget.attrs["data-mentions-label"] = gettext_lazy("People to mention")
        kind = self.current_kind
        if kind == Activity.Kind.NOTE:
            self.fields["body"].label = gettext_lazy("Note")
            self.fields["body"].widget.attrs["placeholder"] = gettext_lazy(
                "Write a note… Type @ to mention a colleague."
            )
        elif kind == Activity.Kind.TASK:
            self.fields["subject"].widget.attrs["placeholder"] = gettext_lazy("What needs doing?")

    @property
    def current_kind(self) -> str:
        value = self.data.get("kind") if self.is_bound else self.initial.get("kind")
        return value if value in Activity.Kind.values else Activity.Kind.NOTE

    @property
    def submit_label(self) -> Any:
        labels: dict[str, Any] = {
            Activity.Kind.TASK: gettext_lazy("Add task"),
            Activity.Kind.CALL: gettext_lazy("Log call"),
            Activity.Kind.MEETING: gettext_lazy("Log meeting"),
        }
        return labels.get(self.current_kind, gettext_lazy("Save note"))

    def clean(self) -> dict[str, Any]:
        cd = super().clean() or {}
        when, minutes = cd.get("occurred_at"), cd.get("duration_minutes")
        if cd.get("kind") == Activity.Kind.MEETING and when and minutes:
            try:
                when + timedelta(minutes=minutes)  # the meeting's end, as to_service sets it
            except OverflowError:
                self.add_error(
                    "duration_minutes", gettext_lazy("The meeting would end after the year 9999.")
                )
        return cd

    def to_service(self) -> ActivityIn:
        """The input of activity_create, as the API receives it. A value of the wrong shape is
        a ValidationFailed naming its field."""
        return ActivityIn.build(self.values())

    def values(self) -> dict[str, Any]:
        """What the composer sends for its kind, by the input's field names."""
        cd = self.cleaned_data
        kind = cd["kind"]
        data: dict[str, Any] = {
            "kind": kind,
            "subject": cd.get("subject") or "",
            "body": cd.get("body") or "",
        }
        if cd.get("record_type") and cd.get("record_id"):
            data[f"{cd['record_type']}_id"] = cd["record_id"]
        if kind == Activity.Kind.TASK:
            data["due_at"] = cd.get("due_at")
            assignee = cd.get("assignee")
            data["assignee_id"] = int(assignee) if assignee else self.viewer.pk
        elif kind in (Activity.Kind.CALL, Activity.Kind.MEETING):
            when = cd.get("occurred_at") or timezone.now()
            data["occurred_at"] = when
            minutes = cd.get("duration_minutes")
            if minutes is not None:
                data["duration_seconds"] = minutes * 60
                if kind == Activity.Kind.MEETING:
                    data["ends_at"] = when + timedelta(minutes=minutes)
            if kind == Activity.Kind.CALL:
                data["direction"] = cd.get("direction") or ""
                data["outcome"] = cd.get("outcome") or ""
        custom = custom_form_data(self)
        if custom:
            data["custom"] = custom
        return data


def composer_form(
    *,
    viewer: Any,
    record_type: str = "",
    record_id: Any = None,
    kind: str = "note",
    users: list[Any] | None = None,
) -> ComposerForm:
    kind = kind if kind in dict(COMPOSER_KINDS) else Activity.Kind.NOTE
    initial: dict[str, Any] = {"kind": kind, "record_type": record_type, "record_id": record_id}
    if kind == Activity.Kind.CALL:
        initial["direction"] = "out"
    return ComposerForm(viewer=viewer, users=users, initial=initial)


#: The kinds the timeline's filter offers, with their labels.
TIMELINE_KIND_LABELS = [
    ("note", gettext_lazy("Notes")),
    ("call", gettext_lazy("Calls")),
    ("meeting", gettext_lazy("Meetings")),
    ("email", gettext_lazy("Emails")),
    ("task", gettext_lazy("Tasks")),
    ("stage_change", gettext_lazy("Stage changes")),
    ("attachment", gettext_lazy("Attachments")),
]


def timeline_filter_from(query: Any) -> TimelineFilter:
    """The record page's timeline filter, from its query string (``tl_kind``, ``tl_q``); a
    hand-edited kind that does not exist filters nothing."""
    if query is None:
        return TimelineFilter()
    try:
        return timeline_filter(query.get("tl_kind"), query.get("tl_q"), field="tl_kind")
    except ValidationFailed:
        return TimelineFilter(q=(query.get("tl_q") or "").strip()[:200])


def timeline_filter_query(only: TimelineFilter) -> str:
    """The filter as query parameters to append to a link ("&tl_kind=note&tl_q=..."), or ""."""
    from urllib.parse import urlencode

    pairs = [("tl_kind", ",".join(sorted(only.kinds)))] if only.kinds else []
    pairs += [("tl_q", only.q)] if only.q else []
    return "&" + urlencode(pairs) if pairs else ""


def _timeline(
    viewer: Any, record: Any, before: str | None, only: TimelineFilter | None = None
) -> Timeline:
    if before:
        try:
            return timeline(viewer=viewer, record=record, before=before, only=only)
        except ValidationFailed:
            pass  # a mangled link: show the newest entries instead
    return timeline(viewer=viewer, record=record, only=only)


def panel_context(
    *,
    viewer: Any,
    record: Any,
    record_type: str,
    kind: str = "note",
    form: ComposerForm | None = None,
    users: list[Any] | None = None,
    before: str | None = None,
    query: Any = None,
) -> dict[str, Any]:
    """What ``activities/_panel.html`` needs: the composer and the record's timeline (narrowed
    by the page's ``query``: ``tl_kind`` and ``tl_q``)."""
    only = timeline_filter_from(query)
    if form is None:
        if kind == Activity.Kind.TASK and users is None:
            from sambandh.accounts.selectors import user_list

            users = list(user_list(viewer=viewer))
        form = composer_form(
            viewer=viewer, record_type=record_type, record_id=record.pk, kind=kind, users=users
        )
    return {
        "record": record,
        "record_type": record_type,
        "composer": form,
        "composer_kinds": COMPOSER_KINDS,
        "timeline": _timeline(viewer, record, before, only),
        "timeline_filter": only,
        "timeline_filter_query": timeline_filter_query(only),
        "timeline_kinds": TIMELINE_KIND_LABELS,
    }


class ActivityEditForm(ComposerForm):
    """The composer's fields for an existing activity, with the version it was loaded at: a
    stale save is refused and shown as a conflict, keeping what was typed."""

    version = VersionField()

    def __init__(self, *args: Any, instance: Activity, **kwargs: Any) -> None:
        self.instance = instance
        if not (args or kwargs.get("data")):
            local = timezone.localtime
            kwargs["initial"] = {
                "kind": instance.kind,
                "subject": instance.subject,
                "body": instance.body,
                "due_at": local(instance.due_at) if instance.due_at else None,
                "assignee": str(instance.assignee_id or ""),
                "occurred_at": local(instance.occurred_at),
                "duration_minutes": (instance.duration_seconds or 0) // 60
                if instance.duration_seconds is not None
                else None,
                "direction": instance.direction,
                "outcome": instance.outcome,
                "version": instance.version,
            }
        super().__init__(*args, **kwargs)
        # The kind of an activity never changes, whatever the form posts.
        self.fields["kind"].initial = instance.kind
        if self.is_bound:
            data = self.data.copy()  # type: ignore[attr-defined]  # a QueryDict
            data["kind"] = instance.kind
            self.data = data

    # An edit's input is an update's (ActivityChange), not the composer's ActivityIn.
    def to_service(self) -> ActivityChange:  # type: ignore[override]
        """The input of activity_update. The kind is not sent (it never changes), nor is an
        empty assignee of a task: it keeps the one it has."""
        data = self.values()
        data.pop("kind", None)
        if self.instance.kind == Activity.Kind.TASK and not self.cleaned_data.get("assignee"):
            data.pop("assignee_id", None)
        return ActivityChange.build(data)
