"""Settings pages for administrators: the team tree and a team's members, and pipelines edited
through the page (stage rows added, removed and moved with plain form buttons)."""

from __future__ import annotations

from typing import Any

import pytest

from sambandh.accounts.models import RecordShare, Team, TeamMembership
from sambandh.accounts.services import record_share
from sambandh.core.models import AuditEvent
from sambandh.sales.models import Pipeline, Stage
from sambandh.sales.services import pipeline_update
from tests import factories
from tests.web.helpers import text

pytestmark = pytest.mark.django_db


def teams_state() -> dict[str, Any]:
    return {
        "teams": list(Team.objects.order_by("pk").values()),
        "members": list(TeamMembership.objects.order_by("pk").values("team_id", "user_id")),
        "audit": AuditEvent.objects.count(),
    }


def pipelines_state() -> dict[str, Any]:
    return {
        "pipelines": list(Pipeline.objects.order_by("pk").values()),
        "stages": list(Stage.objects.order_by("pk").values()),
        "audit": AuditEvent.objects.count(),
    }


# --- teams -------------------------------------------------------------------------------------
def test_the_tree_is_indented(admin_user, team, other_team, browser_for):
    mumbai = factories.make_team("Mumbai", parent=team)
    factories.make_team("Andheri", parent=mumbai)
    response = browser_for(admin_user).get("/settings/teams/")
    assert [(t.name, t.depth) for t in response.context["teams"]] == [
        ("Sales Brazil", 0),
        ("Sales India", 0),
        ("Mumbai", 1),
        ("Andheri", 2),
    ]
    body = text(response)
    assert 'class="tree-name tree-depth-2"' in body
    assert "(inside Mumbai)" in body


def test_create_a_team_inside_another(admin_user, team, browser_for):
    client = browser_for(admin_user)
    response = client.post("/settings/teams/", {"name": "Chennai", "parent": str(team.pk)})
    assert (response.status_code, response.url) == (302, "/settings/teams/")
    assert Team.objects.get(name="Chennai").parent_id == team.pk
    # a taken name is refused on the form
    before = teams_state()
    response = client.post("/settings/teams/", {"name": "chennai", "parent": ""})
    assert response.status_code == 422
    assert "A team with this name already exists." in text(response)
    assert teams_state() == before


def test_rename_and_move_a_team(admin_user, team, other_team, browser_for):
    client = browser_for(admin_user)
    response = client.post(
        f"/settings/teams/{other_team.pk}/",
        {"action": "save", "name": "Brasil", "parent": str(team.pk)},
    )
    assert response.status_code == 302
    other_team.refresh_from_db()
    assert (other_team.name, other_team.parent_id) == ("Brasil", team.pk)


def test_a_team_is_not_offered_inside_itself_and_a_crafted_cycle_is_refused(
    admin_user, team, browser_for
):
    child = factories.make_team("Mumbai", parent=team)
    client = browser_for(admin_user)
    page = client.get(f"/settings/teams/{team.pk}/")
    offered = [value for value, _label in page.context["form"].fields["parent"].choices]
    assert offered == [""]  # neither itself nor its sub-team
    before = teams_state()
    response = client.post(
        f"/settings/teams/{team.pk}/",
        {"action": "save", "name": team.name, "parent": str(child.pk)},
    )
    assert response.status_code == 422
    assert "Select a valid choice" in text(response)
    assert teams_state() == before


def test_members_join_and_leave_through_the_page(admin_user, team, owner, outsider, browser_for):
    client = browser_for(admin_user)
    page = client.get(f"/settings/teams/{team.pk}/")
    candidates = [v for v, _l in page.context["member_form"].fields["user"].choices if v]
    assert str(outsider.pk) in candidates and str(owner.pk) not in candidates
    response = client.post(
        f"/settings/teams/{team.pk}/", {"action": "add_member", "user": str(outsider.pk)}
    )
    assert response.status_code == 302
    assert TeamMembership.objects.filter(team=team, user=outsider).exists()
    assert "Oscar Outsider joined Sales India." in text(client.get(response.url))
    response = client.post(
        f"/settings/teams/{team.pk}/", {"action": "remove_member", "user_id": str(owner.pk)}
    )
    assert response.status_code == 302
    assert not TeamMembership.objects.filter(team=team, user=owner).exists()
    # removing someone who is not a member changes nothing
    before = teams_state()
    response = client.post(
        f"/settings/teams/{team.pk}/", {"action": "remove_member", "user_id": str(owner.pk)}
    )
    assert response.status_code == 404
    assert teams_state() == before


