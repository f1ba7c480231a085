"""Factories that build records through the services, so tests see what users would create."""

from __future__ import annotations

import itertools
from datetime import timedelta
from typing import Any

from django.utils import timezone

from sambandh.accounts.models import Team, User
from sambandh.accounts.services import team_add_member, team_create, token_create, user_create
from sambandh.activities.models import Activity
from sambandh.activities.schemas import ActivityIn
from sambandh.activities.services import activity_create, task_complete
from sambandh.contacts import services as contacts
from sambandh.contacts.models import Organization, Person
from sambandh.contacts.schemas import OrganizationIn, PersonIn
from sambandh.sales import services as sales
from sambandh.sales.models import Deal, Lead, Pipeline, Stage
from sambandh.sales.schemas import DealIn, LeadIn

_seq = itertools.count(1)


def make_user(
    role: str = "sales_rep", *, email: str | None = None, team: Team | None = None, **extra: Any
) -> User:
    n = next(_seq)
    user = user_create(
        email=email or f"user{n}@example.com",
        role=role,
        password=extra.pop("password", "correct horse battery staple"),
        full_name=extra.pop("full_name", f"User {n}"),
        **extra,
    )
    if team is not None:
        team_add_member(team=team, user=user)
    return user


def make_team(name: str | None = None, parent: Team | None = None) -> Team:
    return team_create(name=name or f"Team {next(_seq)}", parent=parent)


def make_token(user: User) -> str:
    return token_create(user=user)[1]


def _owner_id(data: dict[str, Any]) -> dict[str, Any]:
    """``owner=<User>`` as the typed inputs take it: ``owner_id``."""
    if "owner" in data:
        owner = data.pop("owner")
        data["owner_id"] = owner.pk if owner is not None else None
    return data


def make_organization(owner: User, **data: Any) -> Organization:
    data.setdefault("name", f"Organization {next(_seq)}")
    return contacts.organization_create(actor=owner, data=OrganizationIn.build(_owner_id(data)))


def make_person(
    owner: User, *, email: str | None = None, phone: str | None = None, **data: Any
) -> Person:
    data.setdefault("full_name", f"Person {next(_seq)}")
    if email:
        data["emails"] = [{"email": email}]
    if phone:
        data["phones"] = [{"number": phone}]
    return contacts.person_create(actor=owner, data=PersonIn.build(_owner_id(data)))


def make_pipeline(actor: User | None = None, name: str = "Sales") -> Pipeline:
    admin = actor or make_user("admin")
    return sales.pipeline_create(
        actor=admin,
        name=name,
        stages=[
            sales.StageIn("Qualified", 10),
            sales.StageIn("Proposal", 50),
            sales.StageIn("Negotiation", 80),
            sales.StageIn("Won", 100, Stage.Kind.WON),
            sales.StageIn("Lost", 0, Stage.Kind.LOST),
        ],
    )


def make_deal(owner: User, pipeline: Pipeline | None = None, **data: Any) -> Deal:
    data.setdefault("name", f"Deal {next(_seq)}")
    data.setdefault("amount", "1000")
    data.setdefault("currency", "INR")
    data["pipeline_id"] = (pipeline or make_pipeline()).pk
    return sales.deal_create(actor=owner, data=DealIn.build(_owner_id(data)))


def make_lead(owner: User, **data: Any) -> Lead:
    data.setdefault("full_name", f"Lead {next(_seq)}")
    return sales.lead_create(actor=owner, data=LeadIn.build(_owner_id(data)))


def make_activity(owner: User, kind: str = "note", **data: Any) -> Activity:
    data.setdefault("subject", f"{kind} {next(_seq)}")
    data.setdefault("body", "Spoke about the renewal.")
    if "assignee" in data:
        assignee = data.pop("assignee")
        data["assignee_id"] = assignee.pk if assignee is not None else None
    return activity_create(actor=owner, data=ActivityIn.build({"kind": kind, **data}))


def move_deal(actor: User, deal: Deal, stage_name: str) -> Deal:
    """Move a deal to the stage of that name in its pipeline (records a stage change)."""
    stage = deal.pipeline.stages.get(name=stage_name)
    return sales.deal_move_stage(actor=actor, deal=deal, stage_id=stage.pk, version=deal.version)


def make_timeline(owner: User, **link: Any) -> list[Activity]:
    """One activity of each kind the composer makes (a note, an overdue task, a done task, a call
    and a meeting) on the record given as ``person_id=``, ``organization_id=``, ``deal_id=`` or
    ``lead_id=``."""
    now = timezone.now()
    done = make_activity(
        owner, "task", subject="Book the demo", due_at=now + timedelta(days=2), **link
    )
    done = task_complete(actor=owner, task=done)
    return [
        make_activity(owner, "note", body="Wants 300 looms before Diwali", **link),
        make_activity(
            owner, "task", subject="Send the quote", due_at=now - timedelta(days=1), **link
        ),
        done,
        make_activity(
            owner,
            "call",
            direction="out",
            duration_seconds=600,
            outcome="Interested",
            occurred_at=now - timedelta(hours=3),
            **link,
        ),
        make_activity(
            owner,
            "meeting",
            subject="Site visit",
            occurred_at=now - timedelta(days=2),
            duration_seconds=3600,
            **link,
        ),
    ]


def convert_lead(actor: User, lead: Lead) -> Lead:
    """Convert a lead into a person, an organization (from its company) and a deal."""
    return sales.lead_convert(actor=actor, lead=lead, version=lead.version)
