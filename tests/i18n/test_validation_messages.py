"""pydantic's validation messages in the request's language (core/validation_messages.py)."""

from __future__ import annotations

import pytest
from django.utils.translation import override
from pydantic import BaseModel, Field, ValidationError

from sambandh.core.validation_messages import MESSAGES, translated


class Sample(BaseModel):
    count: int = Field(ge=1)
    name: str = Field(max_length=5)


def errors(**data):  # noqa: ANN003, ANN201
    with pytest.raises(ValidationError) as refused:
        Sample.model_validate(data)
    return {e["loc"][0]: e for e in refused.value.errors()}


def test_values_of_the_context_fill_the_translation():
    found = errors(count=0, name="toolong")
    with override("hi"):
        assert translated(found["count"]) == "मान 1 या उससे अधिक होना चाहिए"
        assert translated(found["name"]) == "टेक्स्ट में अधिकतम 5 अक्षर होने चाहिए"


def test_english_keeps_pydantics_own_message():
    found = errors(count="ten", name="ok")
    with override("en"):
        assert translated(found["count"]) == (
            "Input should be a valid integer, unable to parse string as an integer"
        )


def test_a_choice_list_is_joined_in_the_language():
    error = {"type": "literal_error", "ctx": {"expected": "'open', 'won' or 'lost'"}, "msg": ""}
    with override("te"):
        assert translated(error) == "విలువ వీటిలో ఒకటి అయి ఉండాలి: 'open', 'won' లేదా 'lost'"


def test_an_unmapped_type_says_not_valid_in_the_language():
    with override("gu"):
        assert translated({"type": "some_new_type", "msg": "Something new"}) == "માન્ય નથી."


@pytest.mark.parametrize("kind", sorted(MESSAGES))
def test_every_mapped_message_is_translated_in_telugu(kind):
    with override("te"):
        text = translated({"type": kind, "ctx": {}, "msg": "English"})
    assert text != "English"
    assert not text.isascii()  # Telugu script, not English
