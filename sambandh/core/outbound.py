"""The one way Sambandh calls out over HTTP: ``fetch(url)``.

A URL a user, an admin or a feed chose must not reach what only the server can reach (its own
loopback services, the cloud's metadata address, the office network). So every request:

- takes only ``http`` and ``https`` URLs without user info;
- resolves the host (the resolver reads every spelling of a number: ``2130706433``,
  ``0177.0.0.1``, ``0x7f.1``, ``[::ffff:127.0.0.1]``) and refuses the request if *any* address is
  not a public unicast one (``refusal_reason``: private, loopback, link-local, multicast,
  reserved, shared/CGNAT, unspecified, the metadata addresses; IPv4 inside IPv6 through the
  mapped, NAT64, 6to4 and Teredo forms is judged as the IPv4 it carries);
- connects to the address it vetted, not to the name (the name is sent as the Host header and,
  for https, as the TLS server name, and the certificate is checked against it), so a resolver
  that answers differently a second time (DNS rebinding) cannot switch the target; the peer's
  address is checked once more after connecting;
- follows redirects by hand, at most ``MAX_REDIRECTS``, each one vetted as above;
- gives up after ``timeout`` seconds in all, and refuses a body larger than ``max_bytes``.

``settings.OUTBOUND_ALLOW_HOSTS`` (empty by default) names hosts or networks that may be reached
even so: the tests' local servers, a provider inside a private network. Nothing else does.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass, field
from email.message import Message
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

MAX_REDIRECTS = 5
DEFAULT_TIMEOUT = 20.0
DEFAULT_MAX_BYTES = 5_000_000
_REDIRECTS = {301, 302, 303, 307, 308}
_CHUNK = 64 * 1024

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

#: Cloud metadata services, named even where the ranges above already cover them.
METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(a) for a in ("169.254.169.254", "fd00:ec2::254", "100.100.100.200")
)
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_NAT64_LOCAL = ipaddress.ip_network("64:ff9b:1::/48")


#: The reasons refusal_reason gives, as the refusal's message words them.
REASON_WORDS = {
    "metadata": gettext_lazy("a cloud metadata address"),
    "unspecified": gettext_lazy("an unspecified address"),
    "loopback": gettext_lazy("a loopback address"),
    "link-local": gettext_lazy("a link-local address"),
    "multicast": gettext_lazy("a multicast address"),
    "private": gettext_lazy("a private address"),
    "reserved": gettext_lazy("a reserved address"),
    "not public": gettext_lazy("not a public address"),
}


class OutboundRefused(Exception):
    """The request was not made, or its answer not taken; ``str()`` says why, translated."""


class OutboundTooLarge(OutboundRefused):
    """The answer was larger than the caller's ``max_bytes``."""


@dataclass(frozen=True)
class Response:
    status: int
    url: str
    body: bytes
    headers: Message = field(repr=False)


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    return None


def refusal_reason(address: IPAddress) -> str | None:
    """Why ``address`` may not be reached (a short English word for logs and tests), or None
    for a public unicast address."""
    if address in METADATA_ADDRESSES:
        return "metadata"
    if isinstance(address, ipaddress.IPv6Address):
        if address.scope_id:
            return "link-local"
        inner = _embedded_ipv4(address)
        if inner is not None:
            return refusal_reason(inner) or ("reserved" if address in _NAT64_LOCAL else None)
    for reason, flag in (
        ("unspecified", address.is_unspecified),
        ("loopback", address.is_loopback),
        ("link-local", address.is_link_local),
        ("multicast", address.is_multicast),
        ("private", address.is_private),
        ("reserved", address.is_reserved),
    ):
        if flag:
            return reason
    if not address.is_global:  # 100.64.0.0/10 (shared, CGNAT) and what IANA reserves later
        return "not public"
    return None


def _allowed_entries() -> tuple[set[str], list[ipaddress.IPv4Network | ipaddress.IPv6Network]]:
    names: set[str] = set()
    networks: list[ipaddress.IPv4Network | ipaddress.IPv6Network] = []
    for entry in getattr(settings, "OUTBOUND_ALLOW_HOSTS", ()):
        entry = str(entry).strip().lower()
        if not entry:
            continue
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            names.add(entry.rstrip("."))
    return names, networks


def _allowed(host: str, address: IPAddress) -> bool:
    names, networks = _allowed_entries()
    if host.rstrip(".") in names:
        return True
    plain = address.ipv4_mapped if isinstance(address, ipaddress.IPv6Address) else None
    return any((plain or address) in net for net in networks)


def _vet(host: str, address: IPAddress) -> None:
    reason = refusal_reason(address)
    if reason and not _allowed(host, address):
        raise OutboundRefused(
            _("The address %(host)s is not reachable from here (%(reason)s).")
            % {"host": host[:200], "reason": REASON_WORDS.get(reason, reason)}
        )


def _parse_ip(text: str) -> IPAddress:
    # A zone index (fe80::1%eth0) is kept: refusal_reason refuses any scoped address.
    return ipaddress.ip_address(text)


