"""Deployment hardening: `check --deploy` answers nothing under the production settings that
docs/running.md documents; the CSP forbids <base>; API answers are never stored (from the API
stack and from the read lane alike)."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

from django.test import Client

ROOT = Path(__file__).resolve().parents[3]

#: The production environment of docs/running.md ("A production example").
PRODUCTION_ENV = {
    "SAMBANDH_PRODUCTION": "1",
    "ALLOWED_HOSTS": "crm.example.com",
    "CSRF_TRUSTED_ORIGINS": "https://crm.example.com",
    "SITE_URL": "https://crm.example.com",
    "EMAIL_URL": "smtp+tls://mail.example.com:587",
    "SECURE_SSL_REDIRECT": "1",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "1",
    "SECURE_HSTS_PRELOAD": "1",
    "SECURE_PROXY_SSL_HEADER": "X-Forwarded-Proto: https",
}


def _manage(tmp_path: Path, extra: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in PRODUCTION_ENV and not key.startswith(("DJANGO_", "SECURE_"))
    }
    env.pop("DATABASE_URL", None)
    env.pop("DEBUG", None)
    env.update(extra, SAMBANDH_DATA_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="config.settings")
    return subprocess.run(  # noqa: S603 (our own manage.py, fixed arguments)
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_answers_nothing_under_the_documented_production_settings(
    tmp_path: Path,
) -> None:
    env = {**PRODUCTION_ENV, "SECRET_KEY": secrets.token_urlsafe(50)}
    found = _manage(tmp_path, env, "check", "--deploy", "--fail-level", "WARNING")
    assert found.returncode == 0, found.stdout + found.stderr
    assert "System check identified no issues" in found.stdout


def test_the_documented_production_example_is_the_one_tested() -> None:
    doc = (ROOT / "docs" / "running.md").read_text()
    for key, value in PRODUCTION_ENV.items():
        assert f"{key}={value}" in doc or f'{key}="{value}"' in doc, key


def test_without_the_https_settings_check_deploy_warns(tmp_path: Path) -> None:
    env = {
        **PRODUCTION_ENV,
        "SECRET_KEY": secrets.token_urlsafe(50),
        "SECURE_HSTS_SECONDS": "0",
        "SECURE_SSL_REDIRECT": "0",
    }
    found = _manage(tmp_path, env, "check", "--deploy", "--fail-level", "WARNING")
    assert found.returncode != 0
    assert "security.W004" in found.stderr + found.stdout
    assert "security.W008" in found.stderr + found.stdout


def test_a_malformed_proxy_header_stops_the_start_with_a_clear_message(tmp_path: Path) -> None:
    found = _manage(tmp_path, {"SECURE_PROXY_SSL_HEADER": "X-Forwarded-Proto"}, "check")
    assert found.returncode != 0
    assert 'SECURE_PROXY_SSL_HEADER must read "Header-Name: value"' in found.stderr


def test_the_proxy_header_makes_a_request_secure(settings: Any, db: Any) -> None:
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    plain = Client().get("/login/")
    assert plain.status_code == 301 and plain["Location"].startswith("https://")
    proxied = Client().get("/login/", headers={"x-forwarded-proto": "https"})
    assert proxied.status_code == 200
    assert proxied["Strict-Transport-Security"] == "max-age=31536000"


def test_the_csp_forbids_base_and_framing(db: Any) -> None:
    policy = Client().get("/login/")["Content-Security-Policy"]
    directives = {d.split()[0]: d.split()[1:] for d in policy.split("; ")}
    assert directives["base-uri"] == ["'none'"]
    assert directives["form-action"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["object-src"] == ["'none'"]


def test_api_answers_are_never_stored(owner: Any, api: Any) -> None:
    from tests import factories

    person = factories.make_person(owner, full_name="Asha Rao")
    client = api(owner)
    # a record read, answered by the read lane
    lane = client.get(f"/api/v1/people/{person.pk}")
    assert lane.status_code == 200 and client.lane_answered
    # a list, answered by the API stack
    listed = client.get("/api/v1/people")
    assert listed.status_code == 200 and not client.lane_answered
    # errors, the 405 the envelope rewrites among them
    missing = client.get("/api/v1/people/999999")
    assert missing.status_code == 404
    refused = client.put("/api/v1/people", {})
    assert refused.status_code == 405
    for answer in (lane, listed, missing, refused):
        assert answer["Cache-Control"] == "no-store"
        assert answer["Pragma"] == "no-cache"
