"""/api/v1/deals: create, read, update, delete, list, move between stages, stage history."""

from __future__ import annotations

from decimal import Decimal

import pytest

from sambandh.sales import services as sales
from sambandh.sales.models import Deal, StageChange
from sambandh.sales.schemas import DealFields, DealIn
from tests.api.helpers import (
    MISSING_ID,
    assert_error,
    call,
    etag,
    ids_of,
    snapshot,
    walk,
    warm,
)
from tests.factories import make_deal, make_organization, make_person, make_pipeline

pytestmark = pytest.mark.django_db

URL = "/api/v1/deals"
DETAIL_KEYS = {
    "id",
    "version",
    "name",
    "pipeline",
    "stage",
    "status",
    "amount",
    "currency",
    "probability",
    "expected_close_date",
    "organization",
    "people",
    "source",
    "description",
    "won_reason",
    "lost_reason",
    "closed_at",
    "stage_entered_at",
    "tags",
    "owner",
    "custom",
    "created_at",
    "updated_at",
}
LIST_KEYS = {
    "id",
    "version",
    "name",
    "pipeline",
    "stage",
    "status",
    "amount",
    "currency",
    "probability",
    "expected_close_date",
    "organization",
    "tags",
    "owner",
    "updated_at",
}


def stages(pipeline):
    return list(pipeline.stages.order_by("position"))


def routes(pipeline):
    """Every route that names one deal, with a body that would change it."""
    proposal = stages(pipeline)[1]
    return [
        ("get", "/{id}", None),
        ("get", "/{id}/stage-history", None),
        ("patch", "/{id}", {"name": "Changed", "version": 1}),
        ("delete", "/{id}?version=1", None),
        ("post", "/{id}/move", {"stage_id": proposal.pk, "version": 1}),
    ]


@pytest.fixture
def deal(owner, pipeline):
    return make_deal(owner, pipeline, name="Rollout for Infosys", amount="1234.50", currency="INR")


def test_create_answers_201_with_the_full_record_and_money_as_a_string(api, owner, pipeline):
    org = make_organization(owner, name="Embraer")
    person = make_person(owner, full_name="Ana Souza")
    negotiation = stages(pipeline)[2]
    resp = api(owner).post(
        URL,
        {
            "name": "Fleet renewal",
            "stage_id": negotiation.pk,
            "amount": "250000.5",
            "currency": "brl",
            "expected_close_date": "2026-03-31",
            "organization_id": org.pk,
            "person_ids": [person.pk],
            "tags": ["fleet"],
        },
    )
    assert resp.status_code == 201, resp.content
    assert resp["ETag"] == etag(1)
    body = resp.json()
    assert set(body) == DETAIL_KEYS
    assert (body["amount"], body["currency"]) == ("250000.50", "BRL")
    assert body["pipeline"] == {"id": pipeline.pk, "name": "Sales"}
    assert body["stage"] == {
        "id": negotiation.pk,
        "name": "Negotiation",
        "kind": "open",
        "probability": 80,
    }
    assert (body["status"], body["probability"]) == ("open", 80)
    assert body["expected_close_date"] == "2026-03-31"
    assert body["organization"] == {"id": org.pk, "name": "Embraer"}
    assert body["people"] == [{"id": person.pk, "name": "Ana Souza"}]
    assert body["tags"] == ["fleet"]
    deal = Deal.objects.get(pk=body["id"])
    assert (deal.amount, deal.currency) == (Decimal("250000.50"), "BRL")
    assert StageChange.objects.filter(deal=deal).count() == 1


def test_create_defaults_to_the_first_stage_of_the_default_pipeline(api, owner, pipeline):
    resp = api(owner).post(URL, {"name": "Small", "amount": "1000", "currency": "JPY"})
    assert resp.status_code == 201, resp.content
    body = resp.json()
    assert (body["stage"]["id"], body["amount"], body["currency"]) == (
        stages(pipeline)[0].pk,
        "1000",
        "JPY",
    )


