"""The outbound HTTP guard (core/outbound.py): every spelling of a private address refused before
any connection, the vetted address pinned, redirects vetted one by one, time and size capped.
Local http.server instances stand in for the internet; the machine's resolver reads the
numeric spellings."""

from __future__ import annotations

import contextlib
import ipaddress
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from sambandh.core import outbound
from sambandh.core.outbound import OutboundRefused, OutboundTooLarge, fetch, refusal_reason


class _Handler(BaseHTTPRequestHandler):
    routes: dict[str, tuple[int, dict[str, str], bytes]] = {}
    seen: list[tuple[str, str]] = []
    delay = 0.0

    def do_GET(self) -> None:  # noqa: N802 - the http.server API
        type(self).seen.append((self.path, self.headers.get("Host", "")))
        time.sleep(self.delay)
        status, headers, body = self.routes.get(self.path, (404, {}, b"no"))
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        with contextlib.suppress(OSError):  # a client that gave up (size cap, timeout)
            self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def server() -> Iterator[tuple[int, type[_Handler]]]:
    handler = type("H", (_Handler,), {"routes": {}, "seen": [], "delay": 0.0})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield httpd.server_port, handler
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture
def no_connect(monkeypatch):
    """Any connection attempt fails the test: a refusal must come before one."""

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError(f"connected to {args[0]!r}")

    monkeypatch.setattr(socket, "create_connection", refuse)


@pytest.fixture
def names(monkeypatch):
    """Host names resolved as the test says (the rest by the machine's resolver); counts how
    often each was asked."""
    table: dict[str, list[str]] = {}
    asked: dict[str, int] = {}
    real = socket.getaddrinfo

    def resolve(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host in table:
            asked[host] = asked.get(host, 0) + 1
            answers = table[host]
            address = answers[min(asked[host], len(answers)) - 1]
            family = socket.AF_INET6 if ":" in address else socket.AF_INET
            return [(family, socket.SOCK_STREAM, 6, "", (address, port))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    return table, asked


REFUSED = [
    ("http://127.0.0.1/", "127.0.0.1", "loopback"),
    ("http://localhost:8000/", "localhost", "loopback"),
    ("http://2130706433/", "2130706433", "loopback"),  # decimal
    ("http://0177.0.0.1/", "0177.0.0.1", "loopback"),  # octal
    ("http://0x7f.1/", "0x7f.1", "loopback"),  # hex, short form
    ("http://0x7f000001/", "0x7f000001", "loopback"),
    ("http://127.1/", "127.1", "loopback"),
    ("http://[::1]/", "::1", "loopback"),
    ("http://[::ffff:127.0.0.1]/", "::ffff:127.0.0.1", "loopback"),  # IPv4-mapped
    ("http://[::ffff:7f00:1]/", "::ffff:7f00:1", "loopback"),
    ("http://[64:ff9b::7f00:1]/", "64:ff9b::7f00:1", "loopback"),  # NAT64
    ("http://[2002:7f00:1::]/", "2002:7f00:1::", "loopback"),  # 6to4
    ("http://169.254.169.254/latest/meta-data/", "169.254.169.254", "metadata"),
    ("http://[fd00:ec2::254]/", "fd00:ec2::254", "metadata"),
    ("http://[::ffff:169.254.169.254]/", "::ffff:169.254.169.254", "metadata"),
    ("http://2852039166/", "2852039166", "metadata"),  # 169.254.169.254, decimal
    ("http://169.254.1.1/", "169.254.1.1", "link-local"),
    ("http://[fe80::1]/", "fe80::1", "link-local"),
    ("http://10.0.0.1/", "10.0.0.1", "private"),
    ("http://172.16.5.4/", "172.16.5.4", "private"),
    ("http://192.168.1.1/", "192.168.1.1", "private"),
    ("http://012.0.0.1/", "012.0.0.1", "private"),  # octal 10.0.0.1
    ("http://[fc00::1]/", "fc00::1", "private"),
    ("http://100.64.0.1/", "100.64.0.1", "not public"),  # shared address space (CGNAT)
    ("http://0.0.0.0/", "0.0.0.0", "unspecified"),  # noqa: S104 - refused, not bound
    ("http://[::]/", "::", "unspecified"),
    ("http://224.0.0.1/", "224.0.0.1", "multicast"),
    ("http://[ff02::1]/", "ff02::1", "multicast"),
    ("http://240.0.0.1/", "240.0.0.1", "private"),  # reserved; Python files it as private
    ("http://198.18.0.1/", "198.18.0.1", "private"),  # benchmarking
]


@pytest.mark.parametrize(("url", "host", "reason"), REFUSED)
def test_every_spelling_of_a_private_address_is_refused_before_connecting(
    url, host, reason, no_connect
):
    with pytest.raises(OutboundRefused) as refused:
        fetch(url)

    assert refusal_reason(ipaddress.ip_address(socket.getaddrinfo(host, 80)[0][4][0])) == reason
    words = outbound.REASON_WORDS[reason]
    assert str(refused.value) == f"The address {host} is not reachable from here ({words})."


@pytest.mark.parametrize("address", ["93.184.215.14", "8.8.8.8", "2606:4700:4700::1111"])
def test_public_addresses_are_not_refused(address):
    assert refusal_reason(ipaddress.ip_address(address)) is None


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("file:///etc/passwd", "Only http and https addresses can be fetched."),
        ("gopher://example.com/", "Only http and https addresses can be fetched."),
        ("http://user:pw@example.com/", "An address with a user name or password is not fetched."),
        ("http:///path", "The address has no host."),
        ("http://[::1/", "The address is not a valid URL."),
        ("http://example.com:99999/", "The address is not a valid URL."),
    ],
)
def test_urls_that_are_not_plain_http_are_refused(url, message, no_connect):
    with pytest.raises(OutboundRefused) as refused:
        fetch(url)

    assert str(refused.value) == message


