"""A list's count (core/counts.py, bulk.views.list_count): exact up to a cap and then "about",
counted through the same policy as the list, asked for by the page after it is shown."""

from __future__ import annotations

import pytest
from django.db import connection

from sambandh.contacts.models import Person
from sambandh.core import counts
from sambandh.core.counts import Count, approximate_count
from tests import factories
from tests.web.helpers import text

pytestmark = pytest.mark.django_db


def test_the_count_is_exact_under_the_cap_and_follows_the_policy(owner, teammate, browser_for):
    for i in range(3):
        factories.make_person(owner, full_name=f"Kumar {i}")
    factories.make_person(owner, full_name="Asha")
    factories.make_person(teammate, full_name="Kumar of the teammate's")
    client = browser_for(owner)
    # the page does not count: it carries the URL its script asks, with the list's filters
    body = text(client.get("/people/?name=Kumar&sort=-name&cols=name,email"))
    assert 'data-list-count="/lists/people/count/?name=Kumar"' in body
    # the owner counts their own three Kumars, not the teammate's they may not see
    answer = client.get("/lists/people/count/?name=Kumar").json()
    assert answer == {"count": 3, "exact": True, "text": "3 results"}
    assert client.get("/lists/people/count/").json()["text"] == "4 results"
    assert client.get("/lists/people/count/?name=nobody").json()["text"] == "0 results"


def test_above_the_cap_it_says_about(owner, browser_for, monkeypatch):
    for i in range(7):
        factories.make_person(owner, full_name=f"Kumar {i}")
    monkeypatch.setattr(counts, "EXACT_UP_TO", 5)
    found = approximate_count(Person.objects.all(), exact_up_to=5)
    assert found.exact is False and found.value >= 6
    if connection.vendor == "sqlite":  # no planner estimate: counted
        assert found.value == 7
    answer = browser_for(owner).get("/lists/people/count/").json()
    assert answer["exact"] is False and answer["text"].startswith("About ")


def test_an_estimate_is_rounded_to_three_figures() -> None:
    assert Count(12_437, exact=False).rounded == 12_400
    assert Count(987_654, exact=False).rounded == 988_000
    assert Count(12_437, exact=True).rounded == 12_437
    assert Count(640, exact=False).rounded == 640


def test_a_bad_filter_is_a_clear_422(owner, browser_for):
    response = browser_for(owner).get("/lists/people/count/?owner_id=abc")
    assert response.status_code == 422
    assert response.json()["count"] is None and response.json()["error"]


def test_an_unknown_list_is_404(owner, browser_for):
    assert browser_for(owner).get("/lists/nothing/count/").status_code == 404
