"""A total of amounts (a board column's, "My open deals" on the home page) shows what the deals
it counts add up to: in a column of one deal, that deal's amount. With the amount marked
sensitive it is a read of every deal summed, cards shown or not, named in the request's one
row for deals (``"via": "total"``), read in the statement that sums them (no query more)."""

from __future__ import annotations

import pytest

from sambandh.accounts.services_access import field_permission_set
from sambandh.core.models import AuditEvent
from sambandh.history.sensitive import sensitive_field_set
from sambandh.sales import selectors
from tests.factories import make_deal
from tests.web.helpers import count_queries

pytestmark = pytest.mark.django_db


def _reads():
    return [r.changes for r in AuditEvent.objects.filter(action="read").order_by("id")]


@pytest.fixture
def deals(owner, pipeline):
    return [
        make_deal(owner, pipeline, name="Looms", amount="100", currency="USD"),
        make_deal(owner, pipeline, name="Saris", amount="250", currency="USD"),
        make_deal(owner, pipeline, name="No amount yet", amount=None, currency="USD"),
    ]


def _mark_amount(admin):
    sensitive_field_set(actor=admin, record_type="deal", field="amount", sensitive=True)


def test_a_board_total_reads_every_deal_it_sums_cards_shown_or_not(
    owner, admin_user, browser_for, deals, monkeypatch
):
    _mark_amount(admin_user)
    monkeypatch.setattr(selectors, "BOARD_CARDS_PER_STAGE", 1)  # one card; the total sums two
    resp = browser_for(owner).get("/deals/")
    assert resp.status_code == 200
    assert "$350.00" in resp.content.decode()
    looms, saris, _ = deals
    [row] = _reads()
    assert row["ids"][1] == sorted([looms.pk, saris.pk])
    assert row["fields"][1] == ["amount"]
    assert "total" in row["via"][1].split("+")


def test_my_open_deals_total_reads_every_deal_it_sums(owner, admin_user, browser_for, deals):
    _mark_amount(admin_user)
    assert browser_for(owner).get("/").status_code == 200
    looms, saris, _ = deals
    [row] = _reads()
    assert row["ids"][1] == sorted([looms.pk, saris.pk])
    assert row["via"][1] == "home+total"


def test_a_total_of_an_amount_not_marked_or_hidden_reads_nothing(
    owner, admin_user, browser_for, deals
):
    client = browser_for(owner)
    assert client.get("/deals/").status_code == 200
    assert client.get("/").status_code == 200
    _mark_amount(admin_user)
    field_permission_set(
        actor=admin_user, record_type="deal", field="amount", hidden_from=["sales_rep"]
    )
    resp = client.get("/deals/")
    assert "$350.00" not in resp.content.decode()
    assert client.get("/").status_code == 200
    assert _reads() == []


def test_reading_the_totals_costs_no_query(owner, admin_user, browser_for, deals):
    client = browser_for(owner)
    unmarked = (count_queries(client, "/deals/"), count_queries(client, "/"))
    _mark_amount(admin_user)
    # The marks are read either way (for the cards); marked, each page writes its one read
    # row (one insert), whatever the number of deals summed: the ids come with the sums.
    assert (count_queries(client, "/deals/"), count_queries(client, "/")) == (
        unmarked[0] + 1,
        unmarked[1] + 1,
    )


def test_the_board_shown_again_after_a_stale_move_records_its_reads(
    owner, admin_user, browser_for, deals, pipeline
):
    _mark_amount(admin_user)
    looms = deals[0]
    won = pipeline.stages.get(name="Won")
    resp = browser_for(owner).post(
        f"/deals/{looms.pk}/move/",
        {"stage": won.pk, "version": looms.version + 1},  # not the version it has
        headers={"HX-Request": "true"},
    )
    assert resp.status_code == 409
    assert "$350.00" in resp.content.decode()
    [row] = _reads()
    assert row["via"][1] == "board+total"
    assert looms.pk in row["ids"][1]
