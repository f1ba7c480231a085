"""Where a write comes from: the source (interface, API, import, job, CLI, system) and the IP
address that ``audit_record`` writes on every audit row, without any service passing them.

The context is a context variable, set by whatever starts the work:

- ``AuditContextMiddleware`` for every web request and every API request (both stacks list it;
  the API's read lane only serves reads that need no audit row, see config/read_lane.py);
- the tasks API's ``task_started`` / ``task_finished`` signals for every background task
  (bulk jobs, emails, event handlers), and the worker for scheduled jobs (``source="job"``);
- the ``sambandh`` command line (``source="cli"``);
- ``audit_context(source="import")`` around an import.

Nothing set: ``system``, no IP.
"""

from __future__ import annotations

import datetime
import ipaddress
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from contextvars import ContextVar, Token
from dataclasses import dataclass, replace
from typing import Any

from django.http import HttpRequest, HttpResponse

SOURCES = ("interface", "api", "import", "job", "cli", "system")


@dataclass(frozen=True)
class AuditContext:
    source: str = "system"
    ip: str | None = None
    #: A time to write instead of now (the demo generator backdates its history this way,
    #: since rows cannot be changed afterwards).
    at: datetime.datetime | None = None


_SYSTEM = AuditContext()
_current: ContextVar[AuditContext | None] = ContextVar("audit_context", default=None)


def current() -> AuditContext:
    return _current.get() or _SYSTEM


def clean_ip(value: Any) -> str | None:
    """A valid IPv4 or IPv6 address as text, else None (never a 500 for a strange header)."""
    try:
        return str(ipaddress.ip_address(str(value or "").strip()))
    except ValueError:
        return None


@contextmanager
def audit_context(
    *, source: str | None = None, ip: str | None = None, at: datetime.datetime | None = None
) -> Iterator[AuditContext]:
    """Within it, audit rows carry ``source`` (one of SOURCES), ``ip`` and, when given, ``at``.
    What is not given is kept from the enclosing context."""
    if source is not None and source not in SOURCES:
        raise ValueError(f"unknown audit source {source!r}")
    outer = current()
    inner = replace(
        outer,
        source=source or outer.source,
        ip=clean_ip(ip) if ip is not None else outer.ip,
        at=at or outer.at,
    )
    token = _current.set(inner)
    try:
        yield inner
    finally:
        _current.reset(token)


def request_ip(request: HttpRequest) -> str | None:
    """The client's address (core/net.py: REMOTE_ADDR, or behind ``CLIENT_IP_PROXY_HOPS``
    trusted proxies the address the outermost one saw)."""
    from sambandh.core.net import client_ip

    return clean_ip(client_ip(request))


class AuditContextMiddleware:
    """Every request's writes are audited with its source (``api`` under /api/, else
    ``interface``) and the client's IP."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        source = "api" if request.path_info.startswith("/api/") else "interface"
        token = _current.set(AuditContext(source=source, ip=request_ip(request)))
        try:
            return self.get_response(request)
        finally:
            _current.reset(token)


# --- background tasks -----------------------------------------------------------------------
_task_tokens: dict[Any, list[Token[AuditContext | None]]] = {}


def _task_started(sender: Any, task_result: Any, **kwargs: Any) -> None:
    token = _current.set(replace(current(), source="job", ip=None))
    _task_tokens.setdefault(task_result.id, []).append(token)


def _task_finished(sender: Any, task_result: Any, **kwargs: Any) -> None:
    tokens = _task_tokens.get(task_result.id)
    if not tokens:
        return
    token = tokens.pop()
    if not tokens:
        _task_tokens.pop(task_result.id, None)
    # Finished in another context than it started: nothing to undo there.
    with suppress(ValueError):
        _current.reset(token)


def connect_task_signals() -> None:
    """Called once from core's AppConfig.ready(): every task runs as ``source="job"``."""
    from django.tasks.signals import task_finished, task_started

    task_started.connect(_task_started, dispatch_uid="sambandh.audit.task_started")
    task_finished.connect(_task_finished, dispatch_uid="sambandh.audit.task_finished")
