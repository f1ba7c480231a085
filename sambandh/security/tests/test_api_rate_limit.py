"""API rate limits per token (security/api_limits.py): past API_RATE_LIMIT requests in a window,
429 with Retry-After and the envelope, through the API stack and the read lane alike; other
tokens unaffected; the next window answers again; nothing is changed by a refused write."""

from __future__ import annotations

import pytest

from sambandh.contacts.models import Person
from sambandh.security import api_limits
from sambandh.security.models import ApiRateWindow
from tests.api.helpers import assert_error
from tests.factories import make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock(monkeypatch):
    """The limiter's clock, set by the test: 1_000_040 is 20 s into the 60 s window that starts
    at 1_000_020 (a multiple of 60)."""
    now = {"t": 1_000_040.0}
    monkeypatch.setattr(api_limits.time, "time", lambda: now["t"])
    return now


@pytest.fixture
def limit(settings):
    settings.API_RATE_LIMIT = 3
    settings.API_RATE_WINDOW = 60


def test_a_token_past_its_limit_gets_429_with_retry_after(api, owner, limit, clock):
    client = api(owner)
    answers = [client.get("/api/v1/people").status_code for _ in range(3)]

    refused = client.get("/api/v1/people")

    assert answers == [200, 200, 200]
    assert_error(refused, 429, "rate_limited")
    # 40 s to the window's end
    assert refused["Retry-After"] == "40"
    assert refused.json()["error"]["message"] == (
        "Too many requests with this token. Try again in 40 seconds."
    )
    assert refused["Cache-Control"].startswith("no-store")


def test_the_message_is_translated(api, owner, limit, clock):
    client = api(owner)
    for _ in range(3):
        client.get("/api/v1/people")

    refused = client.get("/api/v1/people", **{"Accept-Language": "de"})

    assert refused.status_code == 429
    assert refused.json()["error"]["message"] != (
        "Too many requests with this token. Try again in 40 seconds."
    )
    assert "40" in refused.json()["error"]["message"]


def test_the_read_lane_counts_and_refuses_too(api, owner, limit, clock):
    person = make_person(owner, full_name="Asha Rao")
    client = api(owner)
    lane = []
    for _ in range(3):
        assert client.get(f"/api/v1/people/{person.pk}").status_code == 200
        lane.append(client.lane_answered)

    refused = client.get(f"/api/v1/people/{person.pk}")

    assert lane == [True, True, True]
    assert not client.lane_answered
    assert_error(refused, 429, "rate_limited")
    assert refused["Retry-After"] == "40"


def test_a_refused_write_changes_nothing(api, owner, limit, clock):
    client = api(owner)
    for _ in range(3):
        client.get("/api/v1/people")
    before = Person.objects.count()

    refused = client.post("/api/v1/people", {"full_name": "Not Written"})

    assert_error(refused, 429, "rate_limited")
    assert Person.objects.count() == before


def test_each_token_has_its_own_count(api, owner, teammate, limit, clock):
    first, second = api(owner), api(teammate)
    for _ in range(4):
        first.get("/api/v1/people")

    assert first.get("/api/v1/people").status_code == 429
    assert second.get("/api/v1/people").status_code == 200


def test_the_next_window_answers_again(api, owner, limit, clock):
    client = api(owner)
    for _ in range(4):
        client.get("/api/v1/people")
    assert client.get("/api/v1/people").status_code == 429

    clock["t"] = 1_000_080.0  # the next window

    assert client.get("/api/v1/people").status_code == 200


def test_a_limit_of_zero_turns_it_off(api, owner, settings, clock):
    settings.API_RATE_LIMIT = 0
    client = api(owner)

    statuses = {client.get("/api/v1/people").status_code for _ in range(5)}

    assert statuses == {200}
    assert ApiRateWindow.objects.count() == 0


def test_one_row_per_token_and_window_and_the_purge_forgets_past_ones(api, owner, limit, clock):
    client = api(owner)
    for _ in range(2):
        client.get("/api/v1/people")
    clock["t"] = 1_000_100.0
    client.get("/api/v1/people")

    rows = sorted(ApiRateWindow.objects.values_list("window_start", "hits"))
    purged = api_limits.api_windows_purge(before=1_000_100.0)

    assert rows == [(1_000_020, 2), (1_000_080, 1)]
    assert purged == 1
    assert list(ApiRateWindow.objects.values_list("window_start", flat=True)) == [1_000_080]


def test_an_unknown_token_is_not_counted(api, owner, limit, clock):
    client = api(owner, token="not-a-token")

    answers = {client.get("/api/v1/people").status_code for _ in range(5)}

    assert answers == {401}
    assert ApiRateWindow.objects.count() == 0


def test_a_process_adds_to_the_shared_count_in_batches(settings, owner, clock):
    """With a limit of 500, each process adds its requests to the row ten at a time: the read
    lane stays one statement for nine reads in ten."""
    from sambandh.accounts.models import ApiToken
    from tests.factories import make_token

    settings.API_RATE_LIMIT, settings.API_RATE_WINDOW = 500, 60
    make_token(owner)
    token = ApiToken.objects.get(user=owner)

    for _ in range(25):
        api_limits.api_request_count(token_id=token.pk)

    assert ApiRateWindow.objects.get().hits == 20  # two batches of ten; five still pending


def test_another_process_past_the_limit_is_seen_at_the_next_batch(settings, owner, clock):
    """The count is shared: requests another worker added to the row count here too."""
    from sambandh.accounts.models import ApiToken
    from tests.factories import make_token

    settings.API_RATE_LIMIT, settings.API_RATE_WINDOW = 100, 60
    make_token(owner)
    token = ApiToken.objects.get(user=owner)
    ApiRateWindow.objects.create(key=f"token:{token.pk}", window_start=1_000_020, hits=99)

    api_limits.api_request_count(token_id=token.pk)  # batch of 2: pending
    with pytest.raises(api_limits.ApiRateLimited) as refused:
        api_limits.api_request_count(token_id=token.pk)  # flushed: 101

    assert refused.value.retry_after == 40
    assert ApiRateWindow.objects.get().hits == 101
