"""/api/v1/scheduling: working hours shared across time zones, and wall-clock times read in a zone
(daylight-saving gaps refused, repeats resolved to the first)."""

from __future__ import annotations

import pytest

from tests import factories
from tests.api.helpers import assert_error

pytestmark = pytest.mark.django_db

HOURS = "/api/v1/scheduling/working-hours"
LOCAL = "/api/v1/scheduling/local-time"


def _zone(user, name):  # noqa: ANN001, ANN202
    user.time_zone = name
    user.save(update_fields=["time_zone"])
    return user


def _spans(body):  # noqa: ANN001, ANN202
    return [(w["start"], w["end"]) for w in body["windows"]]


def test_kolkata_and_london_share_the_london_morning(api, owner, teammate):
    # given a rep in Kolkata (+05:30) and a colleague in London (+01:00 in September)
    _zone(owner, "Asia/Kolkata")
    _zone(teammate, "Europe/London")
    # when the rep asks for Tuesday 1 September 2026
    resp = api(owner).get(HOURS, {"user_ids": f"{owner.pk},{teammate.pk}", "date": "2026-09-01"})
    # then 09:00-11:30 London (13:30-17:00 Kolkata) is the only shared span
    assert resp.status_code == 200, resp.content
    body = resp.json()
    assert body["time_zone"] == "Asia/Kolkata"
    assert _spans(body) == [("2026-09-01T08:00:00Z", "2026-09-01T11:30:00Z")]
    assert body["windows"][0]["local"] == [
        {
            "kind": "user",
            "id": owner.pk,
            "start": "2026-09-01T13:30:00+05:30",
            "end": "2026-09-01T17:00:00+05:30",
            "utc_offset": "+05:30",
        },
        {
            "kind": "user",
            "id": teammate.pk,
            "start": "2026-09-01T09:00:00+01:00",
            "end": "2026-09-01T12:30:00+01:00",
            "utc_offset": "+01:00",
        },
    ]


def test_a_person_without_a_zone_works_in_their_organizations(api, owner):
    _zone(owner, "Asia/Kolkata")
    org = factories.make_organization(
        owner, name="Lord Howe Pearls", time_zone="Australia/Lord_Howe"
    )
    person = factories.make_person(owner, full_name="Mia Jones", organization_id=org.pk)
    nobody = factories.make_person(owner, full_name="No Zone")
    resp = api(owner).get(
        HOURS,
        {"user_ids": str(owner.pk), "person_ids": f"{person.pk},{nobody.pk}", "date": "2026-09-01"},
    )
    body = resp.json()
    # Lord Howe is +10:30 in September: 09:00-17:00 there is 22:30-06:30 UTC, and Kolkata's
    # day starts at 09:00 (03:30 UTC): shared 03:30-06:30 UTC (09:00-12:00 Kolkata)
    assert _spans(body) == [("2026-09-01T03:30:00Z", "2026-09-01T06:30:00Z")]
    assert [p["name"] for p in body["participants"]] == ["Olivia Owner", "Mia Jones"]
    assert body["participants"][1]["time_zone"] == "Australia/Lord_Howe"
    assert body["without_time_zone"] == [
        {"kind": "person", "id": nobody.pk, "name": "No Zone", "time_zone": None}
    ]


def test_the_day_after_new_york_springs_forward(api, owner, teammate):
    # given a New Yorker (EDT -04:00 from 8 March 2026) and a colleague in London (still GMT)
    _zone(owner, "America/New_York")
    _zone(teammate, "Europe/London")
    resp = api(owner).get(HOURS, {"user_ids": f"{owner.pk},{teammate.pk}", "date": "2026-03-09"})
    # then 09:00-13:00 New York (13:00-17:00 London) is shared: 13:00-17:00 UTC
    assert _spans(resp.json()) == [("2026-03-09T13:00:00Z", "2026-03-09T17:00:00Z")]


def test_a_weekend_day_has_no_working_hours(api, owner):
    _zone(owner, "Asia/Kolkata")
    body = api(owner).get(HOURS, {"date": "2026-09-05"}).json()  # a Saturday
    assert body["windows"] == []
    assert body["participants"][0]["id"] == owner.pk


def test_participants_the_viewer_cannot_see_are_refused(api, owner, outsider):
    hidden = factories.make_person(outsider, full_name="Hidden")
    assert_error(
        api(owner).get(HOURS, {"person_ids": str(hidden.pk)}),
        422,
        "validation_failed",
        {"person_ids": f"No such person: {hidden.pk}."},
    )
    assert_error(
        api(owner).get(HOURS, {"user_ids": "1,x"}),
        422,
        "validation_failed",
        {"user_ids": "Give up to 50 ids separated by commas."},
    )
    assert_error(
        api(owner).get(HOURS, {"date": "2026-13-01"}),
        422,
        "validation_failed",
        {"date": "Enter a date as YYYY-MM-DD."},
    )
    assert_error(
        api(owner).get(HOURS, {"time_zone": "Mars/Olympus"}),
        422,
        "validation_failed",
        {"time_zone": "“Mars/Olympus” is not a known time zone."},
    )


# --- wall-clock times -----------------------------------------------------------------------------
def test_a_time_new_york_skips_is_refused(api, owner):
    resp = api(owner).get(LOCAL, {"at": "2026-03-08T02:30", "time_zone": "America/New_York"})
    assert_error(
        resp,
        422,
        "nonexistent_time",
        {
            "at": "2026-03-08 02:30 does not exist in America/New_York: the clocks skip that "
            "hour (daylight saving time starts). Choose a time before or after it."
        },
    )


def test_a_time_new_york_repeats_is_the_first(api, owner):
    resp = api(owner).get(LOCAL, {"at": "2026-11-01T01:30", "time_zone": "America/New_York"})
    assert resp.json() == {
        "local": "2026-11-01T01:30:00-04:00",
        "utc": "2026-11-01T05:30:00Z",
        "utc_offset": "-04:00",
        "time_zone": "America/New_York",
        "happens_twice": True,
    }


def test_lord_howe_and_india_in_the_viewers_zone(api, owner):
    lord_howe = api(owner).get(
        LOCAL, {"at": "2026-10-04T02:15", "time_zone": "Australia/Lord_Howe"}
    )
    assert_error(lord_howe, 422, "nonexistent_time")
    _zone(owner, "Asia/Kolkata")
    india = api(owner).get(LOCAL, {"at": "2026-09-01T09:00"}).json()
    assert (india["utc"], india["utc_offset"], india["happens_twice"]) == (
        "2026-09-01T03:30:00Z",
        "+05:30",
        False,
    )
