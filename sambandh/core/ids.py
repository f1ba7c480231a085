"""What a record id may be: a whole number from 1 to 2**63 - 1, the largest the databases' 64-bit
keys hold. One rule, used by every place an id arrives from outside:

- ``RecordId``: the type of every API schema field, filter and list item that holds an id;
- ``parse_id`` and ``id_or_none``: the list selectors' filters, and anything else that reads an
  id from text;
- the ``id`` path converter: ``<id:person_id>`` in the web's urls and ``{id:person_id}`` in the
  API's routes, so a path whose id is out of range matches no URL and answers 404.

A value beyond 64 bits would otherwise reach the database driver, which cannot bind it (SQLite
raises OverflowError, PostgreSQL an out-of-range error): a server error instead of a clear answer.
"""

from __future__ import annotations

import functools
from typing import Annotated, Any

from django.urls import register_converter
from django.utils.translation import gettext as _
from pydantic import Field

from sambandh.core.errors import ValidationFailed

MAX_ID = 2**63 - 1

RecordId = Annotated[int, Field(ge=1, le=MAX_ID)]


def parse_id(value: Any, field: str) -> int:
    """``value`` as an id, or ValidationFailed naming ``field``."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValidationFailed(fields={field: _("Enter a whole number.")}) from None
    if not 1 <= number <= MAX_ID:
        raise ValidationFailed(fields={field: _("Out of range.")})
    return number


def id_or_none(value: Any) -> int | None:
    """``value`` as an id, or None when it is not one (an optional id in a link or a form, where
    anything else means "none")."""
    try:
        return parse_id(value, "id")
    except ValidationFailed:
        return None


class IdConverter:
    """Django's ``int`` converter, limited to ids the database can hold. Nineteen digits at most
    (MAX_ID has nineteen), so the regex already refuses a long run of digits before Python
    parses it; a value above MAX_ID is refused by ``to_python`` (a ValueError means "this URL
    does not match")."""

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > MAX_ID:
            raise ValueError(value)
        return number

    def to_url(self, value: Any) -> str:
        return str(int(value))


register_converter(IdConverter, "id")


_SENTINEL = 918_273_645_546_372_819  # an id no URL pattern contains otherwise


@functools.lru_cache(maxsize=256)
def _id_url_pattern(view_name: str, urlconf: str | None) -> str:
    from django.urls import reverse

    return reverse(view_name, args=[_SENTINEL], urlconf=urlconf).replace(str(_SENTINEL), "{}")


def id_url(view_name: str, record_id: int) -> str:
    """``reverse(view_name, args=[record_id])`` for a URL whose one argument is an id, from a
    pattern reversed once: lists link every row, and reversing each link took a page tens of
    milliseconds."""
    from django.urls import get_urlconf

    return _id_url_pattern(view_name, get_urlconf()).format(int(record_id))
