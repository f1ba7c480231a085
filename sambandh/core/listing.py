"""Sorting and filtering vocabulary shared by list selectors (UI and API use the same names)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from sambandh.core.errors import ValidationFailed


@dataclass(frozen=True)
class ListQuery:
    """What a list asks for: filters by name, a sort key, a page size and a cursor."""

    filters: dict[str, Any] = field(default_factory=dict)
    sort: str = ""
    limit: int = 50
    cursor: str | None = None


def sort_order(sort: str, choices: dict[str, list[str]], default: str) -> list[str]:
    key = sort or default
    if key not in choices:
        raise ValidationFailed(
            _("Unknown sort “%(sort)s”. Choose one of: %(choices)s.")
            % {"sort": key[:40], "choices": ", ".join(choices)},
            fields={"sort": _("Not a sort key.")},
        )
    return choices[key]
