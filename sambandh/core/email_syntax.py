"""email-validator's ``validate_email`` (without the deliverability check), with its check of
the part after the @-sign kept per domain.

Checking a domain (IDNA, UTS #46, each label) is three quarters of checking an address, and an
import's thousands of addresses share a few hundred domains. ``validate_email_domain_name`` is a
pure function of the domain and the two options it takes, so its answer (or the error it
raised) is kept in a bounded LRU, and the rest of ``validate_email`` is done here as the library
does it, step for step, with the library's own functions: the same ValidatedEmail or the same
error, with the same message (tests/platform/test_email_syntax.py compares the two on hard
inputs).
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from typing import Any

import email_validator
from email_validator import EmailSyntaxError, ValidatedEmail
from email_validator.rfc_constants import CASE_INSENSITIVE_MAILBOX_NAMES
from email_validator.syntax import (
    split_email,
    validate_email_domain_literal,
    validate_email_domain_name,
    validate_email_length,
    validate_email_local_part,
)

#: How many domains' answers are kept (an entry is a few hundred bytes).
DOMAINS_KEPT = 4096


@lru_cache(maxsize=DOMAINS_KEPT)
def _domain(
    domain: str, test_environment: bool, globally_deliverable: bool
) -> tuple[dict[str, Any] | None, tuple[type[Exception], tuple[Any, ...]] | None]:
    """The domain's check: (its result, None) or (None, the error's class and arguments)."""
    try:
        found = validate_email_domain_name(
            domain, test_environment=test_environment, globally_deliverable=globally_deliverable
        )
    except email_validator.EmailNotValidError as exc:
        return None, (type(exc), exc.args)
    return dict(found), None


def validate_syntax(email: str) -> ValidatedEmail:
    """``validate_email(email, check_deliverability=False)`` with the library's defaults."""
    ev = email_validator
    allow_smtputf8 = ev.ALLOW_SMTPUTF8
    allow_empty_local = ev.ALLOW_EMPTY_LOCAL
    allow_quoted_local = ev.ALLOW_QUOTED_LOCAL
    allow_domain_literal = ev.ALLOW_DOMAIN_LITERAL
    allow_display_name = ev.ALLOW_DISPLAY_NAME
    strict = ev.STRICT
    test_environment = ev.TEST_ENVIRONMENT
    globally_deliverable = ev.GLOBALLY_DELIVERABLE
    if not isinstance(email, str):
        raise TypeError("email must be str")

    display_name, original_local_part, unescaped_local_part, is_quoted_local_part, domain_part = (
        split_email(email)
    )
    if display_name:
        display_name = unicodedata.normalize("NFC", display_name)
    ret = ValidatedEmail()
    ret.original = original_local_part + "@" + domain_part
    ret.display_name = display_name

    local_part_info = validate_email_local_part(
        unescaped_local_part,
        allow_smtputf8=allow_smtputf8,
        allow_empty_local=allow_empty_local,
        quoted_local_part=is_quoted_local_part,
        strict=strict,
    )
    ret.smtputf8 = local_part_info["smtputf8"]
    normalized_local_part = unicodedata.normalize("NFC", unescaped_local_part)
    if normalized_local_part != unescaped_local_part:
        try:
            local_part_info = validate_email_local_part(
                normalized_local_part,
                allow_smtputf8=allow_smtputf8,
                allow_empty_local=allow_empty_local,
                quoted_local_part=is_quoted_local_part,
                strict=strict,
            )
        except EmailSyntaxError as e:
            raise EmailSyntaxError("After Unicode normalization: " + str(e)) from e
    ret.local_part = local_part_info["local_part"]
    ret.ascii_local_part = local_part_info["ascii_local_part"]
    if is_quoted_local_part and not allow_quoted_local:
        raise EmailSyntaxError("Quoting the part before the @-sign is not allowed here.")
    if (
        ret.ascii_local_part is not None
        and ret.ascii_local_part.lower() in CASE_INSENSITIVE_MAILBOX_NAMES
        and ret.local_part is not None
    ):
        ret.ascii_local_part = ret.ascii_local_part.lower()
        ret.local_part = ret.local_part.lower()

    if len(domain_part) == 0:
        raise EmailSyntaxError("There must be something after the @-sign.")
    if domain_part.startswith("[") and domain_part.endswith("]"):
        domain_literal_info = validate_email_domain_literal(domain_part[1:-1])
        if not allow_domain_literal:
            raise EmailSyntaxError("A bracketed IP address after the @-sign is not allowed here.")
        ret.domain = domain_literal_info["domain"]
        ret.ascii_domain = domain_literal_info["domain"]
        ret.domain_address = domain_literal_info["domain_address"]
    else:
        found, error = _domain(domain_part, bool(test_environment), bool(globally_deliverable))
        if error is not None:
            kind, args = error
            raise kind(*args)
        assert found is not None
        ret.domain = found["domain"]
        ret.ascii_domain = found["ascii_domain"]

    ret.normalized = ret.local_part + "@" + ret.domain
    if ret.ascii_local_part and ret.ascii_domain:
        ret.ascii_email = (ret.ascii_local_part or "") + "@" + ret.ascii_domain
    else:
        ret.ascii_email = None
    validate_email_length(ret)
    if display_name is not None and not allow_display_name:
        raise EmailSyntaxError(
            "A display name and angle brackets around the email address are not permitted here."
        )
    return ret