def resolve(host: str, port: int) -> list[IPAddress]:
    """Every address ``host`` resolves to, each vetted; OutboundRefused if any is refused (a
    name with one public and one private address is refused whole)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, ValueError):
        raise OutboundRefused(
            _("The host %(host)s could not be found.") % {"host": host[:200]}
        ) from None
    addresses: list[IPAddress] = []
    for _family, _type, _proto, _name, sockaddr in infos:
        address = _parse_ip(str(sockaddr[0]))
        _vet(host, address)
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise OutboundRefused(_("The host %(host)s could not be found.") % {"host": host[:200]})
    return addresses


class _Pinned:
    """Connects an http.client connection to the vetted addresses (the first that answers),
    whatever the name resolves to now; the name stays the Host header and the TLS server
    name."""

    _addresses: list[IPAddress]

    def _pinned_socket(self, port: int, timeout: float) -> socket.socket:
        error: OSError | None = None
        for address in self._addresses:
            try:
                sock = socket.create_connection((str(address), port), timeout=timeout)
            except OSError as exc:
                error = exc
                continue
            try:
                peer = _parse_ip(str(sock.getpeername()[0]))
                if peer != address:
                    raise OutboundRefused(
                        _("The connection reached another address than the one checked.")
                    )
            except BaseException:
                sock.close()
                raise
            return sock
        raise error or OSError("no address")


class _HTTP(_Pinned, http.client.HTTPConnection):
    def __init__(self, host: str, port: int, addresses: list[IPAddress], timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._addresses = addresses

    def connect(self) -> None:
        self.sock = self._pinned_socket(self.port, float(self.timeout or DEFAULT_TIMEOUT))


class _HTTPS(_Pinned, http.client.HTTPSConnection):
    def __init__(
        self,
        host: str,
        port: int,
        addresses: list[IPAddress],
        timeout: float,
        context: ssl.SSLContext,
    ) -> None:
        super().__init__(host, port, timeout=timeout, context=context)
        self._addresses = addresses
        self._tls = context

    def connect(self) -> None:
        raw = self._pinned_socket(self.port, float(self.timeout or DEFAULT_TIMEOUT))
        self.sock = self._tls.wrap_socket(raw, server_hostname=self.host)


def _target(url: str) -> tuple[str, str, int, str]:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise OutboundRefused(_("The address is not a valid URL.")) from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise OutboundRefused(_("Only http and https addresses can be fetched."))
    if parts.username is not None or parts.password is not None:
        raise OutboundRefused(_("An address with a user name or password is not fetched."))
    host = (parts.hostname or "").lower()
    if not host:
        raise OutboundRefused(_("The address has no host."))
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return scheme, host, port or (443 if scheme == "https" else 80), path


def _read_capped(response: http.client.HTTPResponse, max_bytes: int, deadline: float) -> bytes:
    length = response.getheader("Content-Length")
    if length and length.strip().isdigit() and int(length) > max_bytes:
        raise OutboundTooLarge(_("The answer is too large."))
    chunks: list[bytes] = []
    size = 0
    while True:
        if time.monotonic() > deadline:
            raise OutboundRefused(_("The server took too long to answer."))
        chunk = response.read(_CHUNK)
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > max_bytes:
            raise OutboundTooLarge(_("The answer is too large."))
        chunks.append(chunk)


def _once(
    url: str,
    *,
    method: str,
    headers: dict[str, str],
    body: bytes | None,
    deadline: float,
    max_bytes: int,
) -> tuple[Response, str | None]:
    scheme, host, port, path = _target(url)
    addresses = resolve(host, port)
    remaining = max(deadline - time.monotonic(), 0.001)
    connection: http.client.HTTPConnection
    if scheme == "https":
        connection = _HTTPS(host, port, addresses, remaining, ssl.create_default_context())
    else:
        connection = _HTTP(host, port, addresses, remaining)
    try:
        connection.request(method, path, body=body, headers=headers)
        answer = connection.getresponse()
        location = answer.getheader("Location") if answer.status in _REDIRECTS else None
        data = b"" if location else _read_capped(answer, max_bytes, deadline)
        return Response(answer.status, url, data, answer.headers), location
    except OutboundRefused:
        raise
    except TimeoutError:
        raise OutboundRefused(_("The server took too long to answer.")) from None
    except (OSError, http.client.HTTPException, ssl.SSLError) as exc:
        raise OutboundRefused(
            _("The server could not be reached: %(reason)s") % {"reason": str(exc)[:200]}
        ) from None
    finally:
        connection.close()


def fetch(
    url: str,
    *,
    method: str = "GET",
    headers: dict[str, str] | None = None,
    body: bytes | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Response:
    """The answer to ``method url`` (any status: the caller decides what a 404 means), after at
    most MAX_REDIRECTS redirects; OutboundRefused, with a translated reason, when the address,
    a redirect's, the time taken or the size is refused, or the server cannot be reached."""
    deadline = time.monotonic() + timeout
    sent = {"User-Agent": "Sambandh CRM", "Accept-Encoding": "identity", **(headers or {})}
    for _hop in range(MAX_REDIRECTS + 1):
        response, location = _once(
            url, method=method, headers=sent, body=body, deadline=deadline, max_bytes=max_bytes
        )
        if location is None:
            return response
        previous = urlsplit(url).hostname
        url = urljoin(url, location)
        if urlsplit(url).hostname != previous:  # credentials meant for one host stay with it
            sent = {k: v for k, v in sent.items() if k.lower() not in ("authorization", "cookie")}
        if response.status == 303 or (response.status in (301, 302) and method == "POST"):
            method, body = "GET", None
    raise OutboundRefused(_("Too many redirects (more than %(count)d).") % {"count": MAX_REDIRECTS})
