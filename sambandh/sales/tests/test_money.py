"""Deals and money: an amount left blank stays unknown, a new deal's currency comes from its
organization, person or owner, and sorts and sums compare amounts converted to the company's
currency (USD here) at each deal's date."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from sambandh.currencies.services import rate_create
from sambandh.sales.models import Deal, StageChange
from tests.factories import make_deal, make_organization, make_person, make_user
from tests.web.helpers import text

pytestmark = pytest.mark.django_db

URL = "/api/v1/deals"
DAY = datetime.date(2026, 6, 30)


# --- an unknown amount ---------------------------------------------------------------------
def test_an_amount_left_out_or_null_stays_unknown(api, owner, pipeline, browser_for):
    client = api(owner)

    created = client.post(URL, {"name": "Scoping", "currency": "EUR"}).json()
    emptied = make_deal(owner, pipeline, amount="500", currency="EUR")
    patched = client.patch(f"{URL}/{emptied.pk}", {"amount": None, "version": 1}).json()
    page = browser_for(owner).get(reverse("sales:deal_detail", args=[created["id"]]))

    assert (created["amount"], created["currency"]) == (None, "EUR")
    assert patched["amount"] is None
    assert Deal.objects.get(pk=created["id"]).amount is None
    assert StageChange.objects.get(deal_id=created["id"]).amount is None
    assert "—" in text(page) and "€0.00" not in text(page)


def test_a_blank_amount_in_the_form_is_not_zero(owner, pipeline, browser_for):
    resp = browser_for(owner).post(
        reverse("sales:deal_create"),
        {
            "name": "Form deal",
            "pipeline": pipeline.pk,
            "stage": pipeline.stages.order_by("position")[0].pk,
            "amount": "",
            "currency": "EUR",
            "owner": str(owner.pk),
        },
    )

    assert resp.status_code == 302, resp.content
    assert Deal.objects.get(name="Form deal").amount is None


# --- the default currency ------------------------------------------------------------------
def test_a_new_deal_takes_its_organizations_then_persons_then_owners_currency(api, team, pipeline):
    rep = make_user(email="rep@example.com", team=team, currency="INR")
    euro_org = make_organization(rep, name="Berlin GmbH", currency="EUR")
    plain_org = make_organization(rep, name="No currency Ltd")
    pound_person = make_person(rep, full_name="Pat Pound", currency="GBP")
    client = api(rep)

    def currency(**body: object) -> str:
        resp = client.post(URL, {"name": "Deal", **body})
        assert resp.status_code == 201, resp.content
        return str(resp.json()["currency"])

    assert currency(organization_id=euro_org.pk, person_ids=[pound_person.pk]) == "EUR"
    assert currency(organization_id=plain_org.pk, person_ids=[pound_person.pk]) == "GBP"
    assert currency(person_ids=[pound_person.pk]) == "GBP"
    assert currency(organization_id=plain_org.pk) == "INR"
    assert currency() == "INR"
    # a currency sent is kept
    assert currency(organization_id=euro_org.pk, currency="JPY") == "JPY"


def test_the_form_left_on_the_default_prices_in_the_organizations_currency(
    team, pipeline, browser_for
):
    rep = make_user(email="rep@example.com", team=team, currency="INR")
    org = make_organization(rep, name="Berlin GmbH", currency="EUR")
    client = browser_for(rep)

    form = client.get(reverse("sales:deal_create"), {"organization": org.pk})
    resp = client.post(
        reverse("sales:deal_create"),
        {
            "name": "German deal",
            "pipeline": pipeline.pk,
            "stage": pipeline.stages.order_by("position")[0].pk,
            "amount": "1200",
            "currency": "",
            "organization": f"Berlin GmbH (#{org.pk})",
            "owner": str(rep.pk),
        },
    )

    assert form.context["form"].initial["currency"] == ""
    assert resp.status_code == 302, resp.content
    assert Deal.objects.get(name="German deal").currency == "EUR"


# --- sorting and sums in one currency ------------------------------------------------------
def _rates(admin_user: object) -> None:
    rate_create(actor=admin_user, base="USD", quote="INR", rate="83.25", date="2026-06-01")
    rate_create(actor=admin_user, base="EUR", quote="USD", rate="1.10", date="2026-06-01")


def test_sorting_by_amount_compares_converted_amounts(api, owner, admin_user, pipeline):
    # given deals in three currencies with rates to USD, one with no amount, one with no rate
    _rates(admin_user)

    def deal(name: str, amount: str | None, currency: str) -> int:
        return make_deal(
            owner, pipeline, name=name, amount=amount, currency=currency, expected_close_date=DAY
        ).pk

    usd = deal("USD 100", "100", "USD")  # 100.00 USD
    inr = deal("INR 10000", "10000", "INR")  # 120.12 USD
    eur = deal("EUR 50", "50", "EUR")  # 55.00 USD
    unknown = deal("Unknown", None, "USD")
    gbp = deal("GBP 1000", "1000", "GBP")  # no rate
    client = api(owner)

    def order(sort: str) -> list[int]:
        return [d["id"] for d in client.get(URL, {"sort": sort}).json()["items"]]

    # then the largest converted amount comes first, not the largest number (10000 rupees)
    assert order("-amount") == [inr, usd, eur, gbp, unknown]
    assert order("amount") == [unknown, gbp, eur, usd, inr]
    assert Deal.objects.get(pk=inr).amount_reporting == Decimal("120.12")

    # when the rupee's rate changes, the stored amounts and the order follow
    rate_create(actor=admin_user, base="USD", quote="INR", rate="200", date="2026-06-29")
    assert order("-amount") == [usd, eur, inr, gbp, unknown]


def test_the_board_and_home_sum_in_the_viewers_currency_with_a_note(
    admin_user, team, pipeline, browser_for
):
    # given a rep who reports in INR (the company's currency is USD) and deals in USD, EUR, GBP
    _rates(admin_user)
    rep = make_user(email="rep@example.com", team=team, currency="INR")
    make_deal(rep, pipeline, amount="100", currency="USD", expected_close_date=DAY)
    make_deal(rep, pipeline, amount="50", currency="EUR", expected_close_date=DAY)
    make_deal(rep, pipeline, amount="1000", currency="GBP", expected_close_date=DAY)
    make_deal(rep, pipeline, amount=None, currency="GBP", expected_close_date=DAY)
    client = browser_for(rep)

    board = client.get(reverse("sales:deal_board"), {"pipeline": pipeline.pk})
    home = client.get(reverse("home:index"))

    # then a column shows one figure: (100 + 55) USD at the latest USD->INR rate, and says one
    # amount (the GBP one: no rate) was left out; the unknown amount is neither
    total = board.context["columns"][0].total
    assert (total.amount, total.currency, total.unconverted) == (Decimal("12903.75"), "INR", 1)
    assert "₹12,903.75" in text(board)
    assert "(1 not converted)" in text(board)
    assert "₹12,903.75" in text(home)
    assert "(1 not converted)" in text(home)


def test_a_deal_page_shows_the_amount_in_the_viewers_currency_too(
    admin_user, team, pipeline, browser_for
):
    rate_create(actor=admin_user, base="USD", quote="INR", rate="83.25", date="2026-06-29")
    rep = make_user(email="rep@example.com", team=team, currency="INR")
    usd = make_deal(rep, pipeline, amount="1000", currency="USD", expected_close_date=DAY)
    gbp = make_deal(rep, pipeline, amount="10", currency="GBP", expected_close_date=DAY)
    client = browser_for(rep)

    shown = text(client.get(reverse("sales:deal_detail", args=[usd.pk])))
    no_rate = text(client.get(reverse("sales:deal_detail", args=[gbp.pk])))

    assert "$1,000.00" in shown and "≈ ₹83,250.00" in shown
    assert "(rate of 2026-06-29)" in shown  # not the deal's own date: said
    assert "No exchange rate to INR" in no_rate


def test_choosing_the_organization_names_the_default_currency_in_the_form(
    team, pipeline, browser_for
):
    rep = make_user(email="rep@example.com", team=team, currency="INR")
    org = make_organization(rep, name="Berlin GmbH", currency="EUR")
    person = make_person(rep, full_name="Pat Pound", currency="GBP")
    client = browser_for(rep)
    url = reverse("sales:deal_currency_options")

    form = text(client.get(reverse("sales:deal_create")))
    by_org = text(client.get(url, {"organization": f"Berlin GmbH (#{org.pk})", "person_0": ""}))
    by_person = text(client.get(url, {"organization": "", "person_0": f"Pat Pound (#{person.pk})"}))
    chosen = text(client.get(url, {"organization": "", "currency": "JPY"}))

    assert f'hx-get="{url}"' in form
    assert 'hx-trigger="change from:#id_organization, change from:#id_person_0"' in form
    assert by_org.startswith('<option value="" selected>The organization&#x27;s: EUR</option>')
    assert by_person.startswith('<option value="" selected>The person&#x27;s: GBP</option>')
    assert chosen.startswith('<option value="">The owner&#x27;s: INR</option>')
    assert '<option value="JPY" selected>' in chosen
