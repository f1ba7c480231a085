"""clean_email takes RFC 2606's reserved names (address books and other products' exports use
them: john@doe.invalid) and still refuses what no one can be written to."""

from __future__ import annotations

import pytest

from sambandh.core.cleaning import clean_email
from sambandh.core.errors import ValidationFailed


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("John@Doe.INVALID", "john@doe.invalid"),
        ("a@host.test", "a@host.test"),
        (" Asha.Rao@Example.com ", "asha.rao@example.com"),
    ],
)
def test_valid_addresses_are_normalized(raw, clean):
    assert clean_email(raw) == clean


@pytest.mark.parametrize(
    "raw", ["a@localhost", "x@y.arpa", "no-at-sign", "a@.invalid", "@doe.invalid"]
)
def test_invalid_addresses_are_refused_naming_the_field(raw):
    with pytest.raises(ValidationFailed) as caught:
        clean_email(raw, field="emails.0.email")
    assert list(caught.value.fields) == ["emails.0.email"]