def test_a_name_that_resolves_to_a_private_address_is_refused(names, no_connect):
    table, _asked = names
    table["rebind.example"] = ["10.1.2.3"]

    with pytest.raises(OutboundRefused) as refused:
        fetch("https://rebind.example/feed")

    assert str(refused.value) == (
        "The address rebind.example is not reachable from here (a private address)."
    )


def test_the_vetted_address_is_the_one_connected_and_the_host_header_kept(server, names, settings):
    """A resolver that answers a loopback address first and another one later (DNS rebinding)
    cannot switch the target: the name is resolved once, and the connection goes to what was
    vetted, with the name as Host."""
    port, handler = server
    table, asked = names
    table["feed.example"] = ["127.0.0.1", "10.9.9.9"]
    settings.OUTBOUND_ALLOW_HOSTS = ["feed.example"]
    handler.routes["/rates"] = (200, {}, b"rates")

    response = fetch(f"http://feed.example:{port}/rates")

    assert (response.status, response.body) == (200, b"rates")
    assert asked == {"feed.example": 1}
    assert handler.seen == [("/rates", f"feed.example:{port}")]


def test_nothing_private_is_reachable_by_default(server, settings):
    port, handler = server
    settings.OUTBOUND_ALLOW_HOSTS = []

    with pytest.raises(OutboundRefused):
        fetch(f"http://127.0.0.1:{port}/")

    assert handler.seen == []


def test_the_allow_setting_takes_networks(server, settings):
    port, handler = server
    settings.OUTBOUND_ALLOW_HOSTS = ["127.0.0.0/8"]
    handler.routes["/"] = (200, {}, b"ok")

    assert fetch(f"http://127.0.0.1:{port}/").body == b"ok"


@pytest.mark.parametrize(
    "target",
    [
        "http://127.0.0.1:{port}/secret",
        "http://2130706433:{port}/secret",
        "http://[::ffff:127.0.0.1]:{port}/secret",
        "http://169.254.169.254/latest/meta-data/",
    ],
)
def test_a_redirect_to_a_refused_address_is_refused(target, server, names, settings):
    port, handler = server
    table, _asked = names
    table["allowed.example"] = ["127.0.0.1"]
    settings.OUTBOUND_ALLOW_HOSTS = ["allowed.example"]  # the name, not its address
    handler.routes["/start"] = (302, {"Location": target.format(port=port)}, b"")
    handler.routes["/secret"] = (200, {}, b"secret")

    with pytest.raises(OutboundRefused) as refused:
        fetch(f"http://allowed.example:{port}/start")

    assert "is not reachable from here" in str(refused.value)
    assert [path for path, _host in handler.seen] == ["/start"]


def test_a_redirect_to_another_scheme_is_refused(server, names, settings):
    port, handler = server
    names[0]["allowed.example"] = ["127.0.0.1"]
    settings.OUTBOUND_ALLOW_HOSTS = ["allowed.example"]
    handler.routes["/start"] = (301, {"Location": "file:///etc/passwd"}, b"")

    with pytest.raises(OutboundRefused) as refused:
        fetch(f"http://allowed.example:{port}/start")

    assert str(refused.value) == "Only http and https addresses can be fetched."


def test_a_sixth_redirect_is_refused(server, settings):
    port, handler = server
    settings.OUTBOUND_ALLOW_HOSTS = ["127.0.0.1"]
    for hop in range(6):
        handler.routes[f"/{hop}"] = (307, {"Location": f"/{hop + 1}"}, b"")
    handler.routes["/6"] = (200, {}, b"end")

    assert fetch(f"http://127.0.0.1:{port}/1").body == b"end"  # five redirects: taken
    with pytest.raises(OutboundRefused) as refused:
        fetch(f"http://127.0.0.1:{port}/0")  # six
    assert str(refused.value) == "Too many redirects (more than 5)."


@pytest.mark.parametrize("declared", [True, False])
def test_an_answer_larger_than_the_cap_is_refused(declared, server, settings):
    port, handler = server
    settings.OUTBOUND_ALLOW_HOSTS = ["127.0.0.1"]
    headers = {"Content-Length": "2000"} if declared else {}
    handler.routes["/big"] = (200, headers, b"x" * 2000)
    handler.routes["/fits"] = (200, {}, b"x" * 1000)

    assert len(fetch(f"http://127.0.0.1:{port}/fits", max_bytes=1000).body) == 1000
    with pytest.raises(OutboundTooLarge) as refused:
        fetch(f"http://127.0.0.1:{port}/big", max_bytes=1000)
    assert str(refused.value) == "The answer is too large."


def test_a_slow_server_is_given_up_on(server, settings):
    port, handler = server
    settings.OUTBOUND_ALLOW_HOSTS = ["127.0.0.1"]
    handler.delay = 2.0
    started = time.monotonic()

    with pytest.raises(OutboundRefused) as refused:
        fetch(f"http://127.0.0.1:{port}/", timeout=0.3)

    assert str(refused.value) == "The server took too long to answer."
    assert time.monotonic() - started < 1.5


def test_the_module_is_the_only_caller_of_urlopen():
    """Every feature that calls out goes through the guard: no other module opens URLs."""
    from pathlib import Path

    root = Path(outbound.__file__).resolve().parents[1]
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if "tests" not in path.parts
        and path.name != "outbound.py"
        and any(
            word in path.read_text(encoding="utf-8")
            for word in ("urlopen(", "http.client", "requests.get(", "httpx.", "urllib3")
        )
    ]
    assert offenders == []
