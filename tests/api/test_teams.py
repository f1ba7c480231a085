"""/api/v1/teams: the tree of teams and their members; administrators change it."""

from __future__ import annotations

from typing import Any

import pytest

from sambandh.accounts.models import RecordShare, Team, TeamMembership
from sambandh.accounts.services import record_share, user_update
from sambandh.core.models import AuditEvent
from tests.api.helpers import MISSING_ID, assert_error, walk
from tests.factories import make_person, make_team

pytestmark = pytest.mark.django_db

URL = "/api/v1/teams"


def teams_state() -> dict[str, Any]:
    """Every team, membership and share, and the audit count: what a refused write keeps."""
    return {
        "teams": list(Team.objects.order_by("pk").values()),
        "members": list(TeamMembership.objects.order_by("pk").values("team_id", "user_id")),
        "shares": list(RecordShare.objects.order_by("pk").values()),
        "audit": AuditEvent.objects.count(),
    }


@pytest.fixture
def tree(team, other_team) -> dict[str, Team]:
    """Sales India > (Mumbai > Andheri, Pune); Sales Brazil."""
    mumbai = make_team("Mumbai", parent=team)
    return {
        "india": team,
        "brazil": other_team,
        "mumbai": mumbai,
        "andheri": make_team("Andheri", parent=mumbai),
        "pune": make_team("Pune", parent=team),
    }


def test_the_tree_parents_first_and_siblings_by_name(api, owner, outsider, tree):
    resp = api(owner).get(URL)
    assert resp.status_code == 200
    body = resp.json()
    assert body["next"] is None
    assert [(t["name"], t["depth"], t["parent_id"]) for t in body["items"]] == [
        ("Sales Brazil", 0, None),
        ("Sales India", 0, None),
        ("Mumbai", 1, tree["india"].pk),
        ("Andheri", 2, tree["mumbai"].pk),
        ("Pune", 1, tree["india"].pk),
    ]
    assert body["items"][0]["members"] == [
        {"id": outsider.pk, "full_name": "Oscar Outsider", "email": "outsider@example.com"}
    ]
    # pages follow the same order
    assert walk(api(owner), URL, {"limit": 2}) == [t["id"] for t in body["items"]]


def test_one_team(api, owner, tree):
    resp = api(owner).get(f"{URL}/{tree['andheri'].pk}")
    assert resp.status_code == 200
    body = resp.json()
    assert (body["name"], body["depth"], body["parent_id"]) == ("Andheri", 2, tree["mumbai"].pk)
    assert body["members"] == []
    assert_error(api(owner).get(f"{URL}/{MISSING_ID}"), 404, "not_found")


def test_non_admins_see_only_active_members(api, admin_user, owner, teammate, team):
    user_update(actor=admin_user, user=teammate, is_active=False)
    members = {m["id"] for m in api(owner).get(f"{URL}/{team.pk}").json()["members"]}
    assert teammate.pk not in members and owner.pk in members
    members = {m["id"] for m in api(admin_user).get(f"{URL}/{team.pk}").json()["members"]}
    assert teammate.pk in members


def test_create_rename_and_move(api, admin_user, tree):
    client = api(admin_user)
    # create under Mumbai
    resp = client.post(URL, {"name": "  Bandra ", "parent_id": tree["mumbai"].pk})
    assert resp.status_code == 201, resp.content
    created = resp.json()
    assert (created["name"], created["depth"], created["parent_id"]) == (
        "Bandra",
        2,
        tree["mumbai"].pk,
    )
    assert AuditEvent.objects.filter(record_type="team", record_id=created["id"]).count() == 1
    # rename only: the parent stays
    resp = client.patch(f"{URL}/{created['id']}", {"name": "Bandra West"})
    assert (resp.json()["name"], resp.json()["parent_id"]) == ("Bandra West", tree["mumbai"].pk)
    # move under Brazil, then to the top
    resp = client.patch(f"{URL}/{created['id']}", {"parent_id": tree["brazil"].pk})
    assert (resp.json()["depth"], resp.json()["parent_id"]) == (1, tree["brazil"].pk)
    resp = client.patch(f"{URL}/{created['id']}", {"parent_id": None})
    assert (resp.json()["depth"], resp.json()["parent_id"]) == (0, None)
    # a subtree moves with its root
    resp = client.patch(f"{URL}/{tree['mumbai'].pk}", {"parent_id": tree["brazil"].pk})
    assert resp.status_code == 200
    assert client.get(f"{URL}/{tree['andheri'].pk}").json()["depth"] == 2
    event = (
        AuditEvent.objects.filter(record_type="team", record_id=tree["mumbai"].pk)
        .order_by("pk")
        .last()
    )
    assert event.changes == {"parent": [tree["india"].pk, tree["brazil"].pk]}


