"""StrictSchema validates a plain dict once (core/api.py): the same input or the same errors as
django-ninja's root validator, which validates it twice (as given, then through its attribute
reader)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from pydantic import ValidationError, model_validator

from sambandh.contacts.schemas import AddressSchema, EmailSchema, PersonIn, PhoneSchema
from sambandh.core.api import StrictSchema


def _ninja_way(schema: type[StrictSchema]) -> type[StrictSchema]:
    """``schema`` validated by django-ninja's own root validator."""

    class Ninja(schema):  # type: ignore[valid-type, misc]
        @model_validator(mode="wrap")
        @classmethod
        def _run_root_validator(cls, values: Any, handler: Any, info: Any) -> Any:
            return super(StrictSchema, cls)._run_root_validator(values, handler, info)  # type: ignore[misc]

    return Ninja


def _answer(schema: type[StrictSchema], values: Any) -> Any:
    try:
        found = schema.model_validate(values)
    except ValidationError as exc:
        return ("errors", [(e["loc"], e["type"], e["msg"]) for e in exc.errors()])
    return ("ok", found.model_dump(), sorted(found.model_fields_set))


EMAIL = {"email": "a@b.example", "label": "work", "is_primary": True}
PHONE = {"number": "+91 98000 00001", "label": "", "is_primary": False}
ADDRESS = {"street": "1 Road", "city": "Pune", "country": "IN", "label": "work"}
PEOPLE = [
    {"given_name": "Asha", "family_name": "Rao", "emails": [EMAIL], "phones": [PHONE]},
    {"full_name": "A", "addresses": [ADDRESS], "organization_id": 5, "tags": ["x", "y"]},
    {"full_name": None, "given_name": None, "emails": None, "custom": {"k": [1, "v"]}},
    {"full_name": "A", "birth_date": "1990-02-28", "owner_id": "7"},
    {"full_name": "A", "birth_date": datetime.date(1990, 2, 28), "organization_id": 5.0},
    {"full_name": "A", "bogus": 1},
    {"full_name": 5, "given_name": ["x"], "organization_id": "abc"},
    {"full_name": "x" * 201, "honorific": "y" * 41},
    {"full_name": "A", "emails": [{"email": "a@b.example", "extra": 1}]},
    {"full_name": "A", "emails": [EMAIL] * 21},
    {"full_name": "A", "emails": "a@b.example"},
    {"full_name": "A", "emails": [{"label": "no email"}]},
    {"full_name": "A", "phones": [{"number": 5}], "addresses": [{"street": None}]},
    {"full_name": "A", "tags": ["t"] * 51, "custom": "not a dict"},
    {"full_name": "A", "organization_id": True, "owner_id": -1},
    {"description": "d" * 100_001},
    {},
]


@pytest.mark.parametrize("values", PEOPLE)
def test_a_person_input_is_what_ninja_makes_of_it(values):
    assert _answer(PersonIn, values) == _answer(_ninja_way(PersonIn), values)


@pytest.mark.parametrize(
    ("schema", "values"),
    [
        (EmailSchema, EMAIL),
        (EmailSchema, {"email": "x", "zz": 1}),
        (EmailSchema, {"email": "x" * 255}),
        (EmailSchema, {"email": "x", "is_primary": "yes"}),
        (EmailSchema, {"email": "x", "is_primary": "maybe"}),
        (PhoneSchema, PHONE),
        (PhoneSchema, {"number": None}),
        (AddressSchema, ADDRESS),
        (AddressSchema, {"postal_code": "1" * 21, "country": 3}),
    ],
)
def test_a_nested_input_is_what_ninja_makes_of_it(schema, values):
    assert _answer(schema, values) == _answer(_ninja_way(schema), values)


def test_values_that_are_not_plain_go_ninjas_way():
    """A value that is not plain (a callable: ninja's first pass refuses it, its reader would
    call it) still goes ninja's way."""
    values = {"full_name": lambda: "Asha"}
    assert _answer(PersonIn, values) == _answer(_ninja_way(PersonIn), values)
    assert _answer(PersonIn, values)[0] == "errors"


def test_an_object_is_read_by_its_attributes_as_before():
    class Row:
        given_name = "Asha"
        family_name = "Rao"

    assert _answer(PersonIn, Row()) == _answer(_ninja_way(PersonIn), Row())
    assert _answer(PersonIn, Row())[0] == "ok"
