"""The deal pages: the kanban and its moves, the list, the record page, the forms."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from sambandh.currencies.services import rate_create
from sambandh.sales import services
from sambandh.sales.models import Deal, StageChange
from sambandh.sales.schemas import DealFields, DealIn
from sambandh.sales.templatetags.sales import money
from tests import factories
from tests.web.helpers import HTMX, count_queries, text

pytestmark = pytest.mark.django_db

BOARD = reverse("sales:deal_board")


def stage(pipeline, name):  # noqa: ANN001, ANN201
    return pipeline.stages.get(name=name)


# --- the kanban -----------------------------------------------------------------------------------
def test_board_shows_one_column_per_stage_with_counts_and_totals(
    owner, admin_user, pipeline, browser_for
):
    # given two INR deals and one EUR deal in "Qualified", and rates to the company's USD
    rate_create(actor=admin_user, base="USD", quote="INR", rate="80", date="2026-01-02")
    rate_create(actor=admin_user, base="EUR", quote="USD", rate="1.10", date="2026-01-02")
    factories.make_deal(owner, pipeline, name="Tata renewal", amount="100000", currency="INR")
    factories.make_deal(owner, pipeline, name="Infosys pilot", amount="50000", currency="INR")
    factories.make_deal(owner, pipeline, name="Berlin GmbH", amount="1200.50", currency="EUR")

    # when the owner opens the board
    response = browser_for(owner).get(BOARD, {"pipeline": pipeline.pk})

    # then each active stage is a column, and Qualified holds 3 deals with one total in the
    # viewer's reporting currency (USD): 150000 / 80 + 1200.50 * 1.10
    body = text(response)
    columns = response.context["columns"]
    assert [c.stage.name for c in columns] == [
        "Qualified",
        "Proposal",
        "Negotiation",
        "Won",
        "Lost",
    ]
    assert columns[0].count == 3
    assert (columns[0].total.amount, columns[0].total.currency) == (Decimal("3195.55"), "USD")
    assert columns[0].total.unconverted == 0
    assert "$3,195.55" in body
    assert "₹150,000.00" not in body
    assert 'draggable="true"' in body
    assert f'data-stage-id="{stage(pipeline, "Proposal").pk}"' in body


def test_board_cards_carry_what_the_drag_needs(owner, pipeline, browser_for):
    deal = factories.make_deal(owner, pipeline, name="Tata renewal")
    body = text(browser_for(owner).get(BOARD))
    move_url = reverse("sales:deal_move", args=[deal.pk])
    assert f'data-move-url="{move_url}?pipeline={pipeline.pk}"' in body
    assert 'data-version="1"' in body
    assert 'tabindex="0"' in body
    assert "data-board-move" in body


def test_board_cards_escape_what_users_typed(owner, pipeline, browser_for):
    org = factories.make_organization(owner, name="Acme <b>\"&' Co")
    factories.make_deal(
        owner, pipeline, name="<script>alert(\"x\")</script> & 'deal'", organization_id=org.pk
    )
    body = browser_for(owner).get(reverse("sales:deal_board")).content.decode()
    assert "<script>alert" not in body and "<b>" not in body
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#x27;deal&#x27;" in body
    assert "Acme &lt;b&gt;&quot;&amp;&#x27; Co" in body


def test_board_hides_other_peoples_deals(owner, outsider, pipeline, browser_for):
    factories.make_deal(owner, pipeline, name="Mine")
    factories.make_deal(outsider, pipeline, name="Theirs")
    body = text(browser_for(owner).get(BOARD))
    assert "Mine" in body
    assert "Theirs" not in body


def test_moving_a_deal_with_htmx_answers_the_board_and_records_the_change(
    owner, pipeline, browser_for
):
    # given a deal in Qualified
    deal = factories.make_deal(owner, pipeline, name="Tata renewal")
    proposal = stage(pipeline, "Proposal")

    # when it is dropped on Proposal
    response = browser_for(owner).post(
        reverse("sales:deal_move", args=[deal.pk]) + f"?pipeline={pipeline.pk}",
        {"stage": proposal.pk, "version": 1},
        headers=HTMX,
    )

    # then the answer is the board with the card in Proposal, and the change is a row
    deal.refresh_from_db()
    assert response.status_code == 200
    assert response.templates[0].name == "sales/_board.html"
    assert 'id="board"' in text(response)
    proposal_column = next(c for c in response.context["columns"] if c.stage == proposal)
    assert [d.pk for d in proposal_column.deals] == [deal.pk]
    assert (deal.stage_id, deal.version, deal.probability) == (proposal.pk, 2, 50)
    change = StageChange.objects.filter(deal=deal).latest("id")
    assert (change.from_stage.name, change.to_stage.name, change.changed_by) == (
        "Qualified",
        "Proposal",
        owner,
    )


def test_moving_with_a_stale_version_shows_the_board_with_a_message(owner, pipeline, browser_for):
    # given a deal someone already moved (version 2)
    deal = factories.make_deal(owner, pipeline, name="Tata renewal")
    services.deal_move_stage(
        actor=owner, deal=deal, stage_id=stage(pipeline, "Proposal").pk, version=1
    )

    # when a board loaded at version 1 drops it on Won
    response = browser_for(owner).post(
        reverse("sales:deal_move", args=[deal.pk]),
        {"stage": stage(pipeline, "Won").pk, "version": 1},
        headers=HTMX,
    )

    # then the board comes back with the conflict message and the deal did not move
    deal.refresh_from_db()
    assert response.status_code == 409
    assert "This record was changed by someone else" in text(response)
    assert 'id="board"' in text(response)
    assert (deal.stage.name, deal.version) == ("Proposal", 2)
    assert StageChange.objects.filter(deal=deal).count() == 2


def test_moving_without_htmx_redirects_back(owner, pipeline, browser_for):
    deal = factories.make_deal(owner, pipeline)
    response = browser_for(owner).post(
        reverse("sales:deal_move", args=[deal.pk]),
        {
            "stage": stage(pipeline, "Won").pk,
            "version": 1,
            "next": reverse("sales:deal_detail", args=[deal.pk]),
        },
    )
    deal.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == reverse("sales:deal_detail", args=[deal.pk])
    assert (deal.stage.name, deal.status) == ("Won", "won")


def test_moving_to_a_bad_stage_changes_nothing(owner, pipeline, browser_for):
    deal = factories.make_deal(owner, pipeline)
    response = browser_for(owner).post(
        reverse("sales:deal_move", args=[deal.pk]), {"stage": "abc", "version": 1}, headers=HTMX
    )
    deal.refresh_from_db()
    assert response.status_code == 422
    assert "Choose a stage." in text(response)
    assert deal.version == 1


def test_outsider_cannot_move_someone_elses_deal(owner, outsider, pipeline, browser_for):
    # given the owner's deal
    deal = factories.make_deal(owner, pipeline)

    # when the outsider posts a move
    response = browser_for(outsider).post(
        reverse("sales:deal_move", args=[deal.pk]),
        {"stage": stage(pipeline, "Won").pk, "version": 1},
        headers=HTMX,
    )

    # then it is not found and nothing moved
    deal.refresh_from_db()
    assert response.status_code == 404
    assert (deal.stage.name, deal.version) == ("Qualified", 1)
    assert StageChange.objects.filter(deal=deal).count() == 1


def test_board_query_count_does_not_grow(owner, pipeline, browser_for):
    client = browser_for(owner)
    org = factories.make_organization(owner, name="Acme")

    def add(n: int) -> None:
        for i in range(n):
            deal = factories.make_deal(owner, pipeline, organization_id=org.pk)
            if i % 2:
                services.deal_move_stage(
                    actor=owner, deal=deal, stage_id=stage(pipeline, "Proposal").pk, version=1
                )

    add(5)
    with_five = count_queries(client, BOARD)
    add(20)
    with_twenty_five = count_queries(client, BOARD)

    # session, user, pipelines + stages, users, totals, the viewer's field rules
    # (accounts/policy.py field_access), for each stage that has deals (here two) its cards,
    # then for the whole board the cards' organizations and owners
    # (+1: the unread count of the notification bell in the top bar; +1: the company's currency,
    # which the column totals are stored in)
    # (+1: the fields marked sensitive, of every type at once: a card's amount is a read)
    assert with_five == with_twenty_five == 14


# --- the list -----------------------------------------------------------------------------------
def test_deal_list_filters_by_stage_and_sorts_by_amount(owner, pipeline, browser_for):
    # (in the company's currency: the sort compares amounts converted to it)
    factories.make_deal(owner, pipeline, name="Small", amount="10", currency="USD")
    factories.make_deal(owner, pipeline, name="Big", amount="9000", currency="USD")
    moved = factories.make_deal(owner, pipeline, name="Moved", amount="500", currency="USD")
    services.deal_move_stage(actor=owner, deal=moved, stage_id=stage(pipeline, "Won").pk, version=1)
    client = browser_for(owner)
    url = reverse("sales:deal_list")

    by_amount = client.get(url, {"sort": "-amount"})
    in_qualified = client.get(url, {"stage_id": stage(pipeline, "Qualified").pk})

    assert [d.name for d in by_amount.context["rows"]] == ["Big", "Moved", "Small"]
    assert sorted(d.name for d in in_qualified.context["rows"]) == ["Big", "Small"]


def test_deal_list_query_count_does_not_grow(owner, pipeline, browser_for):
    client = browser_for(owner)
    org = factories.make_organization(owner, name="Acme")
    url = reverse("sales:deal_list")

    def add(n: int) -> None:
        for _ in range(n):
            factories.make_deal(owner, pipeline, organization_id=org.pk)

    add(5)
    with_five = count_queries(client, url)
    add(20)
    with_twenty_five = count_queries(client, url)

    # session, user, pipelines + stages, users, tags, saved views, the page's ids (owned and
    # shared merged), page, its stages, pipelines, owners, tags
    # (+1: the viewer's field rules, accounts/policy.py field_access)
    # (+1: the custom field definitions, read once per request: customfields/selectors.py)
    # (+1: the unread count of the notification bell in the top bar)
    # (+1: the teams the selection bar offers to share with, bulk/templatetags/bulk.py)
    # (+1: the fields marked sensitive of the listed type, whose shown values are an audited
    # read: core/sensitive.py)
    assert with_five == with_twenty_five == 18


# --- the record page ----------------------------------------------------------------------------
def test_deal_page_shows_people_amount_and_stage_history(owner, pipeline, browser_for):
    # given a deal with a person, moved once
    person = factories.make_person(owner, full_name="Asha Rao", phone="+919876543210")
    deal = services.deal_create(
        actor=owner,
        data=DealIn.build(
            {
                "name": "Tata renewal",
                "amount": "250000",
                "currency": "INR",
                "pipeline_id": pipeline.pk,
                "person_ids": [person.pk],
            }
        ),
    )
    services.deal_move_stage(
        actor=owner, deal=deal, stage_id=stage(pipeline, "Proposal").pk, version=1
    )

    # when the owner opens it
    response = browser_for(owner).get(reverse("sales:deal_detail", args=[deal.pk]))

    # then amount, person, the path and the history are there; the timeline says what moved
    body = text(response)
    assert response.status_code == 200
    assert "₹250,000.00" in body
    assert "Asha Rao" in body
    assert "+91 98765 43210" in body
    assert 'aria-current="step"' in body
    assert [
        (c.from_stage and c.from_stage.name, c.to_stage.name)
        for c in response.context["stage_history"]
    ] == [(None, "Qualified"), ("Qualified", "Proposal")]
    assert "Moved from <strong>Qualified</strong> to <strong>Proposal</strong>" in body


def test_deal_page_of_someone_elses_deal_is_not_found(owner, outsider, pipeline, browser_for):
    deal = factories.make_deal(owner, pipeline)
    response = browser_for(outsider).get(reverse("sales:deal_detail", args=[deal.pk]))
    assert response.status_code == 404


def test_deal_page_query_count_does_not_grow(owner, pipeline, browser_for):
    client = browser_for(owner)
    deal = factories.make_deal(owner, pipeline)
    url = reverse("sales:deal_detail", args=[deal.pk])
    people: list[int] = []

    def add(n: int) -> None:
        for i in range(n):
            people.append(factories.make_person(owner).pk)
            factories.make_activity(owner, "note", deal_id=deal.pk)
            factories.make_activity(owner, "call", deal_id=deal.pk)
            target = "Proposal" if i % 2 == 0 else "Qualified"
            deal.refresh_from_db()
            services.deal_move_stage(
                actor=owner, deal=deal, stage_id=stage(pipeline, target).pk, version=deal.version
            )
        deal.refresh_from_db()
        services.deal_update(
            actor=owner,
            deal=deal,
            data=DealFields.build({"person_ids": people, "tags": ["vip"]}),
            version=deal.version,
        )

    add(5)
    with_five = count_queries(client, url)
    add(20)
    with_twenty_five = count_queries(client, url)

    # session, user, deal + people + tags, pipeline + stages, history, timeline (2)
    # (+1: the viewer's field rules, accounts/policy.py field_access)
    # (+1: the custom field definitions, read once per request: customfields/selectors.py)
    # (+1: the unread count of the notification bell in the top bar)
    # (+2: the attachments panel, and the files of the timeline's page: sambandh/attachments)
    # (+1: the notes pinned to the top of the timeline, activities/selectors.py)
    # (+1: the rates that show the INR amount in the viewer's USD: sales/templatetags/sales.py)
    # (+1: the fields marked sensitive, whose reads are audited: history/sensitive.py)
    assert with_five == with_twenty_five == 18


# --- forms ----------------------------------------------------------------------------------------
def deal_form(pipeline, **overrides):  # noqa: ANN001, ANN003, ANN201
    data = {
        "name": "Tata renewal",
        "pipeline": str(pipeline.pk),
        "stage": str(pipeline.stages.get(name="Proposal").pk),
        "amount": "1,25,000.50",
        "currency": "INR",
        "expected_close_date": "2027-03-31",
        "probability": "",
        "organization": "",
        "person_0": "",
        "person_1": "",
        "source": "referral",
        "tags": "renewal",
        "description": "",
    }
    data.update(overrides)
    return data


def test_create_deal_with_organization_person_and_stage(owner, pipeline, browser_for):
    # given an organization and a person
    org = factories.make_organization(owner, name="Tata Steel")
    person = factories.make_person(owner, full_name="Asha Rao")

    # when the owner submits the form (amount typed the Indian way)
    response = browser_for(owner).post(
        reverse("sales:deal_create"),
        deal_form(
            pipeline,
            owner=str(owner.pk),
            organization=f"Tata Steel (#{org.pk})",
            person_0="Asha Rao",
        ),
    )

    # then the deal exists in Proposal with its people and a first stage change
    deal = Deal.objects.get()
    assert response.status_code == 302
    assert (deal.name, deal.stage.name, deal.amount, deal.currency) == (
        "Tata renewal",
        "Proposal",
        Decimal("125000.50"),
        "INR",
    )
    assert deal.organization_id == org.pk
    assert [p.pk for p in deal.people.all()] == [person.pk]
    assert deal.probability == 50
    assert StageChange.objects.filter(deal=deal).count() == 1


def test_create_deal_with_a_bad_amount_writes_nothing(owner, pipeline, browser_for):
    response = browser_for(owner).post(
        reverse("sales:deal_create"), deal_form(pipeline, owner=str(owner.pk), amount="12,5,x")
    )
    assert response.status_code == 200
    assert response.context["form"].errors["amount"] == [
        "“12,5,x” is not an amount. Write it like 1,234,567.89."
    ]
    assert response.context["form"]["amount"].value() == "12,5,x"
    assert Deal.objects.count() == 0


def test_create_deal_with_a_stage_of_another_pipeline_is_refused(owner, pipeline, browser_for):
    other = factories.make_pipeline(name="Renewals")
    response = browser_for(owner).post(
        reverse("sales:deal_create"),
        deal_form(pipeline, owner=str(owner.pk), stage=str(other.stages.first().pk)),
    )
    assert "stage" in response.context["form"].errors
    assert Deal.objects.count() == 0


def test_edit_deal_to_another_stage_records_the_change(owner, pipeline, browser_for):
    deal = factories.make_deal(owner, pipeline, name="Tata renewal", amount="1000")
    client = browser_for(owner)
    url = reverse("sales:deal_edit", args=[deal.pk])
    initial = client.get(url).context["form"].initial

    response = client.post(
        url,
        deal_form(
            pipeline,
            owner=str(owner.pk),
            version=str(initial["version"]),
            amount="2000",
            stage=str(stage(pipeline, "Negotiation").pk),
            probability=str(initial["probability"]),
        ),
    )

    deal.refresh_from_db()
    assert response.status_code == 302
    assert (deal.stage.name, deal.amount, deal.probability, deal.version) == (
        "Negotiation",
        Decimal("2000"),
        80,
        2,
    )
    assert StageChange.objects.filter(deal=deal).count() == 2


def test_edit_deal_with_a_stale_version_writes_nothing(owner, pipeline, browser_for):
    deal = factories.make_deal(owner, pipeline, name="Tata renewal")
    services.deal_move_stage(actor=owner, deal=deal, stage_id=stage(pipeline, "Won").pk, version=1)

    response = browser_for(owner).post(
        reverse("sales:deal_edit", args=[deal.pk]),
        deal_form(pipeline, owner=str(owner.pk), version="1", name="Renamed"),
    )

    deal.refresh_from_db()
    assert response.status_code == 409
    assert response.context["form"]["name"].value() == "Renamed"
    assert (deal.name, deal.version) == ("Tata renewal", 2)


def test_outsider_cannot_edit_or_delete_a_deal(owner, outsider, pipeline, browser_for):
    deal = factories.make_deal(owner, pipeline, name="Tata renewal")
    client = browser_for(outsider)
    edit = client.post(
        reverse("sales:deal_edit", args=[deal.pk]),
        deal_form(pipeline, owner=str(outsider.pk), name="Stolen"),
    )
    delete = client.post(reverse("sales:deal_delete", args=[deal.pk]))
    deal.refresh_from_db()
    assert (edit.status_code, delete.status_code) == (404, 404)
    assert (deal.name, deal.version) == ("Tata renewal", 1)


def test_stage_options_follow_the_chosen_pipeline(owner, pipeline, browser_for):
    response = browser_for(owner).get(
        reverse("sales:deal_stage_options"), {"pipeline": pipeline.pk}
    )
    assert text(response).count("<option") == 5
    assert ">Negotiation</option>" in text(response)


def test_money_is_written_the_viewers_way():
    with translation.override("de"):
        assert money(Decimal("100000.5"), "INR") == "100.000,50\xa0₹"
    with translation.override("hi"):
        assert money(Decimal("100000.5"), "INR") == "₹1,00,000.50"
    with translation.override("en"):
        assert money(Decimal("1000"), "JPY") == "¥1,000"
        assert money(None, "USD") == "—"  # not known, never 0
