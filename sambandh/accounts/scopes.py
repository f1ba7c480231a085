"""What an API token may do: its scopes, read and enforced here once.

A scope is ``<target>:<level>``: the target is a record type's API path from the registry
(``people``, ``deals``...) or ``all``; the level is ``read`` (GET) or ``write`` (every other
method; write includes read). A token holds one or more, space-separated
(``ApiToken.scopes``). ``all:write`` is full access, what tokens made before scopes had.

A request's target is the first segment of its path under ``/api/v1/``: a record type's own
path covers the record, its shares, timeline, attachments and bulk actions. The paths of
activities by another name (tasks, scheduling, emails) count as ``activities``, and reading
pipelines (a deal's stages) as ``deals``. A bulk job (``/jobs/{id}``) counts as the record type
it acts on: the view checks it once it has read the job (``ensure_token_covers``), so a
``people:write`` token can follow and undo the bulk action it started. Everything else (users,
teams, settings, search...) needs an ``all`` scope, and the record types' declarations
(``/record-types``) are readable with any token.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from sambandh.core import registry
from sambandh.core.errors import Forbidden, ValidationFailed

ALL = "all"
READ = "read"
WRITE = "write"
LEVELS = (READ, WRITE)
API_PREFIX = "/api/v1/"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

#: Paths that name activities another way, for both levels.
ACTIVITY_PATHS = {"tasks": "activities", "scheduling": "activities", "emails": "activities"}
#: Paths read as part of a record type (a deal's pipeline and stages); changing them needs all.
READ_ALIASES = {"pipelines": "deals"}
#: Readable with any token.
OPEN_READS = frozenset({"record-types"})
#: Paths whose target is the record type of what they name: the view checks the scope.
CHECKED_BY_VIEW = frozenset({"jobs"})


def targets() -> list[str]:
    """What a scope may name: ``all`` and every record type's API path."""
    return [ALL, *(t.api_path for t in registry.record_types())]


@dataclass(frozen=True)
class Scope:
    target: str
    level: str

    def __str__(self) -> str:
        return f"{self.target}:{self.level}"


def parse(text: str) -> list[Scope]:
    """The scopes of a stored string (what cannot be read grants nothing)."""
    found = []
    for part in text.split():
        target, _sep, level = part.partition(":")
        if level in LEVELS and target:
            found.append(Scope(target, level))
    return found


def clean(values: list[str] | tuple[str, ...] | str, *, field: str = "scopes") -> str:
    """The stored form of scopes a person or a program asked for, each checked against the
    registry; a redundant one (``people:read`` beside ``people:write`` or ``all:write``) is
    dropped. Nothing, or an unknown scope, is a 422 naming ``field``."""
    items = values.split() if isinstance(values, str) else [str(v).strip() for v in values]
    known = targets()
    best: dict[str, str] = {}
    for item in items:
        target, _sep, level = item.partition(":")
        if target not in known or level not in LEVELS:
            raise ValidationFailed(
                fields={
                    field: _("Unknown scope “%(scope)s”. Use %(form)s with one of: %(targets)s.")
                    % {
                        "scope": item[:60],
                        "form": "<target>:read / <target>:write",
                        "targets": ", ".join(known),
                    }
                }
            )
        if best.get(target) != WRITE:
            best[target] = level
    if not best:
        raise ValidationFailed(fields={field: _("Choose at least one scope.")})
    if best.get(ALL) == WRITE:
        return str(Scope(ALL, WRITE))
    kept = [
        Scope(target, level)
        for target, level in best.items()
        if target == ALL or not (best.get(ALL) == READ and level == READ)
    ]
    order = {t: i for i, t in enumerate(known)}
    return " ".join(str(s) for s in sorted(kept, key=lambda s: order[s.target]))


def allows(scopes: str, target: str | None, level: str) -> bool:
    """Whether ``scopes`` permit ``level`` on ``target`` (None: an endpoint of no record type,
    which only ``all`` covers)."""
    return any(
        (scope.level == WRITE or level == READ) and scope.target in (ALL, target)
        for scope in parse(scopes)
    )


def covers(parent: str, child: str) -> bool:
    """Whether every scope of ``child`` is within ``parent`` (a token creating another may
    give it no more than it holds itself)."""
    return all(allows(parent, s.target, s.level) for s in parse(child))


def request_needs(method: str, path: str) -> tuple[str | None, str] | None:
    """The (target, level) an API request needs, or None when any token may make it."""
    level = READ if method.upper() in SAFE_METHODS else WRITE
    rest = path[len(API_PREFIX) :] if path.startswith(API_PREFIX) else path.lstrip("/")
    segment = rest.split("/", 1)[0]
    if (level == READ and segment in OPEN_READS) or segment in CHECKED_BY_VIEW:
        return None
    if registry.by_api_path(segment) is not None:
        return segment, level
    if segment in ACTIVITY_PATHS:
        return ACTIVITY_PATHS[segment], level
    if level == READ and segment in READ_ALIASES:
        return READ_ALIASES[segment], level
    return None if not segment else (None, level)


def ensure_allowed(scopes: str, method: str, path: str) -> None:
    """Refuse (403, saying which scope is missing) a request ``scopes`` do not permit."""
    need = request_needs(method, path)
    if need is None:
        return
    target, level = need
    if allows(scopes, target, level):
        return
    if level == WRITE and all(s.level == READ for s in parse(scopes)):
        message = _("This token is read-only: it cannot change anything (%(method)s).") % {
            "method": method.upper()
        }
    else:
        scope = f"{target or ALL}:{level}"
        message = _("This token's scopes do not cover this request; it needs the scope %(scope)s.")
        message = message % {"scope": scope}
    raise ScopeMissing(message)


def ensure_token_covers(request: Any, record_type: str, *, write: bool) -> None:
    """For a path in ``CHECKED_BY_VIEW``: refuse (403) a request made with a token whose scopes
    do not cover ``record_type`` (a registry key) at the level asked; a request of a signed-in
    session, or of a token with the scope, goes on."""
    from sambandh.accounts.api_auth import TOKEN_ATTR

    token = getattr(request, TOKEN_ATTR, None)
    if token is None:
        return
    target = registry.get(record_type).api_path
    level = WRITE if write else READ
    if not allows(token.scopes, target, level):
        message = _("This token's scopes do not cover this request; it needs the scope %(scope)s.")
        raise ScopeMissing(message % {"scope": f"{target}:{level}"})


class ScopeMissing(Forbidden):
    code = "scope_missing"


def describe(scopes: str) -> list[str]:
    """Scopes as people read them on the tokens page ("Everything: read and write")."""
    names = {t.api_path: str(t.label_plural) for t in registry.record_types()}
    names[ALL] = _("Everything")
    return [
        _("%(target)s: %(level)s")
        % {
            "target": names.get(s.target, s.target),
            "level": _("Read and write") if s.level == WRITE else _("Read"),
        }
        for s in parse(scopes)
    ]
