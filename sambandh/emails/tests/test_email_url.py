"""EMAIL_URL -> MAILERS: every supported form, and a clear refusal of a malformed one (which
never repeats the password)."""

from __future__ import annotations

import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.email_url import LOCAL_BACKENDS, SMTP_BACKEND, parse_email_url


def options(url: str) -> dict:
    mailer = parse_email_url(url)
    assert mailer["BACKEND"] == SMTP_BACKEND
    return mailer["OPTIONS"]


def test_plain_smtp_with_a_port():
    assert options("smtp://127.0.0.1:2525") == {
        "host": "127.0.0.1",
        "port": 2525,
        "username": "",
        "password": "",
        "use_tls": False,
        "use_ssl": False,
        "timeout": 20,
    }


def test_credentials_are_percent_decoded():
    found = options("smtp://mailer%40example.com:p%40ss%3Aword@mail.example.com:25")
    assert (found["username"], found["password"]) == ("mailer@example.com", "p@ss:word")


@pytest.mark.parametrize(
    ("url", "port", "tls", "ssl"),
    [
        ("smtp://mail.example.com", 25, False, False),
        ("smtp+tls://mail.example.com", 587, True, False),
        ("smtp://mail.example.com?tls=1", 587, True, False),
        ("smtp://mail.example.com:2587?tls=true", 2587, True, False),
        ("smtps://mail.example.com", 465, False, True),
        ("smtp://mail.example.com?ssl=1", 465, False, True),
        ("SMTPS://mail.example.com:1465", 1465, False, True),
    ],
)
def test_tls_and_default_ports(url, port, tls, ssl):
    found = options(url)
    assert (found["port"], found["use_tls"], found["use_ssl"]) == (port, tls, ssl)


def test_timeout():
    assert options("smtp://h:25?timeout=5")["timeout"] == 5


@pytest.mark.parametrize("scheme", ["console", "locmem"])
def test_development_backends(scheme):
    assert parse_email_url(f"{scheme}://") == {"BACKEND": LOCAL_BACKENDS[scheme]}


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("mail.example.com:25", "no scheme"),
        ("http://mail.example.com", "not known"),
        ("smtp://", "no host"),
        ("smtp://:secret@:25", "no host"),
        ("smtp://mail.example.com:port", "port must be a number"),
        ("smtp://mail.example.com:99999", "port must be a number"),
        ("smtp://mail.example.com:0", "port must be a number"),
        ("smtp://mail.example.com/inbox", "no path"),
        ("smtp://mail.example.com?tls=maybe", "tls must be 1 or 0"),
        ("smtp://mail.example.com?timeout=soon", "timeout"),
        ("smtp://mail.example.com?verify=0", "not known"),
        ("smtps://mail.example.com?tls=1", "choose STARTTLS"),
        ("console://somewhere", "takes no host"),
    ],
)
def test_a_malformed_url_is_refused_clearly(url, says):
    with pytest.raises(ImproperlyConfigured) as caught:
        parse_email_url(url)
    message = str(caught.value)
    assert message.startswith("EMAIL_URL is not valid: ")
    assert says in message
    assert "expected smtp://" in message


def test_the_password_is_never_in_the_message():
    with pytest.raises(ImproperlyConfigured) as caught:
        parse_email_url("smtp://user:hunter2@mail.example.com:nope")
    assert "hunter2" not in str(caught.value)


def _settings_with(env: dict[str, str], data_dir: str) -> subprocess.CompletedProcess[str]:
    code = "import config.settings as s; print(s.MAILERS['default'])"
    return subprocess.run(  # noqa: S603 - our own interpreter, our own code
        [sys.executable, "-c", code],
        env={"PATH": "/usr/bin:/bin", "SAMBANDH_DATA_DIR": data_dir, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_settings_read_email_url_and_fail_at_start_on_a_bad_one(tmp_path):
    ok = _settings_with({"EMAIL_URL": "smtp+tls://u:p@mail.example.com"}, str(tmp_path))
    assert ok.returncode == 0, ok.stderr
    assert "'host': 'mail.example.com'" in ok.stdout
    assert "'use_tls': True" in ok.stdout
    bad = _settings_with({"EMAIL_URL": "smtp://mail.example.com:port"}, str(tmp_path))
    assert bad.returncode != 0
    assert "EMAIL_URL is not valid: the port must be a number" in bad.stderr


def test_without_email_url_the_email_host_variables_still_work(tmp_path):
    found = _settings_with({"EMAIL_HOST": "relay.example.com", "EMAIL_PORT": "2525"}, str(tmp_path))
    assert found.returncode == 0, found.stderr
    assert "'host': 'relay.example.com'" in found.stdout
    assert "'port': 2525" in found.stdout
    console = _settings_with({}, str(tmp_path))
    assert "console.EmailBackend" in console.stdout
