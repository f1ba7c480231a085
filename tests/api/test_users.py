"""/api/v1/users: the directory of colleagues, readable by everyone; never a secret in an answer.
(Its administration, by admins, is in test_admin_users.py.)"""

from __future__ import annotations

import pytest

from sambandh.accounts.models import User
from tests.api.helpers import MISSING_ID, assert_error, ids_of, walk, warm
from tests.factories import make_user

pytestmark = pytest.mark.django_db

URL = "/api/v1/users"
KEYS = {
    "id",
    "full_name",
    "email",
    "role",
    "language",
    "time_zone",
    "currency",
    "format_locale",
    "native_digits",
    "is_active",
    "team_ids",
}


def test_me(api, owner):
    resp = api(owner).get(f"{URL}/me")
    assert resp.status_code == 200
    assert resp.json() == {
        "id": owner.pk,
        "full_name": "Olivia Owner",
        "email": "owner@example.com",
        "role": "sales_rep",
        "language": "en",
        "time_zone": "UTC",
        "currency": "USD",
        "format_locale": "",
        "native_digits": False,
        "is_active": True,
        "team_ids": [owner.teams.get().pk],
    }


def test_a_colleague_and_no_secrets(api, owner, outsider):
    client = api(outsider)
    resp = client.get(f"{URL}/{owner.pk}")
    assert resp.status_code == 200
    assert set(resp.json()) == KEYS
    # neither the password hash nor any token appears anywhere in the answers
    raw = b"".join(client.get(p).content for p in (f"{URL}/{owner.pk}", f"{URL}/me", URL))
    assert owner.password.encode() not in raw
    assert b"password" not in raw and client.token.encode() not in raw
    assert b"sbk_" not in raw


def test_an_inactive_user_is_shown_to_admins_only(api, owner, admin_user):
    gone = make_user(email="gone@example.com", full_name="Gone")
    User.objects.filter(pk=gone.pk).update(is_active=False)
    assert_error(api(owner).get(f"{URL}/{gone.pk}"), 404, "not_found")
    assert api(admin_user).get(f"{URL}/{gone.pk}").json()["is_active"] is False
    assert gone.pk not in walk(api(owner), URL)
    assert gone.pk in walk(api(admin_user), URL)


def test_a_missing_user_answers_404(api, owner):
    assert_error(api(owner).get(f"{URL}/{MISSING_ID}"), 404, "not_found")


def test_the_directory_pages_and_filters(api, owner, teammate, outsider, manager):
    client = api(owner)
    everyone = sorted([owner, teammate, outsider, manager], key=lambda u: (u.full_name, u.pk))
    assert walk(client, URL, {"limit": 3}) == [u.pk for u in everyone]
    assert ids_of(client.get(URL, {"q": "OUTSIDER@"})) == [outsider.pk]
    assert ids_of(client.get(URL, {"q": "te"})) == [teammate.pk]


def test_users_cannot_be_deleted(api, admin_user, owner):
    resp = api(admin_user).delete(f"{URL}/{owner.pk}")
    # (django-ninja answers its own plain-text 405 here, outside the error envelope)
    assert resp.status_code == 405
    assert set(resp["Allow"].replace(" ", "").split(",")) == {"GET", "PATCH"}
    assert User.objects.filter(pk=owner.pk, is_active=True).exists()


def test_list_query_count_does_not_grow_with_rows(api, owner, queries):
    for n in range(20):
        make_user(full_name=f"User {n:02}")
    client = api(owner)
    warm(client, URL)
    with queries() as ctx:
        assert len(ids_of(client.get(URL))) == 21
    # the token, the page of users, their teams
    assert len(ctx.captured_queries) == 3
