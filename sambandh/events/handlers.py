"""Who listens to which domain event: apps subscribe a handler to event types (optionally only
when some fields changed); the event log writes a run per matching handler with the event."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from sambandh.events.models import Event

HandlerFunc = Callable[[Event], None]


@dataclass(frozen=True)
class Handler:
    name: str
    func: HandlerFunc
    event_types: frozenset[str]
    fields: frozenset[str] = field(default_factory=frozenset)
    max_attempts: int = 5
    backoff_seconds: int = 30

    def matches(self, event_type: str, changed: Iterable[str]) -> bool:
        if event_type not in self.event_types:
            return False
        return not self.fields or bool(self.fields.intersection(changed))

    def backoff(self, attempts: int) -> int:
        """Seconds to wait before the next attempt after ``attempts`` failed ones: doubling,
        capped at an hour."""
        return int(min(3600, self.backoff_seconds * 2 ** max(0, attempts - 1)))


_handlers: dict[str, Handler] = {}
_by_type: dict[str, list[Handler]] = {}


def subscribe(
    *event_types: str,
    name: str,
    fields: Iterable[str] = (),
    max_attempts: int = 5,
    backoff_seconds: int = 30,
) -> Callable[[HandlerFunc], HandlerFunc]:
    """Declare ``func`` a handler of ``event_types``, under a stable ``name`` (runs are stored by
    name, so renaming a handler orphans its pending runs). With ``fields``, only events that
    changed one of them are handed to it. Subscribing the same name again replaces it."""

    def register(func: HandlerFunc) -> HandlerFunc:
        handler = Handler(
            name=name,
            func=func,
            event_types=frozenset(event_types),
            fields=frozenset(fields),
            max_attempts=max_attempts,
            backoff_seconds=backoff_seconds,
        )
        unsubscribe(name)
        _handlers[name] = handler
        for event_type in handler.event_types:
            _by_type.setdefault(event_type, []).append(handler)
        return func

    return register


def unsubscribe(name: str) -> None:
    old = _handlers.pop(name, None)
    if old is not None:
        for event_type in old.event_types:
            _by_type[event_type] = [h for h in _by_type[event_type] if h.name != name]


def handlers_for(event_type: str, changed: Iterable[str]) -> list[Handler]:
    candidates = _by_type.get(event_type)
    if not candidates:
        return []
    changed = list(changed)
    return [h for h in candidates if h.matches(event_type, changed)]


def handler_named(name: str) -> Handler | None:
    return _handlers.get(name)


def all_handlers() -> list[Handler]:
    return sorted(_handlers.values(), key=lambda h: h.name)
