"""Password rules: common and breached passwords are refused from lists kept on the machine;
argon2 stays the hasher."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.password_validation import (
    CommonPasswordValidator,
    password_validators_help_texts,
    validate_password,
)
from django.core.exceptions import ValidationError

from sambandh.accounts.services import user_create
from sambandh.core.errors import ValidationFailed
from sambandh.security.validators import BreachedPasswordValidator, breached_passwords

pytestmark = pytest.mark.django_db


def _breached_only() -> str:
    """A password from the breach list that Django's own list of 20,000 does not have, and that
    passes every other rule (8 characters or more, not all digits)."""
    common = CommonPasswordValidator()
    for word in sorted(breached_passwords()):
        if len(word) >= 10 and not word.isdigit():
            try:
                common.validate(word)
            except ValidationError:
                continue
            return word
    raise AssertionError("no such password")


def test_the_breach_list_is_large_and_offline() -> None:
    assert len(breached_passwords()) == 30_000
    assert {"123456", "password", "trustno1"} <= breached_passwords()


def test_a_breached_password_is_refused_even_when_django_s_list_lacks_it() -> None:
    word = _breached_only()
    with pytest.raises(ValidationError) as refused:
        validate_password(word)
    assert [e.code for e in refused.value.error_list] == ["password_breached"]
    # in any case
    with pytest.raises(ValidationError):
        BreachedPasswordValidator().validate(word.upper())


def test_a_common_password_is_refused() -> None:
    with pytest.raises(ValidationError) as refused:
        validate_password("password123")
    assert "password_too_common" in [e.code for e in refused.value.error_list]


def test_a_good_passphrase_is_accepted() -> None:
    validate_password("a much better passphrase 42")


def test_creating_a_user_with_a_breached_password_changes_nothing(db: Any) -> None:
    from sambandh.accounts.models import User

    with pytest.raises(ValidationFailed) as refused:
        user_create(email="new@example.com", role="sales_rep", password=_breached_only())
    assert "leaked passwords" in str(refused.value.fields)
    assert not User.objects.exists()


def test_the_rule_is_explained_on_the_password_forms() -> None:
    assert any("leaked passwords" in text for text in password_validators_help_texts())


def test_argon2_is_kept_first() -> None:
    import config.settings as production

    assert production.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert "sambandh.security.validators.BreachedPasswordValidator" in [
        v["NAME"] for v in production.AUTH_PASSWORD_VALIDATORS
    ]