def test_delete_a_team(admin_user, owner, other_team, outsider, browser_for):
    person = factories.make_person(owner)
    record_share(actor=owner, record_type="person", record_id=person.pk, team=other_team)
    client = browser_for(admin_user)
    assert "Delete the team Sales Brazil?" in text(
        client.get(f"/settings/teams/{other_team.pk}/delete/")
    )
    response = client.post(f"/settings/teams/{other_team.pk}/delete/")
    assert (response.status_code, response.url) == (302, "/settings/teams/")
    assert not Team.objects.filter(pk=other_team.pk).exists()
    assert not RecordShare.objects.exists()
    assert not TeamMembership.objects.filter(user=outsider).exists()


def test_a_team_with_sub_teams_stays(admin_user, team, browser_for):
    factories.make_team("Mumbai", parent=team)
    client = browser_for(admin_user)
    assert "A team with sub-teams cannot be deleted." in text(
        client.get(f"/settings/teams/{team.pk}/")
    )
    before = teams_state()
    response = client.post(f"/settings/teams/{team.pk}/delete/")
    assert response.status_code == 302
    assert "This team has sub-teams" in text(client.get(response.url))
    assert teams_state() == before


# --- pipelines ---------------------------------------------------------------------------------
def rows_of(response: Any) -> list[tuple[str, str, str]]:
    return [(r.name, r.probability, r.kind) for r in response.context["rows"]]


def post_rows(pipeline: Any, rows: list[tuple[Any, str, str, str]], **extra: str) -> dict[str, Any]:
    """The form a pipeline page posts: its name and version, and one value per stage row."""
    return {
        "name": extra.pop("name", pipeline.name if pipeline else "Partners"),
        "version": str(pipeline.version) if pipeline else "",
        "stage_id": [str(r[0] or "") for r in rows],
        "stage_name": [r[1] for r in rows],
        "stage_probability": [r[2] for r in rows],
        "stage_kind": [r[3] for r in rows],
        **extra,
    }


def test_the_pipeline_list(admin_user, owner, pipeline, browser_for):
    factories.make_deal(owner, pipeline)
    factories.make_pipeline(admin_user, name="Renewals")
    response = browser_for(admin_user).get("/settings/pipelines/")
    assert [(p.name, p.is_default, p.deal_count) for p in response.context["pipelines"]] == [
        ("Sales", True, 1),
        ("Renewals", False, 0),
    ]
    assert "Make default" in text(response)


def test_create_a_pipeline_through_the_page(admin_user, browser_for):
    client = browser_for(admin_user)
    page = client.get("/settings/pipelines/new/")
    assert rows_of(page) == [
        ("Qualified", "10", "open"),
        ("Proposal", "50", "open"),
        ("Won", "100", "won"),
        ("Lost", "0", "lost"),
    ]
    data = post_rows(
        None,
        [
            (None, "Intro", "20", "open"),
            (None, "Signed", "100", "won"),
            (None, "Gone", "0", "lost"),
        ],
        name="Partners",
        action="save",
    )
    response = client.post("/settings/pipelines/new/", data)
    assert (response.status_code, response.url) == (302, "/settings/pipelines/")
    created = Pipeline.objects.get(name="Partners")
    assert list(created.stages.order_by("position").values_list("name", "probability", "kind")) == [
        ("Intro", 20, "open"),
        ("Signed", 100, "won"),
        ("Gone", 0, "lost"),
    ]
    assert created.is_default is True  # the first pipeline becomes the default


