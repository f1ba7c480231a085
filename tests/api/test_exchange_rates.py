"""/api/v1/exchange-rates: the list (newest first, by pair and date) and adding a rate (admins
only; a rate of zero or below, an unknown currency, one currency twice: 422, nothing written)."""

from __future__ import annotations

import pytest

from sambandh.core.models import AuditEvent
from sambandh.currencies.models import ExchangeRate
from sambandh.currencies.services import rate_create
from tests.api.helpers import assert_error

pytestmark = pytest.mark.django_db

URL = "/api/v1/exchange-rates"
BODY = {"base": "USD", "quote": "INR", "rate": "83.25", "date": "2026-06-30"}


def test_an_admin_adds_a_rate(api, admin_user):
    resp = api(admin_user).post(URL, BODY)

    assert resp.status_code == 201, resp.content
    body = resp.json()
    assert {k: body[k] for k in ("base", "quote", "rate", "date", "source")} == {
        **BODY,
        "source": "manual",
    }
    row = ExchangeRate.objects.get()
    assert (row.base, row.quote, str(row.rate.normalize())) == ("USD", "INR", "83.25")
    assert AuditEvent.objects.filter(record_type="exchange_rate", record_id=row.pk).count() == 1


def test_a_second_rate_for_the_same_pair_and_day_replaces_the_first(api, admin_user):
    client = api(admin_user)
    client.post(URL, BODY)

    resp = client.post(URL, {**BODY, "rate": "83.30"})

    assert resp.json()["rate"] == "83.30"[:-1]  # "83.3": a rate is written without trailing zeros
    assert ExchangeRate.objects.count() == 1


@pytest.mark.parametrize(
    "change,fields",
    [
        ({"rate": "0"}, {"rate": "A rate must be greater than zero."}),
        ({"rate": "-83.25"}, {"rate": "A rate must be greater than zero."}),
        ({"rate": "lots"}, {"rate": "Enter a number."}),
        ({"quote": "XYZ"}, {"quote": "“XYZ” is not an ISO 4217 currency code."}),
        ({"quote": "usd"}, {"quote": "The quote currency must differ from the base currency."}),
        (
            {"base": "ABC", "rate": "0"},
            {
                "base": "“ABC” is not an ISO 4217 currency code.",
                "rate": "A rate must be greater than zero.",
            },
        ),
    ],
)
def test_a_bad_rate_is_refused_and_nothing_written(api, admin_user, change, fields):
    client = api(admin_user)
    audits = AuditEvent.objects.count()

    resp = client.post(URL, {**BODY, **change})

    assert_error(resp, 422, "validation_failed", fields)
    assert ExchangeRate.objects.count() == 0
    assert AuditEvent.objects.count() == audits


def test_only_an_admin_adds_rates(api, owner, manager):
    for user in (owner, manager):
        resp = api(user).post(URL, BODY)
        assert_error(resp, 403, "forbidden")
    assert ExchangeRate.objects.count() == 0


def test_the_list_is_newest_first_by_pair_and_date(api, owner, admin_user):
    for day, rate in (("2026-06-28", "83.10"), ("2026-06-30", "83.25"), ("2026-06-29", "83.2")):
        rate_create(actor=admin_user, base="USD", quote="INR", rate=rate, date=day)
    rate_create(actor=admin_user, base="EUR", quote="INR", rate="90", date="2026-06-30")
    client = api(owner)

    pair = client.get(URL, {"base": "USD", "quote": "INR"}).json()
    one_day = client.get(URL, {"base": "usd", "quote": "INR", "date": "2026-06-29"}).json()
    everything = client.get(URL).json()
    bad = client.get(URL, {"base": "XX1"})

    assert [(r["date"], r["rate"]) for r in pair["items"]] == [
        ("2026-06-30", "83.25"),
        ("2026-06-29", "83.2"),
        ("2026-06-28", "83.1"),
    ]
    assert pair["next"] is None
    assert [r["rate"] for r in one_day["items"]] == ["83.2"]
    assert len(everything["items"]) == 4
    assert_error(bad, 422, "validation_failed", {"base": "“XX1” is not an ISO 4217 currency code."})
