"""The `sambandh` command: user and token creation as customers' scripts call them."""

from __future__ import annotations

import pytest

from sambandh.accounts.models import ApiToken, User
from sambandh.accounts.selectors import token_authenticate
from sambandh.cli import main
from sambandh.demo.admin import demo_admin_ensure

pytestmark = pytest.mark.django_db


def test_user_create_then_token_create_prints_the_token_alone_on_the_last_line(capsys):
    # when a script creates a user and a token
    assert (
        main(
            [
                "user",
                "create",
                "--email",
                "Rep@Example.com",
                "--role",
                "sales_rep",
                "--password",
                "a long enough passphrase 1",
            ]
        )
        == 0
    )
    assert main(["token", "create", "--email", "rep@example.com"]) == 0
    # then the last line is the token, and it authenticates as that user
    last = capsys.readouterr().out.strip().splitlines()[-1]
    token = token_authenticate(last)
    assert token is not None and token.user.email == "rep@example.com"
    assert User.objects.get(email="rep@example.com").check_password("a long enough passphrase 1")


@pytest.mark.parametrize(
    "argv",
    [
        ["user", "create", "--email", "not-an-email", "--role", "sales_rep"],
        ["user", "create", "--email", "x@example.com", "--role", "emperor"],
        ["user", "create", "--email", "x@example.com", "--role", "admin", "--password", "123"],
    ],
)
def test_bad_user_input_exits_2_with_a_message_and_creates_nothing(argv, capsys):
    assert main(argv) == 2
    assert capsys.readouterr().err.startswith("sambandh: ")
    assert User.objects.count() == 0


def test_token_for_unknown_user_exits_2(capsys):
    assert main(["token", "create", "--email", "nobody@example.com"]) == 2
    assert "no user with email nobody@example.com" in capsys.readouterr().err
    assert ApiToken.objects.count() == 0


def test_demo_admin_is_created_once_and_its_password_remembered(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    admin, password = demo_admin_ensure()
    assert admin.email == "admin@example.com" and password and admin.check_password(password)
    # a second start finds the same admin and can print the same password
    again, same = demo_admin_ensure()
    assert (again.pk, same) == (admin.pk, password)
    assert (tmp_path / "first-login.txt").stat().st_mode & 0o777 == 0o600
    # once the password is changed, it is no longer printed
    admin.set_password("changed by the admin 42")
    admin.save()
    assert demo_admin_ensure() == (admin, None)
