"""Saved views (services and reads) and the list state read from query strings."""

from __future__ import annotations

import pytest
from django.http import QueryDict

from sambandh.contacts.views import PEOPLE
from sambandh.core.errors import Forbidden, NotFound, ValidationFailed
from sambandh.core.models import AuditEvent, SavedView
from sambandh.core.saved_views import saved_view_create, saved_view_delete, saved_views_for
from sambandh.web.lists import parse_state

pytestmark = pytest.mark.django_db


def test_views_for_a_user_are_their_own_and_the_shared_ones(owner, teammate, outsider):
    # given a private view of the owner's, a shared one of the teammate's, and another list's
    mine = saved_view_create(actor=owner, list_key="people", name="Mine", filters={})
    shared = saved_view_create(
        actor=teammate, list_key="people", name="Team", filters={}, is_shared=True
    )
    saved_view_create(actor=teammate, list_key="people", name="Private", filters={})
    saved_view_create(actor=owner, list_key="deals", name="Deals", filters={})

    # then each user sees what is theirs or shared, per list
    assert saved_views_for(owner, "people") == [mine, shared]
    assert saved_views_for(outsider, "people") == [shared]


def test_create_cleans_and_audits(owner):
    view = saved_view_create(
        actor=owner,
        list_key="people",
        name="  India  ",
        filters={"country": " IN ", "name": ""},
        sort="-name",
        columns=["email", "email"],
    )
    assert (view.name, view.filters, view.columns) == ("India", {"country": "IN"}, ["email"])
    assert (
        AuditEvent.objects.filter(
            record_type="saved_view", record_id=view.pk, action="create"
        ).count()
        == 1
    )


def test_create_refuses_bad_input_and_writes_nothing(owner):
    saved_view_create(actor=owner, list_key="people", name="India", filters={})
    with pytest.raises(ValidationFailed) as duplicate:
        saved_view_create(actor=owner, list_key="people", name="india", filters={})
    with pytest.raises(ValidationFailed) as unknown_list:
        saved_view_create(actor=owner, list_key="spaceships", name="X", filters={})
    with pytest.raises(ValidationFailed) as too_long:
        saved_view_create(actor=owner, list_key="people", name="X", filters={"name": "x" * 201})
    assert duplicate.value.fields == {"name": "You already have a view with this name."}
    assert unknown_list.value.fields == {"list_key": "Not a list."}
    assert too_long.value.fields == {"filters": "A filter value is at most 200 characters."}
    assert SavedView.objects.count() == 1


def test_only_the_owner_or_an_admin_deletes(owner, teammate, admin_user, outsider):
    shared = saved_view_create(
        actor=teammate, list_key="people", name="Team", filters={}, is_shared=True
    )
    private = saved_view_create(actor=teammate, list_key="people", name="Private", filters={})

    with pytest.raises(Forbidden):
        saved_view_delete(actor=owner, list_key="people", saved_view_id=shared.pk)
    with pytest.raises(NotFound):
        saved_view_delete(actor=outsider, list_key="people", saved_view_id=private.pk)
    saved_view_delete(actor=admin_user, list_key="people", saved_view_id=shared.pk)

    assert list(SavedView.objects.values_list("name", flat=True)) == ["Private"]


def test_state_from_the_query_string(owner):
    state = parse_state(PEOPLE, QueryDict("name=asha&country=IN&sort=-name&cols=email,tags&x=1"))
    assert state.filters == {"name": "asha", "country": "IN"}
    assert (state.sort, state.columns) == ("-name", ["name", "email", "tags"])
    assert state.querystring() == "?name=asha&country=IN&sort=-name&cols=name%2Cemail%2Ctags"
    # the name header toggles back to ascending and drops the cursor
    assert state.headers()[0].url == "?name=asha&country=IN&cols=name%2Cemail%2Ctags"


def test_unknown_sorts_and_columns_fall_back_to_the_defaults():
    state = parse_state(PEOPLE, QueryDict("sort=password&cols=secret"))
    assert state.sort == ""
    assert state.columns == PEOPLE.default_columns
    assert state.query().sort == "name"


def test_a_saved_view_id_alone_opens_the_view(owner):
    view = saved_view_create(
        actor=owner,
        list_key="people",
        name="India",
        filters={"country": "IN", "password": "x"},
        sort="-updated",
        columns=["country"],
    )
    state = parse_state(PEOPLE, QueryDict(f"view={view.pk}"), [view])
    assert (state.filters, state.sort, state.columns, state.view_id) == (
        {"country": "IN"},
        "-updated",
        ["name", "country"],
        view.pk,
    )


def test_a_page_size_is_one_of_the_offered_ones_and_kept_in_the_links():
    # given a list asked for 25 rows a page, filtered and on a later page
    state = parse_state(PEOPLE, QueryDict("name=asha&per_page=25&cursor=abc"))

    # then the selector reads 25, and every link but the count's keeps the choice
    assert (state.per_page, state.query().limit) == (25, 25)
    assert state.querystring() == "?name=asha&per_page=25&cursor=abc"
    assert state.headers()[0].url == "?name=asha&sort=-name&per_page=25"
    assert state.filter_query == "?name=asha"
    assert ("per_page", "25") not in state.hidden_inputs()
    # the pager's choices go back to the first page, the list's own size without the parameter
    assert state.page_size_choices() == [
        (25, "?name=asha&per_page=25", True),
        (50, "?name=asha", False),
        (100, "?name=asha&per_page=100", False),
    ]


@pytest.mark.parametrize("raw", ["7", "50", "100000", "-25", "abc", ""])
def test_a_page_size_not_offered_is_the_lists_own(raw):
    state = parse_state(PEOPLE, QueryDict(f"per_page={raw}"))
    assert (state.per_page, state.query().limit, state.querystring()) == (None, 50, "?")