@pytest.mark.parametrize(
    "amount,fields",
    [
        (12.5, {"amount": "Input should be a valid string"}),
        ("12.345", {"amount": "INR amounts have at most 2 decimal places."}),
        ("-1", {"amount": "The amount cannot be negative."}),
        ("ten", {"amount": "“ten” is not an amount. Write it like 1,234,567.89."}),
    ],
)
def test_amounts_are_exact_decimals(api, owner, pipeline, amount, fields):
    resp = api(owner).post(URL, {"name": "X", "amount": amount, "currency": "INR"})
    assert_error(resp, 422, "validation_failed", fields)
    assert Deal.objects.count() == 0


def test_read_answers_the_record_with_its_etag(api, owner, deal):
    resp = api(owner).get(f"{URL}/{deal.pk}")
    assert resp.status_code == 200
    assert resp["ETag"] == etag(1)
    assert set(resp.json()) == DETAIL_KEYS
    assert (resp.json()["amount"], resp.json()["currency"]) == ("1234.50", "INR")


def test_update(api, owner, deal, pipeline):
    client = api(owner)
    resp = client.patch(f"{URL}/{deal.pk}", {"amount": "99.99", "version": 1})
    assert resp.status_code == 200, resp.content
    assert (resp["ETag"], resp.json()["amount"]) == (etag(2), "99.99")
    # a stage change through PATCH is kept as a row too
    proposal = stages(pipeline)[1]
    resp = client.patch(f"{URL}/{deal.pk}", {"stage_id": proposal.pk}, **{"If-Match": etag(2)})
    assert resp.status_code == 200, resp.content
    deal.refresh_from_db()
    assert (deal.amount, deal.stage_id, deal.version) == (Decimal("99.99"), proposal.pk, 3)
    assert StageChange.objects.filter(deal=deal).count() == 2


def test_stale_or_missing_versions_change_nothing(api, owner, deal, pipeline):
    sales.deal_update(actor=owner, deal=deal, data=DealFields.build({"name": "First"}), version=1)
    client = api(owner)
    before = snapshot(deal)
    changes = StageChange.objects.count()
    won = stages(pipeline)[3]
    assert_error(
        client.patch(f"{URL}/{deal.pk}", {"name": "Late", "version": 1}), 409, "version_conflict"
    )
    assert_error(
        client.patch(f"{URL}/{deal.pk}", {"name": "Late"}, **{"If-Match": etag(1)}),
        409,
        "version_conflict",
    )
    assert_error(client.patch(f"{URL}/{deal.pk}", {"name": "Late"}), 428, "version_required")
    assert_error(
        client.post(f"{URL}/{deal.pk}/move", {"stage_id": won.pk, "version": 1}),
        409,
        "version_conflict",
    )
    assert_error(
        client.post(f"{URL}/{deal.pk}/move", {"stage_id": won.pk}), 428, "version_required"
    )
    assert_error(client.delete(f"{URL}/{deal.pk}?version=1"), 409, "version_conflict")
    assert_error(client.delete(f"{URL}/{deal.pk}"), 428, "version_required")
    assert_error(
        client.patch(f"{URL}/{deal.pk}", {"version": 2, "pipeline_id": 1}),
        422,
        "validation_failed",
        {"pipeline_id": "Unknown field."},
    )
    assert snapshot(deal) == before
    assert StageChange.objects.count() == changes


def test_move_records_the_change_and_the_reason(api, owner, deal, pipeline):
    first, _proposal, _negotiation, won, _lost = stages(pipeline)
    resp = api(owner).post(
        f"{URL}/{deal.pk}/move", {"stage_id": won.pk, "version": 1, "reason": "Best price"}
    )
    assert resp.status_code == 200, resp.content
    assert resp["ETag"] == etag(2)
    body = resp.json()
    assert (body["status"], body["probability"], body["won_reason"]) == ("won", 100, "Best price")
    assert body["stage"] == {"id": won.pk, "name": "Won", "kind": "won", "probability": 100}
    assert body["closed_at"].endswith("Z")
    # and the history tells the story
    history = api(owner).get(f"{URL}/{deal.pk}/stage-history").json()
    assert history["next"] is None
    assert [(h["from_stage"], h["to_stage"]["id"]) for h in history["items"]] == [
        (None, first.pk),
        ({"id": first.pk, "name": "Qualified"}, won.pk),
    ]
    last = history["items"][-1]
    assert (last["amount"], last["currency"], last["probability"]) == ("1234.50", "INR", 100)
    assert last["changed_by"] == {"id": owner.pk, "name": "Olivia Owner"}
    assert isinstance(last["seconds_in_previous"], int)


