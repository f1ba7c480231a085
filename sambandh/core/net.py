"""Who is asking: the client's address and browser, as the sign-in checks, the session list,
the audit trail and the consent ledger read them (one reading of CLIENT_IP_PROXY_HOPS)."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _valid(address: str) -> str:
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return ""


def client_ip(request: HttpRequest | None) -> str:
    """The client's IP address. Behind ``CLIENT_IP_PROXY_HOPS`` trusted reverse proxies, the
    address the outermost of them saw (that many entries from the right of
    ``X-Forwarded-For``: entries further left are whatever the client chose to send); else the
    connection's own address. Empty when there is no request."""
    if request is None:
        return ""
    hops = settings.CLIENT_IP_PROXY_HOPS
    if hops > 0:
        forwarded = [
            part for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part
        ]
        if len(forwarded) >= hops:
            found = _valid(forwarded[-hops])
            if found:
                return found
    return _valid(request.META.get("REMOTE_ADDR", "")) or "unknown"


def user_agent(request: HttpRequest | None) -> str:
    if request is None:
        return ""
    return request.META.get("HTTP_USER_AGENT", "")[:300]
