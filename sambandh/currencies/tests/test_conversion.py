"""Conversion at a record's date: direct, inverse and cross rates, the fallback to an earlier
rate, and each currency's minor unit (JPY none, INR 2, BHD 3); a deal read with
?reporting_currency= through the API."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from sambandh.core.cleaning import clean_amount
from sambandh.core.errors import ValidationFailed
from sambandh.currencies.selectors import RateBook
from sambandh.currencies.services import rate_create
from tests.factories import make_deal

pytestmark = pytest.mark.django_db

URL = "/api/v1/deals"
JUNE_30 = datetime.date(2026, 6, 30)


def test_a_usd_deal_is_reported_in_inr_at_the_rate_of_its_date(api, owner, admin_user, pipeline):
    # given a USD deal closing on 2026-06-30, and that day's rate, an earlier and a later one
    rate_create(actor=admin_user, base="USD", quote="INR", rate="82.10", date="2026-06-01")
    rate_create(actor=admin_user, base="USD", quote="INR", rate="83.25", date="2026-06-30")
    rate_create(actor=admin_user, base="USD", quote="INR", rate="84.00", date="2026-07-01")
    deal = make_deal(owner, pipeline, amount="1000", currency="USD", expected_close_date=JUNE_30)

    # when the owner reads it with ?reporting_currency=INR
    resp = api(owner).get(f"{URL}/{deal.pk}", {"reporting_currency": "INR"})

    # then the amount is converted at the rate of the deal's own date
    assert resp.status_code == 200, resp.content
    body = resp.json()
    assert (body["amount"], body["currency"]) == ("1000.00", "USD")
    assert body["reporting"] == {
        "amount": "83250.00",
        "currency": "INR",
        "rate": "83.25",
        "rate_date": "2026-06-30",
        "record_date": "2026-06-30",
    }
    assert "reporting_reason" not in body


def test_without_a_rate_that_day_the_latest_earlier_rate_is_used_and_said(
    api, owner, admin_user, pipeline
):
    # given rates on 06-30 and 07-20 only, and a deal closing on 07-15
    rate_create(actor=admin_user, base="USD", quote="INR", rate="83.25", date="2026-06-30")
    rate_create(actor=admin_user, base="USD", quote="INR", rate="85", date="2026-07-20")
    deal = make_deal(
        owner,
        pipeline,
        amount="10.50",
        currency="USD",
        expected_close_date=datetime.date(2026, 7, 15),
    )

    # when it is read in INR, in the list too
    one = api(owner).get(f"{URL}/{deal.pk}", {"reporting_currency": "inr"}).json()
    listed = api(owner).get(URL, {"reporting_currency": "INR"}).json()["items"]

    # then the 06-30 rate converted it, and rate_date says it is not the deal's own date
    expected = {
        "amount": "874.13",  # 10.50 * 83.25 = 874.125, rounded half up to the paisa
        "currency": "INR",
        "rate": "83.25",
        "rate_date": "2026-06-30",
        "record_date": "2026-07-15",
    }
    assert one["reporting"] == expected
    assert [item["reporting"] for item in listed] == [expected]


def test_no_rate_answers_null_with_the_reason(api, owner, pipeline):
    deal = make_deal(owner, pipeline, amount="5", currency="USD", expected_close_date=JUNE_30)

    body = api(owner).get(f"{URL}/{deal.pk}", {"reporting_currency": "INR"}).json()

    assert body["reporting"] is None
    assert body["reporting_reason"] == "No USD to INR exchange rate on or before 2026-06-30."


def test_an_unknown_reporting_currency_is_refused(api, owner, pipeline):
    deal = make_deal(owner, pipeline)

    resp = api(owner).get(f"{URL}/{deal.pk}", {"reporting_currency": "XYZ"})

    assert resp.status_code == 422
    assert resp.json()["error"]["fields"] == {
        "reporting_currency": "“XYZ” is not an ISO 4217 currency code."
    }


def test_a_jpy_amount_has_no_minor_unit(api, owner, admin_user, pipeline):
    # given a rate from USD to JPY
    rate_create(actor=admin_user, base="USD", quote="JPY", rate="151.237", date="2026-06-30")
    client = api(owner)

    # when a JPY deal is created whole, one with a fraction is tried, and a USD one is read in JPY
    whole = client.post(URL, {"name": "Tokyo", "amount": "150000", "currency": "JPY"})
    fraction = client.post(URL, {"name": "Osaka", "amount": "1000.5", "currency": "JPY"})
    usd = make_deal(owner, pipeline, amount="10.99", currency="USD", expected_close_date=JUNE_30)
    in_yen = client.get(f"{URL}/{usd.pk}", {"reporting_currency": "JPY"}).json()["reporting"]

    # then yen have no decimals: stored and answered whole, a fraction refused, a conversion
    # rounded to the yen (10.99 * 151.237 = 1662.09...)
    assert whole.status_code == 201
    assert whole.json()["amount"] == "150000"
    assert fraction.status_code == 422
    assert fraction.json()["error"]["fields"] == {"amount": "JPY amounts have no decimal places."}
    assert (in_yen["amount"], in_yen["rate"]) == ("1662", "151.237")


def test_bhd_keeps_three_decimals(api, owner, admin_user, pipeline):
    rate_create(actor=admin_user, base="USD", quote="BHD", rate="0.376", date="2026-06-30")
    client = api(owner)

    ok = client.post(URL, {"name": "Manama", "amount": "12.345", "currency": "BHD"})
    too_fine = client.post(URL, {"name": "Muharraq", "amount": "12.3456", "currency": "BHD"})
    usd = make_deal(owner, pipeline, amount="99.99", currency="USD", expected_close_date=JUNE_30)
    in_bhd = client.get(f"{URL}/{usd.pk}", {"reporting_currency": "BHD"}).json()["reporting"]

    assert ok.json()["amount"] == "12.345"
    assert too_fine.json()["error"]["fields"] == {
        "amount": "BHD amounts have at most 3 decimal places."
    }
    assert in_bhd["amount"] == "37.596"  # 99.99 * 0.376 = 37.59624


def test_clean_amount_refuses_an_unknown_currency_and_keeps_the_minor_unit():
    assert clean_amount("1234.5", currency="INR") == Decimal("1234.50")
    assert clean_amount("7", currency="bhd") == Decimal("7.000")
    with pytest.raises(ValidationFailed) as refused:
        clean_amount("10", currency="XYZ")
    assert refused.value.fields == {"amount": "“XYZ” is not an ISO 4217 currency code."}


def test_the_inverse_then_a_cross_through_a_common_base(admin_user):
    # given only EUR-based rates (as the ECB publishes them)
    for quote, rate in (("INR", "90"), ("USD", "1.08"), ("JPY", "160")):
        rate_create(actor=admin_user, base="EUR", quote=quote, rate=rate, date="2026-06-30")
    rate_create(actor=admin_user, base="EUR", quote="INR", rate="91", date="2026-06-10")
    book = RateBook.load()

    # then INR -> EUR is the inverse, INR -> JPY a cross through EUR, at the latest rates
    inverse = book.rate("INR", "EUR", JUNE_30)
    cross = book.rate("INR", "JPY", JUNE_30)
    early = book.rate("INR", "JPY", datetime.date(2026, 6, 15))
    assert inverse is not None and cross is not None
    assert (inverse.rate, inverse.date) == (Decimal("0.0111111111"), JUNE_30)
    assert (cross.rate, cross.date) == (Decimal("1.7777777760"), JUNE_30)
    # before the 30th the INR leg is the 06-10 rate, and the JPY leg has none: no cross
    assert early is None
    converted = book.convert(Decimal("1000"), "USD", "INR", JUNE_30)
    assert converted is not None
    assert (converted.amount, converted.rate_date) == (Decimal("83333.33"), JUNE_30)
