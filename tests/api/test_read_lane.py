"""The read lane (config/read_lane.py) answers successful person reads exactly as the API does,
and hands everything else to the API, at once when a token, a user or a share changes."""

from __future__ import annotations

import json
import logging
from datetime import timedelta

import pytest
from django.db import DatabaseError
from django.utils import timezone

from config import read_lane
from sambandh.accounts.models import ApiToken, RecordShare, User
from sambandh.accounts.services import record_share, token_digest, token_revoke
from sambandh.contacts import services as contacts
from sambandh.contacts.schemas import PersonIn
from tests.api.helpers import MISSING_ID, assert_error, snapshot
from tests.factories import make_organization, make_person, make_user

pytestmark = pytest.mark.django_db

URL = "/api/v1/people"


@pytest.fixture
def person(owner):
    org = make_organization(owner, name="Aravali Infotech")
    return contacts.person_create(
        actor=owner,
        data=PersonIn.build(
            {
                "full_name": "రవి రావు",
                "job_title": "CTO",
                "organization_id": org.pk,
                "emails": [
                    contacts.EmailIn("ravi@aravali.in", "work"),
                    contacts.EmailIn("r@x.in", "home"),
                ],
                "phones": [contacts.PhoneIn("+91 98765 43210", "mobile", True)],
                "tags": ["VIP", "Key account"],
            }
        ),
    )


def answer(resp) -> tuple[int, dict, dict]:
    headers = {k: v for k, v in resp.items() if k != "Content-Length"}
    return resp.status_code, resp.json(), headers


def test_the_lane_answers_a_visible_read_exactly_as_the_api_does(api, owner, person):
    # given the same rep, once with the lane and once without it
    lane, plain = api(owner), api(owner, lane=False)
    # when both read the person
    through_lane = lane.get(f"{URL}/{person.pk}")
    through_api = plain.get(f"{URL}/{person.pk}")
    # then the lane answered the first, the API the second, with the same status, body and
    # headers (the security headers are Django's own)
    assert lane.lane_answered is True
    assert plain.lane_answered is False
    assert answer(through_lane) == answer(through_api)
    assert through_lane["ETag"] == f'W/"{person.version}"'
    assert through_lane["X-Content-Type-Options"] == "nosniff"
    assert int(through_lane["Content-Length"]) == len(through_lane.content)
    assert through_lane.json()["tags"] == ["Key account", "VIP"]


def test_over_https_the_lane_adds_hsts_as_the_api_stack_does(api, owner, person, settings):
    # given HSTS configured, and a request that came over HTTPS
    settings.SECURE_HSTS_SECONDS = 3600
    lane, plain = api(owner), api(owner, lane=False)
    # when both read the person over HTTPS
    through_lane = lane.client.get(
        f"{URL}/{person.pk}", secure=True, headers={"Authorization": f"Bearer {lane.token}"}
    )
    through_api = plain.client.get(
        f"{URL}/{person.pk}", secure=True, headers={"Authorization": f"Bearer {plain.token}"}
    )
    # then both carry Strict-Transport-Security
    assert lane.lane_answered is True
    assert through_lane["Strict-Transport-Security"] == "max-age=3600"
    assert answer(through_lane) == answer(through_api)


def test_a_plain_http_request_behind_ssl_redirect_goes_to_the_api(api, owner, person, settings):
    # given SECURE_SSL_REDIRECT on
    settings.SECURE_SSL_REDIRECT = True
    client = api(owner)
    # when a read arrives over plain HTTP
    resp = client.get(f"{URL}/{person.pk}")
    # then the API stack redirects it, not the lane
    assert client.lane_answered is False
    assert resp.status_code == 301


