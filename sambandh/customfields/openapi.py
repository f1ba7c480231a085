"""The OpenAPI document's record schemas with the custom fields as they are defined.

ninja builds the document from the code; the ``custom`` object of each record type's schemas
(found through the registry: the schemas its ``/api/v1/<api_path>`` operations read and answer)
is replaced here, on every request for the document, by the fields defined now.
"""

from __future__ import annotations

from typing import Any

from sambandh.core import registry
from sambandh.customfields import selectors
from sambandh.customfields.models import CustomField
from sambandh.customfields.values import MAX_LONG_TEXT, MAX_TEXT, MAX_URL


def value_schema(cf: CustomField) -> dict[str, Any]:
    kind = cf.type
    schema: dict[str, Any]
    if kind in ("text", "long_text"):
        schema = {"type": "string", "maxLength": MAX_TEXT if kind == "text" else MAX_LONG_TEXT}
    elif kind == "number":
        schema = {"type": "number"}
    elif kind == "money":
        schema = {
            "type": "object",
            "properties": {
                "amount": {"type": "string", "format": "decimal"},
                "currency": {"type": "string", "minLength": 3, "maxLength": 3},
            },
            "required": ["amount", "currency"],
            "additionalProperties": False,
        }
    elif kind == "date":
        schema = {"type": "string", "format": "date"}
    elif kind == "datetime":
        schema = {"type": "string", "format": "date-time"}
    elif kind == "boolean":
        schema = {"type": "boolean"}
    elif kind == "picklist":
        schema = {"type": "string", "enum": list(cf.options)}
    elif kind == "multi_picklist":
        schema = {"type": "array", "items": {"type": "string", "enum": list(cf.options)}}
    elif kind == "url":
        schema = {"type": "string", "format": "uri", "maxLength": MAX_URL}
    elif kind == "email":
        schema = {"type": "string", "format": "email"}
    elif kind == "phone":
        schema = {"type": "string", "description": "E.164"}
    else:  # lookup
        schema = {"type": "integer", "description": f"The id of a {cf.target}."}
    wrapped: dict[str, Any] = {
        "title": cf.label,
        "anyOf": [schema, {"type": "null"}],
        "x-custom-field-type": kind,
    }
    if cf.help_text:
        wrapped["description"] = cf.help_text
    if cf.default is not None:
        wrapped["default"] = cf.default
    if cf.required:
        wrapped["x-required"] = True
    return wrapped


def _refs(node: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
            found.add(ref.rsplit("/", 1)[1])
        for value in node.values():
            found |= _refs(value)
    elif isinstance(node, list):
        for value in node:
            found |= _refs(value)
    return found


def _record_schemas(document: dict[str, Any], api_path: str) -> set[str]:
    """The component schemas that the type's collection and record operations use, and the
    ones those refer to (a page's items)."""
    names: set[str] = set()
    for path, item in (document.get("paths") or {}).items():
        parts = path.rstrip("/").split("/")
        try:
            at = parts.index(api_path)
        except ValueError:
            continue
        rest = parts[at + 1 :]
        if parts[at - 1] != "v1" or len(rest) > 1 or (rest and not rest[0].startswith("{")):
            continue
        names |= _refs(item)
    schemas = (document.get("components") or {}).get("schemas") or {}
    for name in list(names):
        names |= _refs(schemas.get(name, {}))
    return names


def with_custom_fields(document: dict[str, Any]) -> dict[str, Any]:
    schemas = (document.get("components") or {}).get("schemas") or {}
    for rt in registry.record_types():
        fields = selectors.definitions(rt.key)
        custom = {
            "type": "object",
            "title": "Custom fields",
            "description": (
                "The custom fields defined on this record type (GET /api/v1/custom-fields). "
                "A write sends the keys it changes; null clears one."
            ),
            "properties": {cf.key: value_schema(cf) for cf in fields},
            "additionalProperties": False,
        }
        for name in _record_schemas(document, rt.api_path):
            properties = schemas.get(name, {}).get("properties")
            if isinstance(properties, dict) and "custom" in properties:
                properties["custom"] = custom
    return document
