"""Setting up an authenticator app from the profile (the otpauth address and its QR code, a
code to confirm, ten recovery codes shown once), new recovery codes, turning it off with the
password and a code, and administrators required to set it up when the company says so."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import pyotp
import pytest
from django.test import Client

from sambandh.accounts.models import CompanySettings
from sambandh.accounts.services import company_settings_update
from sambandh.core.models import AuditEvent
from sambandh.mfa.models import RecoveryCode, TotpDevice
from sambandh.mfa.tests.helpers import PASSWORD, code, turn_on

pytestmark = pytest.mark.django_db


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_enrol_from_the_profile(owner):
    client = _signed_in(owner)
    page = client.get("/account/security/")
    assert page.status_code == 200
    assert "Set up an authenticator app" in page.content.decode()
    # start: a secret, its otpauth address and the QR code, made here
    assert client.post("/account/security/start/").status_code == 302
    page = client.get("/account/security/")
    html = page.content.decode()
    device = TotpDevice.objects.get(user=owner)
    assert device.confirmed_at is None
    uri = page.context["uri"]
    parsed = urlparse(uri)
    assert (parsed.scheme, parsed.netloc) == ("otpauth", "totp")
    assert parse_qs(parsed.query)["secret"] == [device.secret]
    assert parse_qs(parsed.query)["issuer"] == ["Sambandh"]
    assert owner.email.replace("@", "%40") in uri
    assert re.search(r'<img src="data:image/svg\+xml;charset=utf-8,%3Csvg[^"]+" width="225"', html)
    assert device.secret in html
    assert page["Cache-Control"] == "no-store"
    # a wrong code does not turn it on
    wrong = "000000" if code(owner) != "000000" else "111111"
    refused = client.post("/account/security/confirm/", {"confirm-code": wrong})
    assert refused.status_code == 422
    assert TotpDevice.objects.get(user=owner).confirmed_at is None
    # the right one does, and shows ten recovery codes once
    confirmed = client.post("/account/security/confirm/", {"confirm-code": code(owner)})
    assert confirmed.status_code == 200
    assert confirmed["Cache-Control"] == "no-store"
    codes = confirmed.context["codes"]
    assert len(codes) == 10 and all(c in confirmed.content.decode() for c in codes)
    assert TotpDevice.objects.get(user=owner).confirmed_at is not None
    assert RecoveryCode.objects.filter(user=owner).count() == 10
    later = client.get("/account/security/").content.decode()
    assert not any(c in later for c in codes)
    assert "10 recovery codes left." in later
    audit = AuditEvent.objects.filter(record_type="user", record_id=owner.pk, action="update")
    assert audit.latest("id").changes == {"mfa": [False, True]}


def test_the_otpauth_secret_gives_the_codes_the_server_accepts(owner):
    # what an app computes from the address is what the login takes (RFC 6238 defaults)
    client = _signed_in(owner)
    client.post("/account/security/start/")
    uri = client.get("/account/security/").context["uri"]
    totp = pyotp.parse_uri(uri)
    assert (totp.digits, totp.interval) == (6, 30)
    response = client.post("/account/security/confirm/", {"confirm-code": totp.now()})
    assert response.status_code == 200 and len(response.context["codes"]) == 10


def test_starting_again_replaces_an_unconfirmed_secret_but_not_a_confirmed_one(owner):
    client = _signed_in(owner)
    client.post("/account/security/start/")
    first = TotpDevice.objects.get(user=owner).secret
    client.post("/account/security/start/")
    second = TotpDevice.objects.get(user=owner).secret
    assert first != second
    turn_on_codes = client.post("/account/security/confirm/", {"confirm-code": code(owner)})
    assert turn_on_codes.status_code == 200
    client.post("/account/security/start/")
    assert TotpDevice.objects.get(user=owner).secret == second


def test_new_recovery_codes_replace_the_old(owner):
    old = turn_on(owner)
    client = _signed_in(owner)
    response = client.post("/account/security/recovery-codes/", {"renew-code": code(owner)})
    assert response.status_code == 200
    new = response.context["codes"]
    assert len(new) == 10 and not set(new) & set(old)
    from sambandh.mfa import services

    with pytest.raises(services.CodeRefused):
        services.code_check(user=owner, code=old[0])
    assert services.code_check(user=owner, code=new[0]) == "recovery"


def test_turning_off_needs_the_password_and_a_code(owner):
    turn_on(owner)
    client = _signed_in(owner)
    wrong_password = client.post(
        "/account/security/disable/",
        {"disable-password": "not it", "disable-code": code(owner)},
    )
    assert wrong_password.status_code == 422
    assert TotpDevice.objects.filter(user=owner).exists()
    wrong = "000000" if code(owner) != "000000" else "111111"
    wrong_code = client.post(
        "/account/security/disable/", {"disable-password": PASSWORD, "disable-code": wrong}
    )
    assert wrong_code.status_code == 422
    assert TotpDevice.objects.filter(user=owner).exists()
    done = client.post(
        "/account/security/disable/", {"disable-password": PASSWORD, "disable-code": code(owner)}
    )
    assert done.status_code == 302
    assert not TotpDevice.objects.filter(user=owner).exists()
    assert not RecoveryCode.objects.filter(user=owner).exists()
    latest = AuditEvent.objects.filter(record_id=owner.pk, action="update").latest("id")
    assert latest.changes == {"mfa": [True, False]}


def _require_admin_mfa(admin, on=True):
    current = CompanySettings.objects.filter(pk=1).first()
    company_settings_update(
        actor=admin,
        language="en",
        time_zone="UTC",
        currency="USD",
        version=current.version if current else None,
        require_admin_mfa=on,
    )


def test_an_admin_without_mfa_is_sent_to_set_it_up_first(admin_user, owner):
    _require_admin_mfa(admin_user)
    client = _signed_in(admin_user)
    for path in ("/", "/people/", "/settings/company/", "/admin/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"] == "/account/security/"
    htmx = client.get("/people/", headers={"HX-Request": "true"})
    assert htmx["HX-Redirect"] == "/account/security/"
    page = client.get("/account/security/")
    assert page.status_code == 200
    assert "Your company requires administrators" in page.content.decode()
    # a non-admin is not asked
    assert _signed_in(owner).get("/").status_code == 200
    # once it is on, everything is open again
    client.post("/account/security/start/")
    client.post("/account/security/confirm/", {"confirm-code": code(admin_user)})
    assert client.get("/").status_code == 200
    assert client.get("/admin/").status_code == 200


def test_without_the_company_setting_admins_are_not_asked(admin_user):
    _require_admin_mfa(admin_user, on=False)
    assert _signed_in(admin_user).get("/").status_code == 200


def test_the_company_page_and_api_set_the_requirement(admin_user, api):
    client = _signed_in(admin_user)
    page = client.get("/settings/company/")
    assert "Require multi-factor authentication for administrators" in page.content.decode()
    response = client.post(
        "/settings/company/",
        {
            "language": "en",
            "time_zone": "UTC",
            "currency": "USD",
            "require_admin_mfa": "on",
            "version": "1",
        },
    )
    assert response.status_code == 302
    assert CompanySettings.objects.get().require_admin_mfa is True
    audit = AuditEvent.objects.filter(record_type="company_settings").latest("id")
    assert audit.changes["require_admin_mfa"] == [False, True]
    # and the API reads and turns it off (the admin now has it on, as required)
    turn_on(admin_user)
    rest = api(admin_user)
    assert rest.get("/api/v1/company-settings").json()["require_admin_mfa"] is True
    put = rest.put(
        "/api/v1/company-settings",
        {"language": "en", "time_zone": "UTC", "currency": "USD", "require_admin_mfa": False},
        **{"If-Match": rest.get("/api/v1/company-settings")["ETag"]},
    )
    assert put.status_code == 200, put.content
    assert CompanySettings.objects.get().require_admin_mfa is False


def test_a_non_admin_cannot_change_the_requirement(owner, api):
    response = api(owner).put(
        "/api/v1/company-settings",
        {"language": "en", "time_zone": "UTC", "currency": "USD", "require_admin_mfa": True},
    )
    assert response.status_code == 403
    assert not CompanySettings.objects.filter(require_admin_mfa=True).exists()


def test_a_recovery_code_used_outside_a_sign_in_is_no_login(owner):
    """Turning it off with a recovery code: the code's use is a change of the user's codes
    (update, how many were left before and after), and no "login" row is written."""
    codes = turn_on(owner)
    client = _signed_in(owner)
    done = client.post(
        "/account/security/disable/", {"disable-password": PASSWORD, "disable-code": codes[0]}
    )
    assert done.status_code == 302
    assert not AuditEvent.objects.filter(record_id=owner.pk, action="login").exists()
    used = AuditEvent.objects.filter(
        record_id=owner.pk, action="update", changes__has_key="recovery_codes_left"
    ).get()
    assert used.changes == {"recovery_codes_left": [10, 9]}
