"""The shapes of the demo's word lists, and the English job titles several cultures share.

Names are pairs ``(as written, latin)``; the Latin form only builds email local parts.
"""

from __future__ import annotations

from dataclasses import dataclass, field

Pair = tuple[str, str]


@dataclass(frozen=True)
class City:
    name: str
    region: str
    postal_code: str
    streets: tuple[str, ...]


@dataclass(frozen=True)
class Culture:
    """People who write their names one way, living in one country."""

    key: str
    country: str
    language: str  # BCP 47 preferred language
    time_zones: tuple[str, ...]
    currency: str
    given: tuple[Pair, ...]
    family: tuple[Pair, ...]
    # "given family" (composed by the services), "family given" (Japanese: written family
    # first with a space) or "familygiven" (Chinese: no space): the last two pass full_name.
    order: str = "given family"
    titles: tuple[str, ...] = ()
    personal_domains: tuple[str, ...] = ("gmail.com",)
    weight: int = 10


@dataclass(frozen=True)
class Country:
    code: str
    currency: str  # what its deals are priced in
    cities: tuple[City, ...]
    company_cores: tuple[Pair, ...]
    company_kinds: tuple[tuple[str, str, str], ...]  # (as written, latin, industry)
    legal_forms: tuple[str, ...]
    tld: str
    # "{core} {kind} {form}" by default; e.g. Japanese puts the legal form first.
    pattern: str = "{core} {kind} {form}"
    org_weight: int = 4
    cultures: tuple[str, ...] = field(default_factory=tuple)


EN_TITLES = (
    "Chief Executive Officer",
    "Chief Financial Officer",
    "Head of Procurement",
    "Sales Director",
    "Operations Manager",
    "IT Manager",
    "Purchasing Manager",
    "Finance Controller",
    "Marketing Manager",
    "Customer Success Lead",
    "Founder",
    "Regional Manager",
    "Business Analyst",
    "Product Manager",
    "CTO",
)