def test_an_outsider_gets_the_apis_404_and_nothing_changes(api, outsider, person):
    # given an outsider's token and the person's stored state
    client = api(outsider)
    before = snapshot(person)
    # when they read the person twice
    first = client.get(f"{URL}/{person.pk}")
    second = client.get(f"{URL}/{person.pk}")
    # then the API answers both with the same 404 as a missing record, and nothing changed
    for resp in (first, second):
        assert client.lane_answered is False
        assert_error(resp, 404, "not_found")
    assert_error(client.get(f"{URL}/{MISSING_ID}"), 404, "not_found")
    assert snapshot(person) == before


def _revoke(owner, digest):
    token_revoke(token=ApiToken.objects.get(digest=digest), actor=owner)


def _expire(owner, digest):
    ApiToken.objects.filter(digest=digest).update(expires_at=timezone.now() - timedelta(seconds=1))


def _deactivate(owner, digest):
    User.objects.filter(pk=owner.pk).update(is_active=False)


@pytest.mark.parametrize("change", [_revoke, _expire, _deactivate], ids=lambda f: f.__name__)
def test_a_dead_token_stops_at_once_although_the_lane_remembered_it(api, owner, person, change):
    # given a token the lane has already answered for (it remembers its user)
    client = api(owner)
    assert client.get(f"{URL}/{person.pk}").status_code == 200
    assert client.lane_answered is True
    # when the token is revoked, expires, or its user is deactivated
    change(owner, token_digest(client.token))
    resp = client.get(f"{URL}/{person.pk}")
    # then the very next read is refused by the API
    assert client.lane_answered is False
    assert_error(resp, 401, "unauthorized")


def test_a_role_change_takes_effect_on_the_next_read(api, outsider, person):
    # given an outsider the lane remembers, who may not see the person
    client = api(outsider)
    assert_error(client.get(f"{URL}/{person.pk}"), 404, "not_found")
    assert client.get(f"{URL}/{MISSING_ID}").status_code == 404
    # when an administrator makes them an admin
    User.objects.filter(pk=outsider.pk).update(role="admin")
    # then they see the person on the next read, and the lane answers the one after
    assert client.get(f"{URL}/{person.pk}").status_code == 200
    assert client.get(f"{URL}/{person.pk}").status_code == 200
    assert client.lane_answered is True


def test_a_demoted_admin_loses_sight_at_once(api, admin_user, person):
    # given an admin the lane remembers, reading a person they do not own
    client = api(admin_user)
    assert client.get(f"{URL}/{person.pk}").status_code == 200
    assert client.lane_answered is True
    # when they are made a sales rep
    User.objects.filter(pk=admin_user.pk).update(role="sales_rep")
    # then the next read is refused: the remembered "sees everything" is not trusted
    assert_error(client.get(f"{URL}/{person.pk}"), 404, "not_found")


def test_a_share_counts_at_once_and_its_removal_too(api, owner, outsider, person):
    client = api(outsider)
    assert client.get(f"{URL}/{person.pk}").status_code == 404
    record_share(actor=owner, record_type="person", record_id=person.pk, user=outsider)
    assert client.get(f"{URL}/{person.pk}").status_code == 200
    assert client.get(f"{URL}/{person.pk}").status_code == 200
    assert client.lane_answered is True
    RecordShare.objects.filter(record_id=person.pk).delete()
    assert_error(client.get(f"{URL}/{person.pk}"), 404, "not_found")


def test_a_team_share_through_the_lane(api, owner, outsider, other_team, person):
    # given the person shared with the outsider's team
    record_share(actor=owner, record_type="person", record_id=person.pk, team=other_team)
    client = api(outsider)
    # when the outsider reads it twice
    client.get(f"{URL}/{person.pk}")
    resp = client.get(f"{URL}/{person.pk}")
    # then the lane answers, the rep's teams read inside its statement
    assert client.lane_answered is True
    assert resp.json()["id"] == person.pk


def test_a_manager_is_answered_by_the_api(api, manager, person):
    # given a manager (their scope needs their teams read first)
    client = api(manager)
    # when they read their team member's person, twice
    client.get(f"{URL}/{person.pk}")
    resp = client.get(f"{URL}/{person.pk}")
    # then the API answers, correctly
    assert client.lane_answered is False
    assert resp.status_code == 200
    assert resp.json()["id"] == person.pk


