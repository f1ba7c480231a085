"""The API's language: Accept-Language when it names one of ours, else the token user's stored
language, else the site's default; refused requests answer in it too, pydantic's messages
included, with their machine-readable codes unchanged."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.api.helpers import MISSING_ID, assert_error, snapshot
from tests.factories import make_person

pytestmark = pytest.mark.django_db

PEOPLE = "/api/v1/people"
NOT_FOUND_TE = "అలాంటి వ్యక్తి లేరు."
NOT_FOUND_HI = "ऐसा कोई व्यक्ति नहीं है।"


def test_an_unauthenticated_request_is_refused_in_telugu():
    # when a request without a token asks for Telugu
    resp = Client().get(PEOPLE, headers={"Accept-Language": "te"})
    # then the 401 says so in Telugu, with the same code
    assert_error(resp, 401, "unauthorized")
    assert resp.json()["error"]["message"] == (
        "చెల్లుబాటు అయ్యే API టోకెన్ పంపండి: Authorization: Bearer <token>."
    )


def test_without_accept_language_a_refusal_is_in_english():
    resp = Client().get(PEOPLE)
    assert resp.json()["error"]["message"] == (
        "Send a valid API token: Authorization: Bearer <token>."
    )


def test_a_missing_record_is_refused_in_telugu(api, owner):
    resp = api(owner).get(f"{PEOPLE}/{MISSING_ID}", **{"Accept-Language": "te-IN,en;q=0.5"})
    assert_error(resp, 404, "not_found")
    assert resp.json()["error"]["message"] == NOT_FOUND_TE


def test_a_forbidden_write_is_refused_in_telugu_and_changes_nothing(api, readonly, owner):
    person = make_person(owner)
    client = api(readonly)
    before = snapshot(person)
    resp = client.patch(
        f"{PEOPLE}/{person.pk}", {"job_title": "X", "version": 1}, **{"Accept-Language": "te"}
    )
    assert_error(resp, 403, "forbidden")
    assert resp.json()["error"]["message"] == "దీన్ని చేయడానికి మీకు అనుమతి లేదు."
    assert snapshot(person) == before


def test_pydantic_messages_are_translated_and_codes_kept(api, owner):
    # when a body has a value of the wrong type and a string past its limit, asked in Telugu
    resp = api(owner).post(
        PEOPLE, {"full_name": "x" * 201, "job_title": 12}, **{"Accept-Language": "te"}
    )
    # then the envelope keeps its code and the field messages are Telugu, with their limits
    assert_error(resp, 422, "validation_failed")
    assert resp.json()["error"] == {
        "code": "validation_failed",
        "message": "కొన్ని ఫీల్డ్‌లు చెల్లవు.",
        "fields": {
            "full_name": "పాఠ్యంలో గరిష్ఠంగా 200 అక్షరాలు ఉండాలి",
            "job_title": "విలువ చెల్లుబాటు అయ్యే పాఠ్యం అయి ఉండాలి",
        },
    }


def test_pydantic_messages_stay_pydantics_own_in_english(api, owner):
    resp = api(owner).post(PEOPLE, {"full_name": "x" * 201})
    assert resp.json()["error"]["fields"] == {
        "full_name": "String should have at most 200 characters"
    }


def test_a_token_user_is_answered_in_their_own_language(api, owner):
    # given a user who chose Hindi, calling without Accept-Language
    owner.language = "hi"
    owner.save(update_fields=["language"])
    resp = api(owner).get(f"{PEOPLE}/{MISSING_ID}")
    assert resp.json()["error"]["message"] == NOT_FOUND_HI


def test_accept_language_wins_over_the_users_language(api, owner):
    owner.language = "hi"
    owner.save(update_fields=["language"])
    resp = api(owner).get(f"{PEOPLE}/{MISSING_ID}", **{"Accept-Language": "te"})
    assert resp.json()["error"]["message"] == NOT_FOUND_TE


def test_a_language_we_do_not_have_falls_back_to_the_users(api, owner):
    owner.language = "hi"
    owner.save(update_fields=["language"])
    resp = api(owner).get(f"{PEOPLE}/{MISSING_ID}", **{"Accept-Language": "sw, *;q=0.1"})
    assert resp.json()["error"]["message"] == NOT_FOUND_HI


def test_the_next_request_starts_in_the_default_language(api, owner):
    api(owner).get(f"{PEOPLE}/{MISSING_ID}", **{"Accept-Language": "te"})
    resp = Client().get(PEOPLE)
    assert resp.json()["error"]["message"].startswith("Send a valid API token")


def test_ninjas_own_refusal_of_a_malformed_body_is_translated(api, owner):
    resp = api(owner).client.post(
        PEOPLE,
        "{not json",
        content_type="application/json",
        headers={"Authorization": f"Bearer {api(owner).token}", "Accept-Language": "te"},
    )
    assert_error(resp, 400, "bad_request")
    assert resp.json()["error"]["message"] == "అభ్యర్థన బాడీని చదవలేకపోయాము"


def test_a_wrong_method_is_refused_in_telugu():
    resp = Client().put(PEOPLE, headers={"Accept-Language": "te"})
    assert_error(resp, 405, "method_not_allowed")
    allowed = resp["Allow"]  # the order of the methods is ninja's
    assert set(allowed.replace(" ", "").split(",")) == {"GET", "POST"}
    assert resp.json()["error"]["message"] == (f"ఈ పాత్ PUT ను అంగీకరించదు. అనుమతించినవి: {allowed}.")


def test_an_unknown_api_path_is_refused_in_telugu():
    resp = Client().get("/api/v1/no-such-thing", headers={"Accept-Language": "te"})
    assert_error(resp, 404, "not_found")
    assert resp.json()["error"]["message"] == "అలాంటి API పాత్ లేదు."