def test_rows_move_and_change_without_saving(admin_user, pipeline, browser_for):
    client = browser_for(admin_user)
    stages = list(pipeline.stages.order_by("position"))
    rows = [(s.pk, s.name, str(s.probability), s.kind) for s in stages]
    before = pipelines_state()
    # down moves a row one place later; up one place earlier
    moved = client.post(
        f"/settings/pipelines/{pipeline.pk}/", post_rows(pipeline, rows, action="down-0")
    )
    assert moved.status_code == 200
    assert [r[0] for r in rows_of(moved)] == ["Proposal", "Qualified", "Negotiation", "Won", "Lost"]
    assert "Not saved yet" in text(moved)
    moved = client.post(
        f"/settings/pipelines/{pipeline.pk}/", post_rows(pipeline, rows, action="up-4")
    )
    assert [r[0] for r in rows_of(moved)] == ["Qualified", "Proposal", "Negotiation", "Lost", "Won"]
    # the first row cannot go up, nor the last down
    same = client.post(
        f"/settings/pipelines/{pipeline.pk}/", post_rows(pipeline, rows, action="up-0")
    )
    assert [r[0] for r in rows_of(same)] == [s.name for s in stages]
    # add appends an empty open row; remove takes one out
    added = client.post(
        f"/settings/pipelines/{pipeline.pk}/", post_rows(pipeline, rows, action="add")
    )
    assert rows_of(added)[-1] == ("", "0", "open")
    removed = client.post(
        f"/settings/pipelines/{pipeline.pk}/", post_rows(pipeline, rows, action="remove-2")
    )
    assert [r[0] for r in rows_of(removed)] == ["Qualified", "Proposal", "Won", "Lost"]
    # the ids travel with their rows
    assert [r.id for r in removed.context["rows"]] == [stages[i].pk for i in (0, 1, 3, 4)]
    # and nothing was saved
    assert pipelines_state() == before


def test_save_reordered_renamed_added_and_removed_stages(admin_user, pipeline, browser_for):
    q, p, n, w, lost = pipeline.stages.order_by("position")
    rows = [
        (p.pk, "Proposal sent", "40", "open"),
        (q.pk, "Qualified", "10", "open"),
        (None, "Legal review", "85", "open"),
        (w.pk, "Won", "100", "won"),
        (lost.pk, "Lost", "0", "lost"),
    ]
    response = browser_for(admin_user).post(
        f"/settings/pipelines/{pipeline.pk}/",
        post_rows(pipeline, rows, action="save", name="Sales 2"),
    )
    assert response.status_code == 302
    pipeline.refresh_from_db()
    assert (pipeline.name, pipeline.version) == ("Sales 2", 2)
    live = pipeline.stages.filter(is_archived=False).order_by("position")
    assert list(live.values_list("name", "probability", "kind")) == [
        ("Proposal sent", 40, "open"),
        ("Qualified", 10, "open"),
        ("Legal review", 85, "open"),
        ("Won", 100, "won"),
        ("Lost", 0, "lost"),
    ]
    assert live[0].pk == p.pk  # the same stage, renamed and moved
    assert not Stage.objects.filter(pk=n.pk).exists()  # Negotiation had no deals: deleted


@pytest.mark.parametrize(
    "rows,message",
    [
        ([(None, "", "10", "open")], "This field is required."),
        ([(None, "A", "abc", "open")], "Enter a whole number from 0 to 100."),
        ([(None, "A", "140", "open")], "Enter a whole number from 0 to 100."),
        ([(None, "A", "10", "open"), (None, "a", "20", "open")], "Stage names must be different."),
        ([(None, "A", "100", "won")], "A pipeline needs at least one open stage."),
        ([], "A pipeline needs at least one stage."),
    ],
)
def test_bad_stages_show_their_errors_and_change_nothing(
    admin_user, pipeline, browser_for, rows, message
):
    client = browser_for(admin_user)
    before = pipelines_state()
    response = client.post(
        f"/settings/pipelines/{pipeline.pk}/", post_rows(pipeline, rows, action="save")
    )
    assert response.status_code == 422
    assert message in text(response)
    assert pipelines_state() == before
    # and the rows come back as typed
    assert rows_of(response) == [(r[1], r[2], r[3]) for r in rows]


