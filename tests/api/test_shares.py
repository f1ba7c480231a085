"""/api/v1/{people|organizations|deals|leads}/{id}/shares: the owner, their manager or an admin
shares a record with a user or a team, for reading or editing; effective on the next request."""

from __future__ import annotations

import pytest

from sambandh.accounts.models import RecordShare
from tests.api.helpers import assert_error, snapshot
from tests.factories import make_deal, make_lead, make_organization, make_person, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(owner):
    return make_person(owner, full_name="Asha Rao")


def test_a_read_share_lets_a_user_read_but_not_change(api, owner, outsider, person):
    url = f"/api/v1/people/{person.pk}"
    assert api(outsider).get(url).status_code == 404
    resp = api(owner).post(f"{url}/shares", {"user_id": outsider.pk, "access": "read"})
    assert resp.status_code == 201
    share = resp.json()
    assert (share["user"]["id"], share["team"], share["access"]) == (outsider.pk, None, "read")
    assert share["shared_by"] == {"id": owner.pk, "name": "Olivia Owner"}
    reader = api(outsider)
    assert reader.get(url).status_code == 200
    assert_error(reader.patch(url, {"job_title": "CEO", "version": 1}), 403, "forbidden")


def test_an_edit_share_lets_a_user_change_and_unsharing_takes_it_away(api, owner, outsider, person):
    url = f"/api/v1/people/{person.pk}"
    share = api(owner).post(f"{url}/shares", {"user_id": outsider.pk, "access": "edit"}).json()
    editor = api(outsider)
    assert editor.patch(url, {"job_title": "CEO", "version": 1}).status_code == 200
    # when the owner unshares
    assert api(owner).delete(f"{url}/shares/{share['id']}").status_code == 204
    # then from the next request the outsider no longer sees it
    assert editor.get(url).status_code == 404
    assert not RecordShare.objects.exists()


def test_a_team_share_reaches_every_member(api, owner, other_team, outsider, person):
    colleague = make_user("sales_rep", email="colleague@example.com", team=other_team)
    resp = api(owner).post(
        f"/api/v1/people/{person.pk}/shares", {"team_id": other_team.pk, "access": "read"}
    )
    assert resp.status_code == 201 and resp.json()["team"]["id"] == other_team.pk
    for user in (outsider, colleague):
        assert api(user).get(f"/api/v1/people/{person.pk}").status_code == 200


@pytest.mark.parametrize("maker", [make_organization, make_deal, make_lead])
def test_every_shareable_type_is_shared_the_same_way(api, owner, outsider, pipeline, maker):
    record = maker(owner) if maker is not make_deal else make_deal(owner, pipeline)
    path = {make_organization: "organizations", make_deal: "deals", make_lead: "leads"}[maker]
    assert api(outsider).get(f"/api/v1/{path}/{record.pk}").status_code == 404
    resp = api(owner).post(f"/api/v1/{path}/{record.pk}/shares", {"user_id": outsider.pk})
    assert resp.status_code == 201
    assert api(outsider).get(f"/api/v1/{path}/{record.pk}").status_code == 200
    listed = api(owner).get(f"/api/v1/{path}/{record.pk}/shares").json()
    assert [s["user"]["id"] for s in listed["items"]] == [outsider.pk]


def test_the_owners_manager_and_an_admin_may_share_but_not_someone_it_is_shared_with(
    api, owner, manager, admin_user, teammate, outsider, person
):
    url = f"/api/v1/people/{person.pk}/shares"
    assert api(manager).post(url, {"user_id": teammate.pk}).status_code == 201
    assert api(admin_user).post(url, {"user_id": outsider.pk, "access": "edit"}).status_code == 201
    # the outsider may now edit the person, but sharing it on is for its owner's side
    before = RecordShare.objects.count()
    assert_error(api(outsider).post(url, {"user_id": teammate.pk}), 403, "forbidden")
    # and a teammate who cannot see it gets the same answer as for a missing person
    assert RecordShare.objects.count() == before


def test_a_read_only_user_may_not_share(api, readonly, outsider, person):
    client = api(readonly)
    before = snapshot(person)
    resp = client.post(f"/api/v1/people/{person.pk}/shares", {"user_id": outsider.pk})
    assert_error(resp, 403, "forbidden")
    assert snapshot(person) == before and not RecordShare.objects.exists()


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"user_id": 987654}, {"user_id": "No such user."}),
        ({"team_id": 987654}, {"team_id": "No such team."}),
        ({}, {"user_id": "Share with exactly one user or one team."}),
        (
            {"user_id": "me", "team_id": "team"},
            {"user_id": "Share with exactly one user or one team."},
        ),
        ({"user_id": "owner"}, {"user_id": "This user owns the record."}),
        ({"user_id": "gone"}, {"user_id": "No such user."}),
        ({"user_id": "outsider", "access": "admin"}, None),
        ({"user_id": "outsider", "everyone": True}, {"everyone": "Unknown field."}),
    ],
)
def test_a_bad_share_is_refused_and_changes_nothing(
    api, owner, outsider, team, person, body, fields
):
    gone = make_user("sales_rep", email="gone@example.com")
    gone.is_active = False
    gone.save()
    values = {"me": outsider.pk, "team": team.pk, "owner": owner.pk, "gone": gone.pk}
    values["outsider"] = outsider.pk
    sent = {k: values.get(v, v) if isinstance(v, str) else v for k, v in body.items()}
    client = api(owner)
    before = snapshot(person)
    resp = client.post(f"/api/v1/people/{person.pk}/shares", sent)
    assert_error(resp, 422, "validation_failed", fields)
    assert snapshot(person) == before and not RecordShare.objects.exists()


def test_unsharing_a_share_that_is_not_the_records_is_a_404(api, owner, outsider, person):
    other = make_person(owner)
    share = api(owner).post(f"/api/v1/people/{other.pk}/shares", {"user_id": outsider.pk}).json()
    resp = api(owner).delete(f"/api/v1/people/{person.pk}/shares/{share['id']}")
    assert_error(resp, 404, "not_found")
    assert RecordShare.objects.count() == 1


def test_sharing_on_the_record_page(browser_for, owner, outsider, person):
    client = browser_for(owner)
    card = client.get(f"/account/shares/person/{person.pk}/").content.decode()
    assert "Share with" in card and f'value="user:{outsider.pk}"' in card
    resp = client.post(
        f"/account/shares/person/{person.pk}/add/",
        {"with": f"user:{outsider.pk}", "access": "edit"},
        headers={"HX-Request": "true"},
    )
    assert resp.status_code == 200 and "Oscar Outsider" in resp.content.decode()
    share = RecordShare.objects.get()
    assert (share.user_id, share.can_edit) == (outsider.pk, True)
    # the outsider sees who it is shared with, but no controls
    theirs = browser_for(outsider).get(f"/account/shares/person/{person.pk}/").content.decode()
    assert "Oscar Outsider" in theirs and "Share with" not in theirs and "Unshare" not in theirs
    client.post(f"/account/shares/person/{person.pk}/{share.pk}/remove/")
    assert not RecordShare.objects.exists()