@pytest.mark.parametrize("target", ["itself", "child", "grandchild"])
def test_a_cycle_is_refused(api, admin_user, tree, target):
    client = api(admin_user)
    parent = {"itself": "india", "child": "mumbai", "grandchild": "andheri"}[target]
    before = teams_state()
    resp = client.patch(f"{URL}/{tree['india'].pk}", {"parent_id": tree[parent].pk})
    assert_error(
        resp,
        422,
        "validation_failed",
        {"parent_id": "A team cannot be inside itself or one of its sub-teams."},
    )
    assert teams_state() == before


@pytest.mark.parametrize(
    "method,path,body,fields",
    [
        ("post", "", {"name": ""}, {"name": "This field is required."}),
        ("post", "", {"name": "sales india"}, {"name": "A team with this name already exists."}),
        ("post", "", {"name": "X", "parent_id": MISSING_ID}, {"parent_id": "No such team."}),
        ("post", "", {"name": "X", "members": []}, {"members": "Unknown field."}),
        ("post", "", {"name": "x" * 121}, {"name": "String should have at most 120 characters"}),
        (
            "patch",
            "/{team}",
            {"name": "Sales Brazil"},
            {"name": "A team with this name already exists."},
        ),
        ("patch", "/{team}", {"parent_id": MISSING_ID}, {"parent_id": "No such team."}),
        (
            "patch",
            "/{team}",
            {"parent_id": 0},
            {"parent_id": "Input should be greater than or equal to 1"},
        ),
        ("post", "/{team}/members", {"user_id": MISSING_ID}, {"user_id": "No such user."}),
        ("post", "/{team}/members", {}, {"user_id": "This field is required."}),
    ],
)
def test_bad_input_changes_nothing(api, admin_user, owner, tree, method, path, body, fields):
    client = api(admin_user)
    before = teams_state()
    resp = getattr(client, method)(URL + path.format(team=tree["india"].pk), body)
    assert_error(resp, 422, "validation_failed", fields)
    assert teams_state() == before


def test_members_join_and_leave(api, admin_user, owner, outsider, team):
    client = api(admin_user)
    resp = client.post(f"{URL}/{team.pk}/members", {"user_id": outsider.pk})
    assert resp.status_code == 201
    assert {m["id"] for m in resp.json()["members"]} == {owner.pk, outsider.pk}
    # joining twice changes nothing
    events = AuditEvent.objects.count()
    assert client.post(f"{URL}/{team.pk}/members", {"user_id": outsider.pk}).status_code == 201
    assert AuditEvent.objects.count() == events
    assert client.delete(f"{URL}/{team.pk}/members/{outsider.pk}").status_code == 204
    assert not TeamMembership.objects.filter(team=team, user=outsider).exists()
    event = AuditEvent.objects.filter(record_type="team", record_id=team.pk).order_by("pk").last()
    assert (event.actor_id, event.changes) == (
        admin_user.pk,
        {"members": [sorted([owner.pk, outsider.pk]), [owner.pk]]},
    )
    # leaving a team one is not in, or a missing user, answers 404
    before = teams_state()
    assert_error(client.delete(f"{URL}/{team.pk}/members/{outsider.pk}"), 404, "not_found")
    assert_error(client.delete(f"{URL}/{team.pk}/members/{MISSING_ID}"), 404, "not_found")
    assert_error(client.delete(f"{URL}/{MISSING_ID}/members/{owner.pk}"), 404, "not_found")
    assert teams_state() == before


def test_a_deactivated_user_cannot_join(api, admin_user, outsider, team):
    user_update(actor=admin_user, user=outsider, is_active=False)
    client = api(admin_user)
    before = teams_state()
    resp = client.post(f"{URL}/{team.pk}/members", {"user_id": outsider.pk})
    assert_error(resp, 422, "validation_failed", {"user_id": "This user is deactivated."})
    assert teams_state() == before