def test_an_admin_is_answered_by_the_lane(api, admin_user, person):
    client = api(admin_user)
    client.get(f"{URL}/{person.pk}")
    resp = client.get(f"{URL}/{person.pk}")
    assert client.lane_answered is True
    assert resp.json()["owner"]["name"] == "Olivia Owner"


@pytest.mark.parametrize(
    ("path", "params", "headers", "status"),
    [
        ("/{id}", {"fields": "id"}, {}, 422),  # a query string: the API reads it (and refuses it)
        ("/{id}/", {}, {}, 404),  # not a path of the API
        ("/0{id}", {}, {}, 200),  # not the canonical id, which the API still reads
        ("/{id}", {}, {"HTTP_AUTHORIZATION": "Basic abc"}, 401),  # another scheme
        ("/{id}", {}, {"HTTP_AUTHORIZATION": "Bearer "}, 401),  # no token
        ("/{id}", {}, {"HTTP_AUTHORIZATION": "Bearer " + "x" * 201}, 401),  # oversized
        ("/{id}", {}, {"HTTP_AUTHORIZATION": "Bearer not-a-token"}, 401),  # unknown
    ],
)
def test_anything_but_a_plain_read_with_a_live_token_goes_to_the_api(
    api, owner, person, path, params, headers, status
):
    # given a rep's live token, and a request that is not exactly a plain record read with it
    client = api(owner)
    environ = {"HTTP_AUTHORIZATION": f"Bearer {client.token}", **headers}
    # when it is sent
    resp = client.client.get(URL + path.format(id=person.pk), params, **environ)
    # then the lane stepped aside and the API answered it its own way
    assert client.lane_answered is False
    assert resp.status_code == status, resp.content
    if status == 200:
        assert resp.json()["id"] == person.pk
    else:
        assert set(resp.json()) == {"error"}


def test_writes_never_go_through_the_lane(api, owner, person):
    client = api(owner)
    resp = client.patch(f"{URL}/{person.pk}", {"job_title": "CEO", "version": person.version})
    assert client.lane_answered is False
    assert resp.status_code == 200
    assert resp.json()["job_title"] == "CEO"
    # and the next read shows the change and the new version
    read = client.get(f"{URL}/{person.pk}")
    assert client.lane_answered is True
    assert read.json()["job_title"] == "CEO"
    assert read["ETag"] == f'W/"{person.version + 1}"'


def test_a_database_error_in_the_lane_hands_the_read_to_the_api(
    api, owner, person, monkeypatch, caplog
):
    # given a lane whose reader fails (a fault injected where the database is called)
    def failing_reader(**_kwargs):
        def read(_person_id):
            raise DatabaseError("connection lost")

        return read

    monkeypatch.setitem(read_lane._READERS, "people", failing_reader)
    client = api(owner)
    # when the person is read
    with caplog.at_level(logging.WARNING, logger="config.read_lane"):
        resp = client.get(f"{URL}/{person.pk}")
    # then the API answered it, and the lane said why it stepped aside
    assert client.lane_answered is False
    assert resp.status_code == 200
    assert resp.json()["id"] == person.pk
    assert "handing" in caplog.text
    # and when it fails again at once, it does not warn again (once a minute at most)
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="config.read_lane"):
        assert client.get(f"{URL}/{person.pk}").status_code == 200
    assert caplog.text == ""


def test_the_lane_touches_the_token_at_most_once_a_minute(api, owner, person):
    # given a token used a while ago
    client = api(owner)
    client.get(f"{URL}/{person.pk}")
    long_ago = timezone.now() - timedelta(minutes=5)
    ApiToken.objects.filter(digest=token_digest(client.token)).update(last_used_at=long_ago)
    read_lane_of(client).forget()
    # when it is used twice through the lane
    client.get(f"{URL}/{person.pk}")
    client.get(f"{URL}/{person.pk}")
    # then its last use is now, not five minutes ago
    used = ApiToken.objects.get(digest=token_digest(client.token)).last_used_at
    assert used is not None and used > long_ago + timedelta(minutes=4)


