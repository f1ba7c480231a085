"""core/email_syntax.py answers as email-validator's ``validate_email`` does (without the
deliverability check): the same normalized address and parts, or the same error with the same
message, whether the domain's answer is new or kept from an earlier address."""

from __future__ import annotations

import pytest
from email_validator import EmailNotValidError, validate_email
from hypothesis import given, settings
from hypothesis import strategies as st

from sambandh.core import email_syntax
from sambandh.core.cleaning import _email_normalized, clean_email
from sambandh.core.errors import ValidationFailed

HARD = [
    "asha.rao@example.com",
    "Asha.Rao@Example.COM",
    "ASHA@EXAMPLE.COM",
    "Postmaster@Example.com",
    "ABUSE@example.com",
    "user+tag@sub.example.co.uk",
    "user@example.com.",
    "user@.example.com",
    "user@example..com",
    "user.@example.com",
    ".user@example.com",
    "us..er@example.com",
    "user@-example.com",
    "user@example-.com",
    "user@ex--ample.com",
    "user@xn--ls8h.la",
    "user@xn--bcher-kva.example",
    "user@bücher.example",
    "user@BÜCHER.example",
    "user@münchen.de",
    "user@例え.テスト",
    "用户@例子.广告",
    "josé@example.com",
    "jose\u0301@example.com",
    "ǅ@example.com",
    "user@ｅｘａｍｐｌｅ.com",
    '"quoted"@example.com',
    '"quoted local"@example.com',
    '"a@b"@example.com',
    '"a\\"b"@example.com',
    "user@[127.0.0.1]",
    "user@[IPv6:::1]",
    "Asha <asha@example.com>",
    "<asha@example.com>",
    "a@b",
    "a@localhost",
    "x@y.arpa",
    "a@example.invalid.example",
    "a@example.local",
    "a@example.onion",
    "a@123.com",
    "a@example.123",
    "no-at-sign",
    "@example.com",
    "a@",
    "a@@example.com",
    "a＠example.com",
    "a b@example.com",
    "a\u200b@example.com",
    "a@exa\u200bmple.com",
    "a@example.com\u0000",
    "a" * 64 + "@example.com",
    "a" * 65 + "@example.com",
    "a@" + "b" * 63 + ".com",
    "a@" + "b" * 64 + ".com",
    "a@" + ".".join(["abcdefghij"] * 25) + ".com",
    "a" * 64 + "@" + ".".join(["abcdefghi"] * 20) + ".com",
    "ünïcödé" * 10 + "@example.com",
    "a@ex_ample.com",
    "a@example.c",
    "a@example.co1",
    "a@ＥＸＡＭＰＬＥ。com",
    "a@example。com",
]


def _answer(check, raw):
    try:
        info = check(raw)
    except EmailNotValidError as exc:
        return ("error", type(exc), str(exc))
    return (
        "ok",
        info.normalized,
        info.original,
        info.local_part,
        info.ascii_local_part,
        info.domain,
        info.ascii_domain,
        info.ascii_email,
        info.smtputf8,
        info.display_name,
        getattr(info, "domain_address", None),
    )


def _library(raw):
    return validate_email(raw, check_deliverability=False)


@pytest.mark.parametrize("raw", HARD)
def test_answers_as_the_library_does_first_time_and_kept(raw):
    email_syntax._domain.cache_clear()
    expected = _answer(_library, raw)
    assert _answer(email_syntax.validate_syntax, raw) == expected
    # The domain's answer is now kept: the same again, for this address and another local part.
    assert _answer(email_syntax.validate_syntax, raw) == expected
    other = "z" + raw
    assert _answer(email_syntax.validate_syntax, other) == _answer(_library, other)


def test_a_refused_domain_is_refused_again_with_the_same_message():
    email_syntax._domain.cache_clear()
    first = _answer(email_syntax.validate_syntax, "a@localhost")
    second = _answer(email_syntax.validate_syntax, "b@localhost")
    assert first[0] == second[0] == "error"
    assert first == _answer(_library, "a@localhost")
    assert second == _answer(_library, "b@localhost")


def test_the_domains_kept_are_bounded():
    email_syntax._domain.cache_clear()
    for n in range(email_syntax.DOMAINS_KEPT + 50):
        email_syntax.validate_syntax(f"a@host{n}.example")
    assert email_syntax._domain.cache_info().currsize == email_syntax.DOMAINS_KEPT


@pytest.mark.parametrize("raw", [*HARD, "John@Doe.INVALID", "a@host.test", " A@B.example "])
def test_clean_email_is_unchanged(raw, monkeypatch):
    """clean_email with the kept domains answers as with the library's own function."""

    def outcome():
        _email_normalized.cache_clear()
        try:
            return ("ok", clean_email(raw, field="email"))
        except ValidationFailed as exc:
            return ("refused", exc.fields)

    email_syntax._domain.cache_clear()
    ours = outcome()
    kept = outcome()
    monkeypatch.setattr("sambandh.core.cleaning.validate_syntax", _library)
    assert ours == kept == outcome()


_local = st.text(
    alphabet=st.sampled_from(list('aZ09._+-"\\ @éü用\u0301ǅ')), min_size=0, max_size=12
)
_domain = st.sampled_from(
    [
        "example.com",
        "EXAMPLE.com",
        "bücher.example",
        "xn--ls8h.la",
        "localhost",
        "a..b",
        "[1.2.3.4]",
    ]
)


@settings(max_examples=300, deadline=None)
@given(local=_local, domain=_domain)
def test_any_local_part_answers_as_the_library(local, domain):
    raw = f"{local}@{domain}"
    assert _answer(email_syntax.validate_syntax, raw) == _answer(_library, raw)
