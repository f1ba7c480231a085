"""pydantic's validation errors in the user's language.

pydantic writes its messages in English ("Input should be a valid integer"). Each error has a
machine-readable ``type`` and the values its message names (``ctx``); this maps the types the
API's schemas can raise to a translated message with the same values (msgids in pydantic's own
words, so that English stays exactly pydantic's). An error type not listed here says "Not valid."
in a language other than English, rather than English. The API's ``code`` does not change.
"""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

#: Ours in every language, English included (the API said these before pydantic's own).
OURS: dict[str, Promise] = {
    "missing": _("This field is required."),
    "extra_forbidden": _("Unknown field."),
}

#: pydantic's messages, in its own English words (an English request gets pydantic's message
#: as it is, with any detail it adds), translated for every other language.
MESSAGES: dict[str, Promise] = {
    "string_type": _("Input should be a valid string"),
    "string_too_short": _("String should have at least %(min_length)s characters"),
    "string_too_long": _("String should have at most %(max_length)s characters"),
    "string_pattern_mismatch": _("String should match pattern '%(pattern)s'"),
    "string_unicode": _("Input should be a valid string"),
    "int_type": _("Input should be a valid integer"),
    "int_parsing": _("Input should be a valid integer, unable to parse string as an integer"),
    "int_parsing_size": _("Unable to parse input string as an integer, exceeded maximum size"),
    "int_from_float": _("Input should be a valid integer, got a number with a fractional part"),
    "float_type": _("Input should be a valid number"),
    "float_parsing": _("Input should be a valid number, unable to parse string as a number"),
    "finite_number": _("Input should be a finite number"),
    "decimal_type": _("Decimal input should be an integer, float, string or Decimal object"),
    "decimal_parsing": _("Input should be a valid decimal"),
    "decimal_max_digits": _(
        "Decimal input should have no more than %(max_digits)s digits in total"
    ),
    "decimal_max_places": _(
        "Decimal input should have no more than %(decimal_places)s decimal places"
    ),
    "decimal_whole_digits": _(
        "Decimal input should have no more than %(whole_digits)s digits before the decimal point"
    ),
    "bool_type": _("Input should be a valid boolean"),
    "bool_parsing": _("Input should be a valid boolean, unable to interpret input"),
    "greater_than": _("Input should be greater than %(gt)s"),
    "greater_than_equal": _("Input should be greater than or equal to %(ge)s"),
    "less_than": _("Input should be less than %(lt)s"),
    "less_than_equal": _("Input should be less than or equal to %(le)s"),
    "multiple_of": _("Input should be a multiple of %(multiple_of)s"),
    "literal_error": _("Input should be %(expected)s"),
    "enum": _("Input should be %(expected)s"),
    "date_type": _("Input should be a valid date"),
    "date_parsing": _("Input should be a valid date in the format YYYY-MM-DD"),
    "date_from_datetime_parsing": _("Input should be a valid date or datetime"),
    "date_from_datetime_inexact": _("Datetimes provided to dates should have zero time"),
    "datetime_type": _("Input should be a valid datetime"),
    "datetime_parsing": _("Input should be a valid datetime"),
    "datetime_from_date_parsing": _("Input should be a valid datetime or date"),
    "datetime_object_invalid": _("Input should be a valid datetime"),
    "timezone_aware": _("Input should have timezone info"),
    "timezone_naive": _("Input should not have timezone info"),
    "time_type": _("Input should be a valid time"),
    "time_parsing": _("Input should be in a valid time format"),
    "uuid_type": _("Input should be a valid UUID"),
    "uuid_parsing": _("Input should be a valid UUID"),
    "url_type": _("Input should be a valid URL"),
    "url_parsing": _("Input should be a valid URL"),
    "url_scheme": _("Input should be a valid URL"),
    "list_type": _("Input should be a valid list"),
    "tuple_type": _("Input should be a valid list"),
    "set_type": _("Input should be a valid list"),
    "dict_type": _("Input should be a valid dictionary"),
    "model_type": _("Input should be a valid dictionary"),
    "model_attributes_type": _("Input should be a valid dictionary"),
    "dataclass_type": _("Input should be a valid dictionary"),
    "too_short": _("List should have at least %(min_length)s items"),
    "too_long": _("List should have at most %(max_length)s items"),
    "none_required": _("Input should be None"),
    "json_invalid": _("Invalid JSON"),
    "json_type": _("Invalid JSON"),
    "union_tag_invalid": _("Input tag does not match any of the expected tags: %(expected_tags)s"),
    "union_tag_not_found": _("Unable to extract tag using discriminator"),
}

_FALLBACK = _("Not valid.")


def translated(error: dict[str, Any]) -> str:
    """One pydantic error (an item of ``ValidationError.errors()``) in the active language."""
    kind = str(error.get("type", ""))
    ctx = error.get("ctx") or {}
    if kind in OURS:
        return str(OURS[kind])
    if (get_language() or "en").split("-")[0] == "en" and error.get("msg"):
        return str(error["msg"])
    if kind == "value_error" and "error" in ctx:
        # Our own validators raise ValueError with a message that is already translated.
        return str(ctx["error"])
    message = MESSAGES.get(kind)
    if message is None:
        return str(_FALLBACK)
    values = {key: _plain(value) for key, value in ctx.items()}
    if kind in ("literal_error", "enum") and "expected" in values:
        values["expected"] = _choices(values["expected"])
    try:
        return str(message) % values
    except (KeyError, TypeError, ValueError):
        return str(message).split("%(")[0].rstrip(" :") or str(_FALLBACK)


def _choices(expected: str) -> str:
    """pydantic's "'open', 'won' or 'lost'" as a list in the active language ("'open',
    'won' या 'lost'"): the choices are codes and stay as they are, the "or" is translated."""
    import re

    from babel.lists import format_list
    from django.utils.translation import to_locale

    choices = re.findall(r"'(?:[^'\\]|\\.)*'|\S+?(?=,| or |$)", expected)
    if len(choices) < 2:
        return expected
    try:
        return format_list(choices, style="or", locale=to_locale(get_language() or "en"))
    except (ValueError, LookupError):
        return expected


def _plain(value: Any) -> str:
    return str(value) if not isinstance(value, str) else value
