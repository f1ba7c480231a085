"""The residency tag of a person or an organization: where their data is held to belong, for
retention policies and the export rules (sambandh/privacy). A short lower-case tag: "eu",
"us-ca", "br", "in"; blank when unknown."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sambandh.core.errors import ValidationFailed

_TAG = re.compile(r"^[a-z]{2}(-[a-z0-9]{1,3})?$")

#: The tags the forms offer; the API takes any tag of the same shape.
COMMON = (
    ("eu", gettext_lazy("European Union")),
    ("uk", gettext_lazy("United Kingdom")),
    ("us", gettext_lazy("United States")),
    ("us-ca", gettext_lazy("California")),
    ("br", gettext_lazy("Brazil")),
    ("in", gettext_lazy("India")),
)


def clean_residency(value: object) -> str:
    text = str(value or "").strip().lower()
    if text and not _TAG.match(text):
        raise ValidationFailed(
            fields={"residency": _('A short tag such as "eu", "us-ca", "br" or "in".')}
        )
    return text


#: The European Union's members (ISO 3166-1 alpha-2).
EU = frozenset(
    [
        "AT",
        "BE",
        "BG",
        "HR",
        "CY",
        "CZ",
        "DK",
        "EE",
        "FI",
        "FR",
        "DE",
        "GR",
        "HU",
        "IE",
        "IT",
        "LV",
        "LT",
        "LU",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SK",
        "SI",
        "ES",
        "SE",
    ]
)


def residency_for_country(country: str) -> str:
    """A residency tag suggested by a country (the demo data uses it): "eu" for a member of the
    European Union, else the country's own code in lower case ("us", "br", "in")."""
    code = (country or "").upper()
    if not code:
        return ""
    return "eu" if code in EU else code.lower()
