"""Typed write inputs: one model per write, shared by the API and the web form.

Each record type's create and update take one pydantic model (``PersonIn``, ``DealIn``, ...):
the API declares it as the request body, and the web form builds the same model from what the
browser posted (``WriteInput.build``). Its shape (types, lengths, nesting) is checked once, by
pydantic, whichever way the write came in; its meaning (a valid email, a visible organization,
an owner who is active, a custom value of the right type) is checked once, by the service.

A field that was not sent holds ``NOT_SENT`` (pydantic's ``MISSING`` sentinel): an update leaves
it as it is, and it is absent from ``model_dump()``. ``None`` is a value that was sent: it clears
the field. So a form that may not change a field (hidden from the user's role, read-only) simply
does not put it in the input, and the service never sees it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Self

from pydantic import MISSING
from pydantic import ValidationError as PydanticError

from sambandh.core.api import StrictSchema
from sambandh.core.errors import ValidationFailed
from sambandh.core.validation_messages import translated

#: The marker of a field that was not sent (``field: str | None | NotSent = NOT_SENT``).
NOT_SENT = MISSING
NotSent = MISSING


def _document_not_sent() -> None:
    """Let django-ninja write the OpenAPI schema of a field whose default is NOT_SENT: an
    optional field with no default, as pydantic's own generator writes it. (Ninja's generator
    encodes every non-None default and cannot encode the sentinel.)"""
    from ninja.schema import NinjaGenerateJsonSchema

    ninja_default = NinjaGenerateJsonSchema.default_schema

    def default_schema(self: Any, schema: Any) -> Any:
        if schema.get("default") is NOT_SENT:
            return self.generate_inner(schema["schema"])
        return ninja_default(self, schema)

    NinjaGenerateJsonSchema.default_schema = default_schema  # type: ignore[method-assign]


_document_not_sent()

_WRAPPERS = frozenset({"body", "query", "path", "payload", "data", "filters"})


def error_fields(errors: list[Any]) -> dict[str, str]:
    """pydantic's errors as the API names fields: ``emails.1.email`` -> message, in the active
    language (core/validation_messages.py)."""
    fields: dict[str, str] = {}
    for err in errors:
        key = ".".join(str(p) for p in err.get("loc", ()) if p not in _WRAPPERS) or "__all__"
        fields.setdefault(key, translated(err))
    return fields


def build_input[S: StrictSchema](schema: type[S], values: dict[str, Any]) -> S:
    """``schema`` (an API body) from ``values``, checked as the API checks a body: a value of
    the wrong shape is a ValidationFailed naming its field."""
    try:
        return schema.model_validate(values)
    except PydanticError as exc:
        raise ValidationFailed(fields=error_fields(exc.errors())) from None


class WriteInput(StrictSchema):
    """The base of every typed write input."""

    @classmethod
    def build(cls, values: dict[str, Any]) -> Self:
        """The input from ``values`` (a form's, a job's, a test's), checked as the API checks a
        body: a value of the wrong shape is a ValidationFailed naming its field."""
        return build_input(cls, values)

    def sent(self, name: str) -> bool:
        """Whether the field ``name`` was sent (``None`` counts: it clears the field)."""
        return getattr(self, name, NOT_SENT) is not NOT_SENT

    def given(self, *, exclude: tuple[str, ...] = ()) -> dict[str, Any]:
        """The fields that were sent, by name, as values (nested inputs stay models)."""
        return {
            name: value
            for name in type(self).model_fields
            if name not in exclude and (value := getattr(self, name)) is not NOT_SENT
        }


def sent_list[T](value: Sequence[T] | None | NotSent) -> list[T] | None:
    """A list field of an input as a write takes it: None when not sent (unchanged), the empty
    list when sent as null (emptied), else the list."""
    if value is NOT_SENT:
        return None
    return list(value or [])
