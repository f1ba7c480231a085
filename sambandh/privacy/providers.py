"""What other apps add to a person's access export, without privacy knowing them.

An app registers a provider from its ``AppConfig.ready()``::

    from sambandh.privacy import providers
    providers.register("consents", consents_for_export)

``fn(person) -> list[dict]`` answers rows of plain values (str, numbers, bools, None, lists
and dicts of them); the export writes them as ``<name>.json`` and ``<name>.csv``. A provider
that fails stops the export (the request shows the error): a partial export is not an answer.

An app that keeps data about a person outside the contacts app's rows registers an eraser
too: ``register_eraser(name, fn)``, ``fn(*, person, actor) -> int`` (how many rows it erased),
called in the erasure's transaction (erasure.py), through that app's own services.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

Provider = Callable[[Any], list[dict[str, Any]]]
Eraser = Callable[..., int]

_providers: dict[str, Provider] = {}
_erasers: dict[str, Eraser] = {}


def register_eraser(name: str, fn: Eraser) -> None:
    _erasers[name] = fn


def unregister_eraser(name: str) -> None:
    _erasers.pop(name, None)


def all_erasers() -> dict[str, Eraser]:
    return dict(_erasers)


def register(name: str, fn: Provider) -> None:
    _providers[name] = fn


def unregister(name: str) -> None:
    _providers.pop(name, None)


def all_providers() -> dict[str, Provider]:
    return dict(_providers)


def register_builtin() -> None:
    """The consent ledger, while it does not register itself: its selector when the app is
    installed (it is built beside this one)."""
    if "consents" in _providers:
        return
    try:
        module = importlib.import_module("sambandh.consents.selectors")
    except ImportError:
        return
    fn = getattr(module, "consents_for_export", None)
    if callable(fn):
        register("consents", fn)
