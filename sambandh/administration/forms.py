"""Forms of the settings area. They only parse what the browser sends; the services validate."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sambandh.accounts.models import Role
from sambandh.sales.models import Stage
from sambandh.sales.services import MAX_STAGES, StageIn
from sambandh.web.forms import (
    ServiceForm,
    VersionField,
    currency_choices,
    interface_language_choices,
    time_zone_choices,
    with_blank,
)


def team_label(team: Any) -> str:
    """A team's name indented by its depth in the tree, for pickers."""
    return "— " * getattr(team, "depth", 0) + team.name


class InviteForm(ServiceForm):
    full_name = forms.CharField(label=gettext_lazy("Name"), max_length=200, required=False)
    email = forms.CharField(
        label=gettext_lazy("Email"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
        help_text=gettext_lazy("The invitation, with a link to choose a password, goes here."),
    )
    role = forms.ChoiceField(label=gettext_lazy("Role"), choices=Role.choices)
    teams = forms.MultipleChoiceField(
        label=gettext_lazy("Teams"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, teams: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True
        self.initial.setdefault("role", Role.SALES_REP)
        self.fields["teams"].choices = [(str(t.pk), team_label(t)) for t in teams]  # type: ignore[attr-defined]

    service_fields = {"team_ids": "teams"}


class UserForm(ServiceForm):
    full_name = forms.CharField(label=gettext_lazy("Name"), max_length=200, required=False)
    role = forms.ChoiceField(
        label=gettext_lazy("Role"),
        choices=Role.choices,
        help_text=gettext_lazy(
            "Administrators see and change everything; managers, their teams' records."
        ),
    )


class ReassignForm(ServiceForm):
    to_user = forms.ChoiceField(label=gettext_lazy("Give them to"))
    service_fields = {"to_user_id": "to_user"}

    def __init__(self, *args: Any, users: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.choice_field("to_user").choices = with_blank(
            [(str(u.pk), f"{u} · {u.email}") for u in users], _("Choose a user…")
        )


class TeamForm(ServiceForm):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=120)
    parent = forms.ChoiceField(label=gettext_lazy("Inside"), required=False)
    service_fields = {"parent_id": "parent"}

    def __init__(self, *args: Any, teams: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.choice_field("parent").choices = with_blank(
            [(str(t.pk), team_label(t)) for t in teams], _("— (a top-level team)")
        )


class MemberForm(ServiceForm):
    user = forms.ChoiceField(label=gettext_lazy("Add a member"))
    service_fields = {"user_id": "user"}

    def __init__(self, *args: Any, users: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.choice_field("user").choices = with_blank(
            [(str(u.pk), f"{u} · {u.email}") for u in users], _("Choose a user…")
        )


class CompanyForm(ServiceForm):
    language = forms.ChoiceField(
        label=gettext_lazy("Language"),
        help_text=gettext_lazy("The interface language new users start with."),
    )
    time_zone = forms.ChoiceField(
        label=gettext_lazy("Time zone"),
        help_text=gettext_lazy("The time zone new users start in."),
    )
    currency = forms.ChoiceField(
        label=gettext_lazy("Currency"),
        help_text=gettext_lazy(
            "The currency new users' deals start in, and the company's reporting currency: "
            "a user without their own sees sums in it."
        ),
    )
    require_admin_mfa = forms.BooleanField(
        label=gettext_lazy("Require multi-factor authentication for administrators"),
        required=False,
        help_text=gettext_lazy(
            "An administrator without it is sent to set it up before anything else."
        ),
    )
    version = VersionField()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.choice_field("language").choices = interface_language_choices()
        self.choice_field("time_zone").choices = list(time_zone_choices())
        self.choice_field("currency").choices = currency_choices()


class _NamedByService(forms.CharField):
    """Shown as required, but an empty value is left to the service, which reports it together
    with every other problem (the stage rows') instead of one at a time."""

    def validate(self, value: Any) -> None:
        pass


class PipelineForm(ServiceForm):
    name = _NamedByService(label=gettext_lazy("Name"), max_length=100)
    is_default = forms.BooleanField(
        label=gettext_lazy("The default pipeline"),
        required=False,
        help_text=gettext_lazy("New deals start in it."),
    )
    version = VersionField()


# --- the stages of a pipeline, as rows the page can add, remove and move without script -----
KINDS = Stage.Kind.choices


@dataclass
class StageRow:
    id: int | None = None
    name: str = ""
    probability: str = "0"
    kind: str = Stage.Kind.OPEN
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def has_errors(self) -> bool:
        return bool(self.errors)


def stage_rows_of(pipeline: Any) -> list[StageRow]:
    return [
        StageRow(id=s.pk, name=s.name, probability=str(s.probability), kind=s.kind)
        for s in pipeline.active_stages
    ]


def _int_or_none(raw: str) -> int | None:
    """A stage's id or a row's index (0 counts) from the form, or None. ``isdecimal``, not
    ``isdigit``: "²" is a digit ``int()`` refuses."""
    raw = (raw or "").strip()
    return int(raw) if raw.isdecimal() and len(raw) < 19 else None


def parse_stage_rows(data: QueryDict) -> list[StageRow]:
    """The rows the page posted (``stage_id``, ``stage_name``, ``stage_probability`` and
    ``stage_kind``, one value per row, in order)."""
    names = data.getlist("stage_name")[: MAX_STAGES + 1]
    ids = data.getlist("stage_id")
    probabilities = data.getlist("stage_probability")
    kinds = data.getlist("stage_kind")

    def at(values: list[str], i: int, default: str = "") -> str:
        return values[i] if i < len(values) else default

    return [
        StageRow(
            id=_int_or_none(at(ids, i)),
            name=name[:200],
            probability=at(probabilities, i, "0")[:20],
            kind=at(kinds, i, Stage.Kind.OPEN)[:10],
        )
        for i, name in enumerate(names)
    ]


def apply_row_action(rows: list[StageRow], action: str) -> bool:
    """Add, remove or move a row as the pressed button says ("add", "up-2", "down-0",
    "remove-1"). Answers whether the action was one of those."""
    if action == "add":
        rows.append(StageRow())
        return True
    verb, _sep, raw = action.partition("-")
    index = _int_or_none(raw)
    if verb not in ("up", "down", "remove") or index is None or index >= len(rows):
        return False
    if verb == "remove":
        rows.pop(index)
    elif verb == "up" and index > 0:
        rows[index - 1], rows[index] = rows[index], rows[index - 1]
    elif verb == "down" and index < len(rows) - 1:
        rows[index + 1], rows[index] = rows[index], rows[index + 1]
    return True


# What a probability that is not a whole number becomes: a value the service always refuses, so
# it names that row together with every other problem, and nothing is written.
NOT_A_NUMBER = -1


def stages_for_service(rows: list[StageRow]) -> list[StageIn]:
    """The rows as the service takes them."""
    stages: list[StageIn] = []
    for row in rows:
        raw = row.probability.strip()
        number = int(raw) if raw.isdecimal() and len(raw) < 6 else NOT_A_NUMBER
        stages.append(StageIn(name=row.name, probability=number, kind=row.kind, id=row.id))
    return stages


def place_stage_errors(rows: list[StageRow], fields: dict[str, str]) -> dict[str, str]:
    """Put the service's ``stages.<i>.<field>`` errors on their rows; answer the others."""
    rest: dict[str, str] = {}
    for key, message in fields.items():
        parts = key.split(".")
        if len(parts) == 3 and parts[0] == "stages" and parts[1].isdecimal():
            index = int(parts[1])
            if index < len(rows):
                rows[index].errors[parts[2]] = message
                continue
        rest[key] = message
    return rest