def read_lane_of(client) -> read_lane.ReadLane:
    return client.client.handler.lane


@pytest.mark.django_db(transaction=True)
def test_the_wsgi_application_sends_record_reads_through_the_lane(owner, person, queries):
    # given the production WSGI application and a token it has already seen once
    from io import BytesIO

    from config.handlers import Application
    from tests.factories import make_token

    application = Application()
    token = make_token(owner)

    def get(path: str) -> tuple[str, bytes]:
        environ = {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": path,
            "QUERY_STRING": "",
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8000",
            "HTTP_HOST": "127.0.0.1:8000",
            "HTTP_AUTHORIZATION": f"Bearer {token}",
            "wsgi.input": BytesIO(),
            "wsgi.url_scheme": "http",
        }
        seen: list[str] = []
        body = b"".join(application(environ, lambda status, headers: seen.append(status)))
        return seen[0], body

    get(f"{URL}/{person.pk}")
    # when it reads the person, then reads it by a path the lane leaves to the API (a leading 0)
    with queries() as lane:
        status, body = get(f"{URL}/{person.pk}")
    with queries() as stack:
        stack_status, stack_body = get(f"{URL}/0{person.pk}")
    # then the lane answered the first in one statement, the API the second, the same record
    assert (status, stack_status) == ("200 OK", "200 OK")
    assert len(lane.captured_queries) == 1
    assert len(stack.captured_queries) > 1
    assert json.loads(body) == json.loads(stack_body)


def test_the_lane_steps_aside_while_a_field_rule_applies_and_comes_back_after(
    api, admin_user, owner, django_assert_num_queries
):
    from sambandh.accounts.services_access import field_permission_set

    person = make_person(owner, full_name="Asha Rao", phone="+91 98765 43210")
    client = api(owner)
    first = client.get(f"/api/v1/people/{person.pk}")
    assert first.status_code == 200 and client.lane_answered
    # when a rule hides phones from the owner's role
    field_permission_set(
        actor=admin_user, record_type="person", field="phones", hidden_from=["sales_rep"]
    )
    # then the next read is the API's, without the phones, from the row the lane's one
    # statement verified (token, visibility, the role's rules): nothing is read twice
    with django_assert_num_queries(1):
        resp = client.get(f"/api/v1/people/{person.pk}")
    assert resp.status_code == 200 and not client.lane_answered
    assert "phones" not in resp.json() and "phone" not in resp.json()
    assert resp.json()["full_name"] == "Asha Rao" and resp["ETag"] == first["ETag"]
    # and when the rule goes, the lane answers again at once
    field_permission_set(actor=admin_user, record_type="person", field="phones")
    resp = client.get(f"/api/v1/people/{person.pk}")
    assert client.lane_answered and resp.json()["phone"] == "+919876543210"


def test_a_read_handed_over_by_the_lane_still_fails_as_the_api_does(api, admin_user, owner):
    """What the lane hands over is this request's read of this record by this token: a revoked
    token, another record or a record not visible get the API's own answers."""
    from sambandh.accounts.services_access import field_permission_set

    mine = make_person(owner, full_name="Asha Rao")
    hidden = make_person(make_user(email="other@example.com"), full_name="Not Shared")
    field_permission_set(
        actor=admin_user, record_type="person", field="phones", hidden_from=["sales_rep"]
    )
    client = api(owner)
    assert client.get(f"/api/v1/people/{mine.pk}").status_code == 200
    assert client.get(f"/api/v1/people/{hidden.pk}").status_code == 404
    assert client.get(f"/api/v1/people/{mine.pk}?x=1").status_code == 422
    token_revoke(actor=owner, token=ApiToken.objects.get(digest=token_digest(client.token)))
    assert client.get(f"/api/v1/people/{mine.pk}").status_code == 401