def test_move_to_an_unknown_stage_is_refused(api, owner, deal):
    client = api(owner)
    before = snapshot(deal)
    resp = client.post(f"{URL}/{deal.pk}/move", {"stage_id": MISSING_ID, "version": 1})
    assert_error(resp, 422, "validation_failed", {"stage_id": "No such stage."})
    assert snapshot(deal) == before


def test_delete(api, owner, deal):
    assert api(owner).delete(f"{URL}/{deal.pk}?version=1").status_code == 204
    assert not Deal.objects.filter(pk=deal.pk).exists()


@pytest.mark.parametrize("who", ["outsider", "teammate"])
@pytest.mark.parametrize("route", range(5))
def test_a_hidden_deal_answers_404_like_a_missing_one(request, api, deal, pipeline, who, route):
    method, path, body = routes(pipeline)[route]
    client = api(request.getfixturevalue(who))
    before = snapshot(deal)
    changes = StageChange.objects.count()
    hidden = call(client, method, URL + path.format(id=deal.pk), body)
    missing = call(client, method, URL + path.format(id=MISSING_ID), body)
    assert_error(hidden, 404, "not_found")
    assert (hidden.status_code, hidden.json()) == (missing.status_code, missing.json())
    assert snapshot(deal) == before
    assert StageChange.objects.count() == changes


@pytest.mark.parametrize("who", ["outsider", "teammate"])
def test_hidden_records_are_not_listed_nor_linkable(request, api, owner, deal, pipeline, who):
    org = make_organization(owner, name="Hidden org")
    person = make_person(owner, full_name="Hidden person")
    client = api(request.getfixturevalue(who))
    assert walk(client, URL) == []
    assert ids_of(client.get(URL, {"pipeline_id": pipeline.pk})) == []
    for field, hidden_id, message in (
        ("organization_id", org.pk, "No such organization."),
        ("person_ids", [person.pk], "No such person."),
    ):
        missing_id = [MISSING_ID] if isinstance(hidden_id, list) else MISSING_ID
        hidden = client.post(URL, {"name": "Mine", field: hidden_id})
        missing = client.post(URL, {"name": "Mine", field: missing_id})
        assert_error(hidden, 422, "validation_failed", {field: message})
        assert hidden.json() == missing.json()
    assert Deal.objects.count() == 1


def test_the_manager_sees_moves_and_changes_the_teams_deals(api, manager, deal, pipeline):
    client = api(manager)
    assert client.get(f"{URL}/{deal.pk}").status_code == 200
    assert client.get(f"{URL}/{deal.pk}/stage-history").status_code == 200
    assert walk(client, URL) == [deal.pk]
    resp = client.post(f"{URL}/{deal.pk}/move", {"stage_id": stages(pipeline)[1].pk, "version": 1})
    assert resp.status_code == 200, resp.content
    assert Deal.objects.get(pk=deal.pk).stage_id == stages(pipeline)[1].pk


def test_read_only_users_read_but_cannot_write(api, readonly, deal, pipeline):
    client = api(readonly)
    before = snapshot(deal)
    assert client.get(f"{URL}/{deal.pk}").status_code == 200
    assert client.get(f"{URL}/{deal.pk}/stage-history").status_code == 200
    assert_error(client.post(URL, {"name": "New"}), 403, "forbidden")
    assert_error(client.patch(f"{URL}/{deal.pk}", {"name": "X", "version": 1}), 403, "forbidden")
    assert_error(
        client.post(f"{URL}/{deal.pk}/move", {"stage_id": stages(pipeline)[1].pk, "version": 1}),
        403,
        "forbidden",
    )
    assert_error(client.delete(f"{URL}/{deal.pk}?version=1"), 403, "forbidden")
    assert snapshot(deal) == before
    assert Deal.objects.count() == 1


