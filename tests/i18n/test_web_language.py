"""The web's language: the switcher (stored on the user, a cookie before sign-in), the browser's
Accept-Language on the sign-in pages, Gujarati with Django's own strings, Arabic right to left,
emails in the recipient's language, and the scripts' catalogue."""

from __future__ import annotations

import json

import pytest
from django.conf import settings
from django.test import Client

from sambandh.core.models import AuditEvent

pytestmark = pytest.mark.django_db

LOGIN_GU = "Sambandh માં લૉગ ઇન કરો"
LOGIN_TE = "Sambandh కు లాగిన్ అవ్వండి"


def page(response) -> str:  # noqa: ANN001
    return response.content.decode()


def test_the_login_page_follows_accept_language_into_gujarati():
    body = page(Client().get("/login/", headers={"Accept-Language": "gu,en;q=0.8"}))
    assert '<html lang="gu" dir="ltr">' in body
    assert LOGIN_GU in body


def test_a_required_field_error_is_in_gujarati():
    # when someone who reads Gujarati submits the login form empty
    resp = Client().post("/login/", {}, headers={"Accept-Language": "gu"})
    # then Django's form says the fields are required, in Gujarati
    assert page(resp).count("આ ફીલ્ડ આવશ્યક છે.") == 2


def test_djangos_own_login_refusal_is_in_gujarati(owner):
    """ "Please enter a correct email and password" is Django's (contrib.auth), which ships no
    Gujarati: it comes from locale_django/gu."""
    resp = Client().post(
        "/login/",
        {"username": owner.email, "password": "wrong"},
        headers={"Accept-Language": "gu"},
    )
    assert "કૃપા કરીને સાચું" in page(resp)
    assert "Please enter a correct" not in page(resp)


def test_gujarati_is_a_language_django_knows():
    from django.utils.translation import get_language_info, override

    with override("en"):
        info = {**get_language_info("gu")}
        info["name_translated"] = str(info["name_translated"])
    assert info == {
        "bidi": False,
        "code": "gu",
        "name": "Gujarati",
        "name_local": "ગુજરાતી",
        "name_translated": "Gujarati",
    }


def test_the_switcher_keeps_an_anonymous_choice_in_a_cookie():
    client = Client()
    # when someone on the login page picks Telugu
    resp = client.post("/language/", {"language": "te", "next": "/login/"})
    # then they are sent back, remembered, and the page speaks Telugu over their browser's English
    assert resp.status_code == 302
    assert resp["Location"] == "/login/"
    assert resp.cookies[settings.LANGUAGE_COOKIE_NAME].value == "te"
    assert LOGIN_TE in page(client.get("/login/", headers={"Accept-Language": "en"}))


def test_the_switcher_stores_a_signed_in_users_choice(browser_for, owner):
    client = browser_for(owner)
    audits = AuditEvent.objects.count()
    resp = client.post("/language/", {"language": "ar", "next": "/people/"})
    assert resp["Location"] == "/people/"
    owner.refresh_from_db()
    assert owner.language == "ar"
    assert AuditEvent.objects.count() == audits + 1
    # and the whole interface is then laid out right to left
    body = page(client.get("/people/"))
    assert '<html lang="ar" dir="rtl">' in body


def test_the_switcher_is_in_the_account_menu(browser_for, owner):
    body = page(browser_for(owner).get("/"))
    assert 'action="/language/"' in body
    assert '<option value="te" lang="te">' in body
    assert '<option value="en" lang="en" selected>' in body


@pytest.mark.parametrize(
    ("data", "location"),
    [
        ({"language": "xx", "next": "/people/"}, "/people/"),
        ({"language": "te", "next": "https://elsewhere.example/"}, "/"),
    ],
)
def test_the_switcher_refuses_what_it_should(browser_for, owner, data, location):
    client = browser_for(owner)
    resp = client.post("/language/", data)
    assert resp["Location"] == location
    owner.refresh_from_db()
    assert owner.language == ("te" if data["language"] == "te" else "en")


def test_the_switcher_refuses_an_unknown_language_and_changes_nothing(browser_for, owner):
    client = browser_for(owner)
    audits = AuditEvent.objects.count()
    resp = client.post("/language/", {"language": "xx"}, follow=True)
    owner.refresh_from_db()
    assert owner.language == "en"
    assert AuditEvent.objects.count() == audits
    assert "Choose one of the interface languages." in page(resp)
    assert settings.LANGUAGE_COOKIE_NAME not in resp.cookies


def test_the_switcher_needs_a_post(browser_for, owner):
    assert browser_for(owner).get("/language/").status_code == 405


def test_the_password_reset_mail_is_in_the_users_language(
    owner, smtp_server, django_capture_on_commit_callbacks
):
    from sambandh.events.worker import run_worker

    owner.language = "te"
    owner.save(update_fields=["language"])
    # when the reset is asked for from an English browser (the mail is sent in the background)
    with django_capture_on_commit_callbacks(execute=True):
        Client().post("/password-reset/", {"email": owner.email}, headers={"Accept-Language": "en"})
    run_worker(until_idle=True)
    # then the mail is in the owner's Telugu
    assert [r.message["Subject"] for r in smtp_server.received] == ["మీ Sambandh పాస్‌వర్డ్ రీసెట్ చేయండి"]


def test_the_scripts_catalogue_is_served_in_the_users_language(browser_for, owner):
    owner.language = "hi"
    owner.save(update_fields=["language"])
    resp = browser_for(owner).get("/jsi18n/?l=hi")
    assert resp.status_code == 200
    assert resp["Content-Type"].startswith("text/javascript")
    assert f'"Are you sure?": {json.dumps("क्या आप निश्चित हैं?")}' in page(resp)
    # and every page loads it before its scripts, from our own origin (the CSP allows no inline)
    body = page(browser_for(owner).get("/"))
    assert body.index('src="/jsi18n/?l=hi"') < body.index("web/app.js")


@pytest.mark.parametrize(
    ("lang", "start"),
    [("te", "దయచేసి సరైన"), ("hi", "कृपया सही"), ("gu", "કૃપા કરીને સાચું")],
)
def test_the_login_refusal_is_translated_where_django_leaves_it_english(owner, lang, start):
    """Django's Telugu catalogue leaves contrib.auth's login refusal untranslated;
    locale_django/te completes it (and the password rules, and form validation)."""
    resp = Client().post(
        "/login/", {"username": owner.email, "password": "wrong"}, headers={"Accept-Language": lang}
    )
    assert start in page(resp)


def test_a_password_rule_is_explained_in_telugu():
    from django.contrib.auth.password_validation import MinimumLengthValidator
    from django.core.exceptions import ValidationError
    from django.utils.translation import override

    with override("te"), pytest.raises(ValidationError) as refused:
        MinimumLengthValidator(min_length=12).validate("short")
    assert refused.value.messages == ["ఈ పాస్‌వర్డ్ చాలా చిన్నది. ఇందులో కనీసం 12 అక్షరాలు ఉండాలి."]
