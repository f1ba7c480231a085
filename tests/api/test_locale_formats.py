"""The API and the user's formats: the format locale and digits on /users/me, amounts in the
user's format beside plain decimals, an organization's time zone."""

from __future__ import annotations

from decimal import Decimal

import pytest

from sambandh.accounts.models import User
from sambandh.contacts.models import Organization
from sambandh.sales.models import Deal
from tests.api.helpers import assert_error, snapshot
from tests.factories import make_organization

pytestmark = pytest.mark.django_db

ME = "/api/v1/users/me"
DEALS = "/api/v1/deals"


def _formats(user, locale, *, language="en"):  # noqa: ANN001, ANN202
    user.format_locale, user.language = locale, language
    user.save(update_fields=["format_locale", "language"])
    return user


# --- /users/me ------------------------------------------------------------------------------------
def test_a_user_reads_and_sets_their_format_locale_and_digits(api, owner):
    client = api(owner)
    before = client.get(ME).json()
    assert (before["format_locale"], before["native_digits"]) == ("", False)
    resp = client.patch(ME, {"format_locale": "en-in", "native_digits": True})
    assert resp.status_code == 200, resp.content
    body = resp.json()
    assert (body["format_locale"], body["native_digits"], body["language"]) == ("en-IN", True, "en")
    owner.refresh_from_db()
    assert (owner.format_locale, owner.native_digits, owner.time_zone) == ("en-IN", True, "UTC")


def test_an_unknown_format_locale_is_refused_and_nothing_changes(api, owner):
    client = api(owner)
    before = snapshot(owner)
    assert_error(
        client.patch(ME, {"format_locale": "xx-YY", "time_zone": "Asia/Kolkata"}),
        422,
        "validation_failed",
        {
            "format_locale": "Choose one of: "
            "en-US, en-GB, en-IN, te, gu, hi, es, pt-BR, fr, de, ja, ar."
        },
    )
    assert snapshot(owner) == before
    assert User.objects.get(pk=owner.pk).time_zone == "UTC"


# --- amounts --------------------------------------------------------------------------------------
def _deal(api, user, pipeline, amount, currency="EUR"):  # noqa: ANN001, ANN202
    return api(user).post(
        DEALS,
        {
            "name": "Berlin fleet",
            "pipeline_id": pipeline.pk,
            "amount": amount,
            "currency": currency,
        },
    )


def test_plain_decimals_are_read_whatever_the_users_format(api, owner, pipeline):
    _formats(owner, "de")
    resp = _deal(api, owner, pipeline, "1234.50")
    assert resp.status_code == 201, resp.content
    assert resp.json()["amount"] == "1234.50"


def test_an_amount_in_the_users_format_is_read(api, owner, pipeline):
    _formats(owner, "de")
    assert _deal(api, owner, pipeline, "1.234,50").json()["amount"] == "1234.50"
    _formats(owner, "en-IN")
    resp = _deal(api, owner, pipeline, "12,34,567.89", "INR")
    assert resp.json()["amount"] == "1234567.89"
    assert sorted(Deal.objects.values_list("amount", flat=True)) == [
        Decimal("1234.50"),
        Decimal("1234567.89"),
    ]


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        (
            "1,234",
            "“1,234” is ambiguous: in your format it means 1,234, but it is often written for "
            "1.234. Write it like 1.234.567,89.",
        ),
        (
            "1.234",
            "“1.234” is ambiguous: as a plain decimal it is 1,234, in your format 1.234. Send a "
            "plain decimal such as “1234.50”.",
        ),
        ("12,5,x", "“12,5,x” is not an amount. Write it like 1.234.567,89."),
    ],
)
def test_an_ambiguous_or_malformed_amount_is_refused_and_nothing_written(
    api, owner, pipeline, amount, message
):
    _formats(owner, "de")
    assert_error(_deal(api, owner, pipeline, amount), 422, "validation_failed", {"amount": message})
    assert Deal.objects.count() == 0


def test_the_refusal_is_in_the_users_language(api, owner, pipeline):
    # the message goes through gettext; in English here, translated by the catalogues
    _formats(owner, "de", language="de")
    resp = _deal(api, owner, pipeline, "1,234")
    assert resp.status_code == 422
    assert "1.234.567,89" in resp.json()["error"]["fields"]["amount"]


# --- an organization's time zone ------------------------------------------------------------------
def test_an_organization_has_a_time_zone(api, owner):
    resp = api(owner).post(
        "/api/v1/organizations", {"name": "Howe Pearls", "time_zone": "Australia/Lord_Howe"}
    )
    assert resp.status_code == 201, resp.content
    assert resp.json()["time_zone"] == "Australia/Lord_Howe"
    assert Organization.objects.get(pk=resp.json()["id"]).time_zone == "Australia/Lord_Howe"


def test_an_unknown_time_zone_is_refused_and_nothing_changes(api, owner):
    org = make_organization(owner, name="Tata", time_zone="Asia/Kolkata")
    client = api(owner)
    before = snapshot(org)
    assert_error(
        client.patch(
            f"/api/v1/organizations/{org.pk}", {"time_zone": "Asia/Calcutta2", "version": 1}
        ),
        422,
        "validation_failed",
        {"time_zone": "“Asia/Calcutta2” is not a known time zone."},
    )
    assert snapshot(org) == before
