"""The selection bar's "Edit a field" and "Share with", through Django's test client: the fields
offered (only those the role may see and change), the value input of each kind, a job that sets
the field or shares the records, its undo, and bad input that says why and starts nothing."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse

from sambandh.accounts.models import FieldRule, RecordShare
from sambandh.bulk.models import BulkJob
from sambandh.contacts.models import Organization, Person
from sambandh.sales.models import Deal
from tests import factories
from tests.bulk_jobs import run_worker
from tests.web.helpers import text

pytestmark = pytest.mark.django_db

PEOPLE = reverse("contacts:person_list")


def _job_url(response) -> str:  # noqa: ANN001
    assert response.status_code == 302, response.content[:300]
    assert re.fullmatch(r"/jobs/\d+/", response["Location"]), response["Location"]
    return response["Location"]


def _offered(body: str) -> list[str]:
    bar = body[body.index('id="bulk-field"') :]
    bar = bar[: bar.index("</select>")]
    return re.findall(r'<option value="([a-z_]+)"', bar)


def test_the_bar_offers_the_fields_the_role_may_change_with_a_plain_value_input(owner, browser_for):
    factories.make_person(owner, full_name="Asha Rao")
    client = browser_for(owner)
    body = text(client.get(PEOPLE))
    # the actions, and the fields of simple kinds (not the name), in the declaration's order
    assert '<option value="update">Edit a field</option>' in body
    assert '<option value="share">Share with</option>' in body
    assert _offered(body) == [
        "job_title",
        "preferred_language",
        "time_zone",
        "currency",
        "country",
        "residency",
        "source",
        "description",
    ]
    # (never a date of birth: one person's own)
    assert "birth_date" not in _offered(body)
    # without the script, the value is a plain text input; the script asks for the right one
    assert '<input id="bulk-value" name="value"' in body
    assert 'data-input-url="/bulk/people/field/"' in body

    # when an administrator hides the country from sales reps and makes the source read-only
    FieldRule.objects.create(
        record_type="person", field="country", role="sales_rep", access=FieldRule.Access.HIDDEN
    )
    FieldRule.objects.create(
        record_type="person", field="source", role="sales_rep", access=FieldRule.Access.READ_ONLY
    )
    # then neither is offered, nor is its input
    offered = _offered(text(client.get(PEOPLE)))
    assert "country" not in offered and "source" not in offered and "job_title" in offered
    assert client.get("/bulk/people/field/?field=country").status_code == 404
    assert client.get("/bulk/people/field/?field=source").status_code == 404
    # and posting it anyway is refused, starting nothing
    person = Person.objects.get()
    response = client.post(
        "/bulk/people/",
        {"ids": [person.pk], "action": "update", "field": "country", "value": "DE", "next": PEOPLE},
        follow=True,
    )
    assert "Choose a field you may change." in text(response)
    assert BulkJob.objects.count() == 0


def test_each_kind_gets_its_own_value_input(owner, pipeline, browser_for):
    client = browser_for(owner)
    country = text(client.get("/bulk/people/field/?field=country"))
    assert '<select id="bulk-value" name="value" data-bulk-value-for="country">' in country
    assert '<option value="DE">' in country and '<option value="">' in country
    assert 'for="bulk-value">New Country<' in country
    size = text(client.get("/bulk/organizations/field/?field=size"))
    assert 'data-bulk-value-for="size"' in size and "<select" in size
    close = text(client.get("/bulk/deals/field/?field=expected_close_date"))
    # a date: the picker in the user's format, its ISO value posted as "value" by the script
    assert 'data-date-input="date"' in close and 'name="value_date"' in close
    assert '<input type="hidden" name="value" value="" data-date-iso disabled>' in close
    probability = text(client.get("/bulk/deals/field/?field=probability"))
    assert 'type="number"' in probability
    title = text(client.get("/bulk/people/field/?field=job_title"))
    assert '<input id="bulk-value" name="value" data-bulk-value-for="job_title"' in title
    assert "type=" not in title
    # a field that is not offered (the name, an unknown one) has none
    for name in ("full_name", "emails", "nope", ""):
        assert client.get(f"/bulk/people/field/?field={name}").status_code == 404


def test_a_read_only_user_gets_no_value_input(readonly, browser_for):
    assert browser_for(readonly).get("/bulk/people/field/?field=country").status_code == 403


def test_edit_a_field_of_the_ticked_rows_then_undo_it(owner, browser_for):
    # given three of the owner's people in India
    asha, ravi, zoya = (
        factories.make_person(owner, full_name=name, country="IN")
        for name in ("Asha Rao", "Ravi Kumar", "Zoya")
    )
    client = browser_for(owner)
    # when two are ticked and their country set to Germany through the bar
    job_url = _job_url(
        client.post(
            "/bulk/people/",
            {
                "ids": [asha.pk, ravi.pk],
                "action": "update",
                "field": "country",
                "value": "DE",
                "next": PEOPLE,
            },
        )
    )
    run_worker()
    # then the two are in Germany, the third is untouched, and the job says so
    countries = dict(Person.objects.values_list("full_name", "country"))
    assert countries == {"Asha Rao": "DE", "Ravi Kumar": "DE", "Zoya": "IN"}
    job = BulkJob.objects.get()
    assert (job.action, job.parameters["values"], job.changed) == ("update", {"country": "DE"}, 2)
    page = text(client.get(job_url))
    assert "Undo" in page
    # when it is undone, they are back in India
    undo_url = _job_url(client.post(job_url + "undo/"))
    run_worker()
    assert set(Person.objects.values_list("country", flat=True)) == {"IN"}
    assert "done" in text(client.get(undo_url)).lower()


def test_edit_a_date_a_number_and_clear_a_field_on_every_matching_deal(
    owner, pipeline, browser_for
):
    deals = [factories.make_deal(owner, pipeline, source="Fair") for _ in range(2)]
    client = browser_for(owner)
    for field, value in (("expected_close_date", "2031-03-15"), ("probability", "40")):
        _job_url(
            client.post(
                "/bulk/deals/",
                {"scope": "matching", "action": "update", "field": field, "value": value},
            )
        )
    # an empty value clears the field
    _job_url(
        client.post(
            "/bulk/deals/",
            {"scope": "matching", "action": "update", "field": "source", "value": ""},
        )
    )
    run_worker()
    rows = Deal.objects.filter(pk__in=[d.pk for d in deals])
    assert set(rows.values_list("expected_close_date", "probability", "source")) == {
        (datetime.date(2031, 3, 15), 40, "")
    }


def test_a_bad_value_says_why_and_starts_nothing(owner, pipeline, browser_for):
    person = factories.make_person(owner, full_name="Asha Rao", country="IN")
    deal = factories.make_deal(owner, pipeline)
    client = browser_for(owner)
    cases = [
        ("/bulk/people/", person, {"field": "country", "value": "X1"}, "is not a country"),
        ("/bulk/people/", person, {"field": "full_name", "value": "X"}, "Choose a field"),
        ("/bulk/people/", person, {"value": "X"}, "Choose a field"),
        ("/bulk/deals/", deal, {"field": "probability", "value": "many"}, "whole number"),
        ("/bulk/deals/", deal, {"field": "expected_close_date", "value": "soon"}, "date"),
    ]
    for url, record, data, message in cases:
        response = client.post(
            url,
            {"ids": [record.pk], "action": "update", "next": PEOPLE, **data},
            follow=True,
        )
        assert response.redirect_chain[-1][0] == PEOPLE
        assert message in text(response), (data, text(response)[:2000])
    assert BulkJob.objects.count() == 0
    assert Person.objects.get(pk=person.pk).country == "IN"


def test_share_the_ticked_rows_with_a_user_and_undo_it(owner, teammate, outsider, browser_for):
    # given two of the owner's people and one of the outsider's shared with the owner
    asha, ravi = (factories.make_person(owner, full_name=n) for n in ("Asha Rao", "Ravi Kumar"))
    theirs = factories.make_person(outsider, full_name="Theirs")
    RecordShare.objects.create(
        record_type="person", record_id=theirs.pk, user=owner, can_edit=True, shared_by=outsider
    )
    client = browser_for(owner)
    # the bar picks a user (not oneself) or a team, and the access
    body = text(client.get(PEOPLE))
    assert f'<option value="user:{teammate.pk}">Tejas Teammate</option>' in body
    assert f'<option value="user:{owner.pk}">' not in body
    assert '<optgroup label="Teams">' in body
    assert '<option value="edit">Can edit</option>' in body
    # when the three are shared with the teammate for editing
    job_url = _job_url(
        client.post(
            "/bulk/people/",
            {
                "ids": [asha.pk, ravi.pk, theirs.pk],
                "action": "share",
                "with": f"user:{teammate.pk}",
                "access": "edit",
            },
        )
    )
    run_worker()
    # then the owner's two are shared; the other is skipped, and the page says why
    assert set(RecordShare.objects.filter(user=teammate).values_list("record_id", "can_edit")) == {
        (asha.pk, True),
        (ravi.pk, True),
    }
    page = text(client.get(job_url + "?outcome=skipped"))
    assert "Theirs" in page
    assert "Only its owner, their manager or an administrator can share it." in page
    # when it is undone, the shares are gone
    _job_url(client.post(job_url + "undo/"))
    run_worker()
    assert not RecordShare.objects.filter(user=teammate).exists()


def test_share_every_matching_organization_with_a_team(owner, other_team, browser_for):
    orgs = [factories.make_organization(owner) for _ in range(2)]
    client = browser_for(owner)
    _job_url(
        client.post(
            "/bulk/organizations/",
            {"scope": "matching", "action": "share", "with": f"team:{other_team.pk}"},
        )
    )
    run_worker()
    shares = RecordShare.objects.filter(record_type="organization")
    assert set(shares.values_list("record_id", "team_id", "can_edit")) == {
        (o.pk, other_team.pk, False) for o in orgs
    }
    assert Organization.objects.count() == 2


def test_a_bad_share_says_why_and_starts_nothing(owner, browser_for):
    person = factories.make_person(owner, full_name="Asha Rao")
    client = browser_for(owner)
    cases = [
        ({}, "Choose a user or a team to share with."),
        ({"with": "user:x"}, "Choose a user or a team to share with."),
        ({"with": "group:1"}, "Choose a user or a team to share with."),
        ({"with": "user:987654"}, "No such user."),
        ({"with": "team:987654"}, "No such team."),
        ({"with": f"user:{owner.pk}", "access": "own"}, "Choose read or edit."),
    ]
    for data, message in cases:
        response = client.post(
            "/bulk/people/",
            {"ids": [person.pk], "action": "share", "next": PEOPLE, **data},
            follow=True,
        )
        assert message in text(response), data
    assert BulkJob.objects.count() == 0 and not RecordShare.objects.exists()