def test_pages_walk_every_visible_deal_exactly_once(api, owner, outsider, pipeline):
    # In the company's currency (USD): the amount sort compares amounts converted to it.
    mine = [
        make_deal(owner, pipeline, name=f"Deal {n}", amount=str(n * 10 % 30), currency="USD")
        for n in range(7)
    ]
    make_deal(outsider, pipeline, name="Hidden")
    client = api(owner)
    assert set(client.get(URL).json()["items"][0]) == LIST_KEYS
    # newest change first by default
    assert walk(client, URL, {"limit": 3}) == [d.pk for d in reversed(mine)]
    # amounts tie: the id breaks the tie, so every deal still comes once
    by_amount = sorted(mine, key=lambda d: (d.amount, d.pk))
    assert walk(client, URL, {"limit": 2, "sort": "amount"}) == [d.pk for d in by_amount]


def test_filters(api, owner, manager, pipeline):
    other_pipeline = make_pipeline(manager, name="Renewals")
    org = make_organization(owner, name="Natura")
    person = make_person(owner, full_name="Ana")
    first, proposal, _negotiation, won, _lost = stages(pipeline)
    a = sales.deal_create(
        actor=owner,
        data=DealIn.build(
            {
                "name": "Natura rollout",
                "amount": "10",
                "currency": "BRL",
                "organization_id": org.pk,
                "pipeline_id": pipeline.pk,
                "person_ids": [person.pk],
                "tags": ["big"],
            }
        ),
    )
    b = make_deal(owner, pipeline, name="Second", currency="USD")
    sales.deal_move_stage(actor=owner, deal=b, stage_id=won.pk, version=1)
    c = make_deal(manager, other_pipeline, name="Renewal natura", currency="BRL")
    client = api(manager)
    assert ids_of(client.get(URL, {"pipeline_id": pipeline.pk})) == [b.pk, a.pk]
    assert ids_of(client.get(URL, {"stage_id": first.pk})) == [a.pk]
    assert ids_of(client.get(URL, {"status": "won"})) == [b.pk]
    assert ids_of(client.get(URL, {"status": "open"})) == [c.pk, a.pk]
    assert ids_of(client.get(URL, {"owner_id": manager.pk})) == [c.pk]
    assert ids_of(client.get(URL, {"organization_id": org.pk})) == [a.pk]
    assert ids_of(client.get(URL, {"person_id": person.pk})) == [a.pk]
    assert ids_of(client.get(URL, {"tag": "BIG"})) == [a.pk]
    assert ids_of(client.get(URL, {"currency": "brl"})) == [c.pk, a.pk]
    assert ids_of(client.get(URL, {"name": "NATURA"})) == [c.pk, a.pk]
    assert_error(
        client.get(URL, {"status": "maybe"}),
        422,
        "validation_failed",
        {"status": "Input should be 'open', 'won' or 'lost'"},
    )
    assert proposal.pk not in {a.stage_id, b.stage_id, c.stage_id}


@pytest.mark.parametrize("rows", [5, 20])
def test_list_query_count_does_not_grow_with_rows(api, owner, pipeline, queries, rows):
    org = make_organization(owner, name="Org")
    for n in range(rows):
        sales.deal_create(
            actor=owner,
            data=DealIn.build(
                {
                    "name": f"D{n}",
                    "organization_id": org.pk,
                    "currency": "EUR",
                    "pipeline_id": pipeline.pk,
                    "tags": ["x", "y"],
                }
            ),
        )
    client = api(owner)
    warm(client, URL)
    with queries() as ctx:
        resp = client.get(URL)
    # token, the page's ids (the rep's owned and shared deals merged), the page (with its
    # organizations), its stages, pipelines, owners and tags
    assert len(ids_of(resp)) == rows
    # (+1: the viewer's field rules, accounts/policy.py field_access)
    # (+1: the custom field definitions, read once per request: customfields/selectors.py)
    # (+1: the type's sensitive fields, so a read of one is audited: core/sensitive.py)
    assert len(ctx.captured_queries) == 10
