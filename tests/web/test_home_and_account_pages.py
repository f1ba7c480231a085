"""The start page, the profile and the API token pages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from sambandh.accounts.models import ApiToken
from sambandh.accounts.selectors import token_authenticate
from sambandh.accounts.services import token_create
from tests import factories
from tests.web.helpers import count_queries, text

pytestmark = pytest.mark.django_db


def test_home_greets_and_sums_my_work(owner, outsider, pipeline, browser_for):
    # given the owner's overdue task, two open deals in their reporting currency (USD) and a
    # note; and the outsider's deal
    factories.make_activity(
        owner, "task", subject="Call Asha", due_at=timezone.now() - timedelta(days=1)
    )
    factories.make_deal(owner, pipeline, amount="1000", currency="USD")
    factories.make_deal(owner, pipeline, amount="2500", currency="USD")
    factories.make_deal(outsider, pipeline, amount="999999", currency="USD")
    person = factories.make_person(owner, full_name="Asha Rao")
    factories.make_activity(owner, "note", person_id=person.pk, subject="Met at the expo")

    # when the owner opens the start page
    response = browser_for(owner).get(reverse("home:index"))

    # then the greeting, the counts, the totals and the recent note are there
    body = text(response)
    assert response.status_code == 200
    assert "Olivia" in response.context["greeting"]
    assert [t.subject for t in response.context["next_tasks"]] == ["Call Asha"]
    assert (response.context["overdue_count"], response.context["open_tasks"]) == ("1", "1")
    assert response.context["open_deals"] == 2
    assert "$3,500.00" in body
    assert "$999,999.00" not in body
    assert "Met at the expo" in body


def test_home_query_count_does_not_grow(owner, pipeline, browser_for):
    client = browser_for(owner)

    def add(n: int) -> None:
        for _ in range(n):
            factories.make_deal(owner, pipeline)
            factories.make_activity(owner, "task", due_at=timezone.now() - timedelta(hours=1))
            factories.make_activity(owner, "note", person_id=factories.make_person(owner).pk)

    add(5)
    with_five = count_queries(client, "/")
    add(20)
    with_twenty_five = count_queries(client, "/")

    # session, user, 4 task sections (their first five), 3 task counts (each stopping at
    # 101), my open deals in every pipeline (their count and totals; the first six with their
    # stage and pipeline), recent activity and its owners
    # (+1: the viewer's field rules, accounts/policy.py field_access)
    # (+1: the custom field definitions, read once per request: customfields/selectors.py)
    # (+1: the unread count of the notification bell in the top bar)
    # (+1: the unread notifications the home page lists)
    # (+1: the company's currency, which the deals' sum is stored in)
    # (+1: the fields marked sensitive, of every type at once: a deal's amount is a read)
    assert with_five == with_twenty_five == 19


def test_home_needs_a_login(db, client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_profile_changes_language_time_zone_and_currency(owner, browser_for):
    client = browser_for(owner)
    response = client.post(
        reverse("accounts:profile"),
        {
            "full_name": "Olivia O.",
            "language": "hi",
            "time_zone": "Asia/Kolkata",
            "currency": "INR",
        },
    )
    owner.refresh_from_db()
    assert response.status_code == 302
    assert (owner.full_name, owner.language, owner.time_zone, owner.currency) == (
        "Olivia O.",
        "hi",
        "Asia/Kolkata",
        "INR",
    )
    # and the next page speaks Hindi
    assert client.get(reverse("accounts:profile")).headers["Content-Language"] == "hi"


def test_profile_refuses_an_unknown_time_zone(owner, browser_for):
    response = browser_for(owner).post(
        reverse("accounts:profile"),
        {
            "full_name": "X",
            "language": "en",
            "time_zone": "Mars/Olympus",
            "currency": "USD",
        },
    )
    owner.refresh_from_db()
    assert response.status_code == 200
    assert "time_zone" in response.context["form"].errors
    assert (owner.full_name, owner.time_zone) == ("Olivia Owner", "UTC")


def test_token_is_shown_once_and_works(owner, browser_for):
    client = browser_for(owner)

    created = client.post(
        reverse("accounts:tokens"), {"name": "sheet sync", "scope_all": "write", "expires_in": ""}
    )
    again = client.get(reverse("accounts:tokens"))

    secret = created.context["secret"]
    assert secret.startswith("sbk_")
    assert secret in text(created)
    assert created.headers["Cache-Control"] == "no-store"
    assert secret not in text(again)
    assert "sheet sync" in text(again)
    assert token_authenticate(secret).user == owner


def test_revoking_a_token_stops_it(owner, browser_for):
    token, secret = token_create(user=owner, name="old")
    response = browser_for(owner).post(reverse("accounts:token_revoke", args=[token.pk]))
    assert response.status_code == 302
    assert token_authenticate(secret) is None


def test_nobody_can_revoke_someone_elses_token(owner, outsider, browser_for):
    token, secret = token_create(user=owner, name="mine")
    response = browser_for(outsider).post(reverse("accounts:token_revoke", args=[token.pk]))
    assert response.status_code == 404
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None
    assert token_authenticate(secret).user == owner


def test_task_counts_stop_at_a_hundred(owner):
    from datetime import timedelta

    from django.utils import timezone

    from sambandh.activities.models import Activity
    from sambandh.activities.selectors import my_task_counts

    past = timezone.now() - timedelta(days=1)
    Activity.objects.bulk_create(
        Activity(owner=owner, assignee=owner, kind="task", subject=f"T{n}", due_at=past)
        for n in range(101)
    )
    counts = my_task_counts(viewer=owner)
    assert (counts.overdue, counts.open, counts.today) == (101, 101, 0)
    assert (counts.shown("overdue"), counts.shown("today")) == ("100+", "0")


def test_home_lists_my_open_deals_of_every_pipeline_and_what_i_opened_last(
    owner, teammate, pipeline, browser_for
):
    other_pipeline = factories.make_pipeline(name="Renewals")
    mine = factories.make_deal(owner, pipeline, name="Expansion", amount="1000")
    renewal = factories.make_deal(owner, other_pipeline, name="Renewal 2027", amount="500")
    factories.make_deal(teammate, pipeline, name="Not mine")
    person = factories.make_person(owner, full_name="Asha Rao")
    hidden = factories.make_person(teammate, full_name="Hidden Person")
    client = browser_for(owner)
    client.get(f"/people/{person.pk}/")
    client.get(f"/deals/{mine.pk}/")
    client.get(f"/people/{hidden.pk}/")  # a 404: never remembered
    response = client.get("/")
    body = text(response)
    assert [d.name for d in response.context["my_deals"]] == ["Renewal 2027", "Expansion"]
    assert response.context["open_deals"] == 2 and "Not mine" not in body
    assert "Renewals" in body
    recent = [(rt.key, r.pk) for rt, r in response.context["recent_records"]]
    assert recent == [("deal", mine.pk), ("person", person.pk)]
    # a record deleted since drops out of the list
    from sambandh.contacts.services import person_delete

    person_delete(actor=owner, person=person)
    recent = [(rt.key, r.pk) for rt, r in client.get("/").context["recent_records"]]
    assert recent == [("deal", mine.pk)]
    assert renewal.pk not in [pk for _k, pk in recent]
