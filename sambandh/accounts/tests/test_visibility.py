"""Who sees which records: one rule, checked for each named user."""

from __future__ import annotations

import pytest

from sambandh.accounts.services import record_share
from sambandh.contacts.models import Person
from sambandh.contacts.selectors import people_visible, person_get, person_get_for_update
from sambandh.core.errors import Forbidden, NotFound
from tests.factories import make_person

pytestmark = pytest.mark.django_db


def visible_names(user):
    return sorted(people_visible(user).values_list("full_name", flat=True))


def test_rep_sees_only_own_records(owner, teammate, outsider):
    # given a record for each rep
    make_person(owner, full_name="Owned by owner")
    make_person(teammate, full_name="Owned by teammate")
    make_person(outsider, full_name="Owned by outsider")
    # then each rep sees only their own
    assert visible_names(owner) == ["Owned by owner"]
    assert visible_names(outsider) == ["Owned by outsider"]


def test_manager_sees_team_records_and_not_other_teams(owner, teammate, outsider, manager):
    make_person(owner, full_name="A")
    make_person(teammate, full_name="B")
    make_person(outsider, full_name="C")
    assert visible_names(manager) == ["A", "B"]


def test_manager_sees_sub_team_records(manager, team):
    from tests.factories import make_team, make_user

    sub = make_team("Sales Hyderabad", parent=team)
    rep = make_user("sales_rep", team=sub)
    make_person(rep, full_name="In a sub-team")
    assert visible_names(manager) == ["In a sub-team"]


def test_admin_sees_everything(owner, outsider, admin_user):
    make_person(owner, full_name="A")
    make_person(outsider, full_name="C")
    assert visible_names(admin_user) == ["A", "C"]


def test_share_with_user_and_with_team(owner, teammate, outsider, other_team):
    person = make_person(owner, full_name="Shared")
    assert visible_names(outsider) == []
    record_share(actor=owner, record_type="person", record_id=person.pk, team=other_team)
    assert visible_names(outsider) == ["Shared"]
    record_share(
        actor=owner, record_type="person", record_id=person.pk, user=teammate, can_edit=False
    )
    assert visible_names(teammate) == ["Shared"]
    # a read-only share can be seen but not changed
    with pytest.raises(Forbidden):
        person_get_for_update(viewer=teammate, person_id=person.pk)


def test_invisible_record_is_not_found(owner, outsider):
    person = make_person(owner)
    with pytest.raises(NotFound):
        person_get(viewer=outsider, person_id=person.pk)


def test_read_only_user_sees_team_but_cannot_write(owner, readonly):
    person = make_person(owner, full_name="Seen")
    assert visible_names(readonly) == ["Seen"]
    with pytest.raises(Forbidden):
        person_get_for_update(viewer=readonly, person_id=person.pk)
    assert Person.objects.get(pk=person.pk).version == 1


def test_the_list_branches_together_are_the_rule(owner, teammate, outsider, manager, readonly):
    # given records of every owner and shares with a user and with a team
    from sambandh.accounts.models import TeamMembership
    from sambandh.accounts.visibility import visible_branches, visible_q
    from tests.factories import make_user

    admin = make_user("admin", email="chief@example.com")
    people = [make_person(u) for u in (owner, teammate, outsider, manager, admin)]
    record_share(actor=owner, record_type="person", record_id=people[0].pk, user=outsider)
    team = TeamMembership.objects.get(user=outsider).team
    record_share(actor=teammate, record_type="person", record_id=people[1].pk, team=team)
    for user in (owner, teammate, outsider, manager, readonly, admin):
        # when a list reads each branch
        branches = visible_branches(user, "person")
        union = set()
        for branch in branches:
            union |= set(Person.objects.filter(branch).values_list("id", flat=True))
        # then together they are exactly what the rule lets the user see
        assert union == set(people_visible(user).values_list("id", flat=True)), user.email
        assert union == set(
            Person.objects.filter(visible_q(user, "person")).values_list("id", flat=True)
        )