def test_a_stage_with_deals_cannot_be_removed(admin_user, owner, pipeline, browser_for):
    deal = factories.make_deal(owner, pipeline)
    stages = [s for s in pipeline.stages.order_by("position") if s.pk != deal.stage_id]
    rows = [(s.pk, s.name, str(s.probability), s.kind) for s in stages]
    before = pipelines_state()
    response = browser_for(admin_user).post(
        f"/settings/pipelines/{pipeline.pk}/", post_rows(pipeline, rows, action="save")
    )
    assert response.status_code == 422
    assert "still has deals" in text(response)
    assert pipelines_state() == before


def test_a_stale_pipeline_form_is_a_conflict(admin_user, pipeline, browser_for):
    stages = list(pipeline.stages.order_by("position"))
    rows = [(s.pk, s.name, str(s.probability), s.kind) for s in stages]
    stale = post_rows(pipeline, rows, action="save", name="Mine")
    pipeline_update(actor=admin_user, pipeline=pipeline, version=1, name="Theirs")
    before = pipelines_state()
    response = browser_for(admin_user).post(f"/settings/pipelines/{pipeline.pk}/", stale)
    assert response.status_code == 409
    body = text(response)
    assert "changed by someone else" in body
    assert "Open the latest version in a new tab" in body
    assert 'value="Mine"' in body  # what they typed is still there
    assert pipelines_state() == before


def test_make_another_pipeline_the_default(admin_user, pipeline, browser_for):
    renewals = factories.make_pipeline(admin_user, name="Renewals")
    client = browser_for(admin_user)
    response = client.post(f"/settings/pipelines/{renewals.pk}/default/", {"version": "1"})
    assert response.status_code == 302
    assert list(Pipeline.objects.filter(is_default=True).values_list("name", flat=True)) == [
        "Renewals"
    ]
    # a stale version changes nothing
    before = pipelines_state()
    response = client.post(f"/settings/pipelines/{pipeline.pk}/default/", {"version": "7"})
    assert "changed by someone else" in text(client.get(response.url))
    assert pipelines_state() == before


def test_delete_a_pipeline_without_deals(admin_user, owner, pipeline, browser_for):
    spare = factories.make_pipeline(admin_user, name="Spare")
    factories.make_deal(owner, pipeline)
    client = browser_for(admin_user)
    assert "Delete the pipeline Spare?" in text(
        client.get(f"/settings/pipelines/{spare.pk}/delete/")
    )
    response = client.post(f"/settings/pipelines/{spare.pk}/delete/", {"version": "1"})
    assert (response.status_code, response.url) == (302, "/settings/pipelines/")
    assert not Pipeline.objects.filter(pk=spare.pk).exists()
    # one with deals stays
    before = pipelines_state()
    response = client.post(f"/settings/pipelines/{pipeline.pk}/delete/", {"version": "1"})
    assert "still has deals" in text(client.get(response.url))
    assert pipelines_state() == before


def test_a_missing_pipeline_or_team_is_404(admin_user, browser_for):
    client = browser_for(admin_user)
    for path in ("/settings/pipelines/987654/", "/settings/teams/987654/"):
        assert client.get(path).status_code == 404


def test_every_problem_is_shown_at_once(admin_user, browser_for):
    rows = [(None, "", "10", "open"), (None, "B", "lots", "open"), (None, "C", "-5", "won")]
    before = pipelines_state()
    response = browser_for(admin_user).post(
        "/settings/pipelines/new/", post_rows(None, rows, name="", action="save")
    )
    assert response.status_code == 422
    assert response.context["form"].errors["name"] == ["This field is required."]
    assert [r.errors for r in response.context["rows"]] == [
        {"name": "This field is required."},
        {"probability": "Enter a whole number from 0 to 100."},
        {"probability": "Enter a whole number from 0 to 100."},
    ]
    assert pipelines_state() == before