def test_membership_changes_a_managers_view_at_the_next_request(
    api, admin_user, manager, outsider, other_team
):
    # given a manager who does not see the outsider's person
    theirs = make_person(outsider)
    client = api(manager)
    assert client.get(f"/api/v1/people/{theirs.pk}").status_code == 404
    # when the manager joins the outsider's team, they see it on their next request
    api(admin_user).post(f"{URL}/{other_team.pk}/members", {"user_id": manager.pk})
    assert client.get(f"/api/v1/people/{theirs.pk}").status_code == 200
    # and when they leave, they no longer do
    api(admin_user).delete(f"{URL}/{other_team.pk}/members/{manager.pk}")
    assert client.get(f"/api/v1/people/{theirs.pk}").status_code == 404


def test_moving_a_team_changes_a_managers_view(api, admin_user, manager, outsider, tree):
    theirs = make_person(outsider)  # the outsider is in Sales Brazil
    client = api(manager)  # the manager is in Sales India
    assert client.get(f"/api/v1/people/{theirs.pk}").status_code == 404
    api(admin_user).patch(f"{URL}/{tree['brazil'].pk}", {"parent_id": tree["pune"].pk})
    assert client.get(f"/api/v1/people/{theirs.pk}").status_code == 200


def test_delete_a_team_its_members_and_shares(api, admin_user, owner, outsider, team, other_team):
    # given a team with a member and a record shared with it
    person = make_person(owner)
    share = record_share(actor=owner, record_type="person", record_id=person.pk, team=other_team)
    client = api(admin_user)
    events = AuditEvent.objects.count()
    # when it is deleted
    assert client.delete(f"{URL}/{other_team.pk}").status_code == 204
    # then the team, its membership and the share are gone
    assert not Team.objects.filter(pk=other_team.pk).exists()
    assert not TeamMembership.objects.filter(user=outsider).exists()
    assert not RecordShare.objects.filter(pk=share.pk).exists()
    # with an unshare row on the record and a delete row for the team
    new = list(AuditEvent.objects.order_by("pk")[events:])
    assert [(e.action, e.record_type, e.record_id) for e in new] == [
        ("unshare", "person", person.pk),
        ("delete", "team", other_team.pk),
    ]
    assert new[1].changes == {"members": [[outsider.pk], None], "shares": [1, None]}
    # and the person's owner is untouched
    assert TeamMembership.objects.filter(team=team, user=owner).exists()


def test_a_team_with_sub_teams_cannot_be_deleted(api, admin_user, tree):
    client = api(admin_user)
    before = teams_state()
    resp = client.delete(f"{URL}/{tree['mumbai'].pk}")
    assert_error(resp, 422, "validation_failed", {"team": "This team has sub-teams."})
    assert teams_state() == before
    assert_error(client.delete(f"{URL}/{MISSING_ID}"), 404, "not_found")


@pytest.mark.parametrize("who", ["owner", "manager", "readonly"])
def test_only_admins_change_teams(api, request, who, tree, outsider):
    user = request.getfixturevalue(who)
    client = api(user)
    india = tree["india"].pk
    before = teams_state()
    for method, path, body in [
        ("post", "", {"name": "Mine"}),
        ("patch", f"/{india}", {"name": "Mine"}),
        ("patch", f"/{india}", {"parent_id": tree["brazil"].pk}),
        ("delete", f"/{tree['pune'].pk}", None),
        ("post", f"/{india}/members", {"user_id": outsider.pk}),
        ("post", f"/{india}/members", {"user_id": user.pk}),
        ("delete", f"/{india}/members/{user.pk}", None),
        # refused before anything is looked up
        ("post", f"/{india}/members", {"user_id": MISSING_ID}),
        ("delete", f"/{MISSING_ID}", None),
    ]:
        resp = (
            client.delete(URL + path)
            if method == "delete"
            else getattr(client, method)(URL + path, body)
        )
        assert_error(resp, 403, "forbidden")
    assert teams_state() == before
    # but they read the tree
    assert client.get(URL).status_code == 200
