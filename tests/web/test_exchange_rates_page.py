"""Settings › Exchange rates: the newest rates, adding one, importing a CSV file (all or
nothing), and only for administrators."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sambandh.currencies.models import ExchangeRate
from sambandh.currencies.services import rate_create
from tests.web.helpers import text

pytestmark = pytest.mark.django_db

URL = reverse("administration:rates")


def test_the_page_lists_the_newest_rates(admin_user, browser_for):
    rate_create(actor=admin_user, base="USD", quote="INR", rate="83.25", date="2026-06-30")
    rate_create(actor=admin_user, base="USD", quote="INR", rate="83.1", date="2026-06-29")

    body = text(browser_for(admin_user).get(URL))

    assert body.index("2026-06-30") < body.index("2026-06-29")
    assert "1 USD in INR" in body
    assert "83.25" in body


def test_an_admin_adds_a_rate(admin_user, browser_for):
    resp = browser_for(admin_user).post(
        URL, {"base": "EUR", "quote": "INR", "rate": "90.10", "date": "2026-06-30"}
    )

    assert resp.status_code == 302
    row = ExchangeRate.objects.get()
    assert (row.base, row.quote, row.rate, row.source) == ("EUR", "INR", Decimal("90.1"), "manual")


def test_a_rate_of_zero_is_refused_on_the_form(admin_user, browser_for):
    resp = browser_for(admin_user).post(
        URL, {"base": "EUR", "quote": "EUR", "rate": "0", "date": "2026-06-30"}
    )

    assert resp.status_code == 422
    errors = resp.context["form"].errors
    assert errors["rate"] == ["A rate must be greater than zero."]
    assert errors["quote"] == ["The quote currency must differ from the base currency."]
    assert ExchangeRate.objects.count() == 0


def test_a_csv_file_is_imported_or_refused_whole(admin_user, browser_for):
    client = browser_for(admin_user)

    def upload(content: str) -> object:
        return client.post(
            URL,
            {
                "action": "import",
                "file": SimpleUploadedFile("rates.csv", content.encode(), "text/csv"),
            },
        )

    bad = upload("date,base,quote,rate\n2026-06-30,USD,INR,83.25\n2026-06-30,USD,INR,-1\n")
    assert bad.status_code == 422
    assert bad.context["file_form"].errors["file"] == [
        "Line 3: rate: A rate must be greater than zero."
    ]
    assert ExchangeRate.objects.count() == 0

    good = upload("date,base,quote,rate\n2026-06-30,USD,INR,83.25\n")
    assert good.status_code == 302
    assert ExchangeRate.objects.get().source == "csv"


def test_only_an_admin_sees_the_page(owner, manager, browser_for):
    for user in (owner, manager):
        assert browser_for(user).get(URL).status_code == 403
        resp = browser_for(user).post(
            URL, {"base": "EUR", "quote": "INR", "rate": "90", "date": "2026-06-30"}
        )
        assert resp.status_code == 403
    assert ExchangeRate.objects.count() == 0
