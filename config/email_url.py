"""``EMAIL_URL`` as a Django 6.1 ``MAILERS`` entry.

One variable names the mail server and how to reach it:

- ``smtp://[user:pass@]host[:port]``: plain SMTP (port 25 by default);
- ``smtp+tls://...`` or ``smtp://...?tls=1``: SMTP upgraded with STARTTLS (port 587 by default);
- ``smtps://...``: SMTP over implicit TLS (port 465 by default);
- ``console://``: mail is printed on the console (development);
- ``locmem://``: mail is kept in ``django.core.mail.outbox`` (tests).

A user name or password holding ``@``, ``:`` or ``/`` is percent-encoded (``p%40ss``). The query
may also set ``timeout`` (seconds, 20 by default). Anything else is refused with a message that
says what was expected: a malformed URL stops the start, rather than mail failing later.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
LOCAL_BACKENDS = {
    "console": "django.core.mail.backends.console.EmailBackend",
    "locmem": "django.core.mail.backends.locmem.EmailBackend",
}
EXPECTED = (
    "expected smtp://[user:pass@]host:port, smtp+tls://... (STARTTLS), smtps://... (implicit "
    "TLS), console:// or locmem://"
)
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def _refuse(reason: str) -> ImproperlyConfigured:
    # The URL itself is never repeated: it may hold a password.
    return ImproperlyConfigured(f"EMAIL_URL is not valid: {reason}; {EXPECTED}.")


def _flag(name: str, value: str) -> bool:
    if value.lower() in _TRUE:
        return True
    if value.lower() in _FALSE:
        return False
    raise _refuse(f"{name} must be 1 or 0")


def parse_email_url(url: str) -> dict[str, Any]:
    """The ``MAILERS["default"]`` entry ``url`` describes, or ImproperlyConfigured."""
    text = url.strip()
    try:
        parts = urlsplit(text)
    except ValueError:
        raise _refuse("it cannot be read as a URL") from None
    scheme = parts.scheme.lower()
    if not scheme or "://" not in text:
        raise _refuse("it has no scheme")
    if scheme in LOCAL_BACKENDS:
        if parts.netloc or parts.path.strip("/") or parts.query:
            raise _refuse(f"{scheme}:// takes no host or options")
        return {"BACKEND": LOCAL_BACKENDS[scheme]}
    if scheme not in {"smtp", "smtp+tls", "smtps"}:
        raise _refuse(f"the scheme {scheme[:20]!r} is not known")
    if parts.path.strip("/") or parts.fragment:
        raise _refuse("an SMTP URL has no path")
    if not parts.hostname:
        raise _refuse("it names no host")
    try:
        port = parts.port
    except ValueError:
        raise _refuse("the port must be a number from 1 to 65535") from None
    if port == 0:
        raise _refuse("the port must be a number from 1 to 65535")
    use_tls = scheme == "smtp+tls"
    use_ssl = scheme == "smtps"
    timeout = 20
    try:
        query = parse_qsl(parts.query, keep_blank_values=True, strict_parsing=bool(parts.query))
    except ValueError:
        raise _refuse("its options cannot be read") from None
    for name, value in query:
        if name == "tls":
            use_tls = use_tls or _flag(name, value)
        elif name == "ssl":
            use_ssl = use_ssl or _flag(name, value)
        elif name == "timeout":
            if not value.isdigit() or not 1 <= int(value) <= 600:
                raise _refuse("timeout must be a number of seconds from 1 to 600")
            timeout = int(value)
        else:
            raise _refuse(f"the option {name[:20]!r} is not known (tls, ssl, timeout)")
    if use_tls and use_ssl:
        raise _refuse("choose STARTTLS (smtp+tls:// or tls=1) or implicit TLS (smtps://)")
    options: dict[str, Any] = {
        "host": parts.hostname,
        "port": port or (465 if use_ssl else 587 if use_tls else 25),
        "username": unquote(parts.username or ""),
        "password": unquote(parts.password or ""),
        "use_tls": use_tls,
        "use_ssl": use_ssl,
        "timeout": timeout,
    }
    return {"BACKEND": SMTP_BACKEND, "OPTIONS": options}
