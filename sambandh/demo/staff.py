"""What both demo sizes set up through the services: the teams, the users and the two
pipelines (each found again rather than made twice)."""

from __future__ import annotations

from sambandh.accounts.models import Team, User
from sambandh.accounts.services import team_add_member, team_create, user_create
from sambandh.sales import services as sales
from sambandh.sales.models import Pipeline, Stage

TEAMS = ("India", "Europe", "Americas", "Japan & Middle East")
NEW_BUSINESS = (
    sales.StageIn("Qualification", 10),
    sales.StageIn("Needs analysis", 25),
    sales.StageIn("Proposal", 50),
    sales.StageIn("Negotiation", 75),
    sales.StageIn("Won", 100, Stage.Kind.WON),
    sales.StageIn("Lost", 0, Stage.Kind.LOST),
)
RENEWALS = (
    sales.StageIn("Upcoming", 60),
    sales.StageIn("In negotiation", 80),
    sales.StageIn("Renewed", 100, Stage.Kind.WON),
    sales.StageIn("Churned", 0, Stage.Kind.LOST),
)


def ensure_team(name: str, parent: Team | None, actor: User) -> Team:
    return Team.objects.filter(name=name).first() or team_create(
        name=name, parent=parent, actor=actor
    )


def ensure_user(
    email: str, name: str, role: str, language: str, tz: str, currency: str, team: Team, actor: User
) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        # Demo colleagues cannot sign in (no password); the admin can set one.
        user = user_create(
            email=email,
            role=role,
            full_name=name,
            language=language,
            time_zone=tz,
            currency=currency,
            actor=actor,
        )
    team_add_member(team=team, user=user, actor=actor)
    return user


def ensure_pipeline(
    name: str, stages: tuple[sales.StageIn, ...], actor: User, is_default: bool
) -> Pipeline:
    existing = Pipeline.objects.filter(name=name, is_archived=False).first()
    if existing is not None:
        return existing
    return sales.pipeline_create(actor=actor, name=name, stages=stages, is_default=is_default)
