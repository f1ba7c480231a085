"""Word lists for the demo data: names in their own scripts (with a Latin form for email
addresses), company name parts, cities and streets, job titles, and activity texts.

One module a subject: ``base`` (the shapes, and English job titles), the cultures (people who
write their names one way, living in one country) by part of the world, ``countries``
(cities, companies), ``sales`` (sizes, amounts, products, sources, reasons) and ``activities``
(subjects and bodies). Everything is importable from here, as ``data.NAME``.
"""

from __future__ import annotations

from sambandh.demo.data.activities import (
    CALL_BODIES,
    CALL_OUTCOMES,
    CALL_SUBJECTS,
    EMAIL_BODIES,
    EMAIL_SUBJECTS,
    MEETING_SUBJECTS,
    NOTE_BODIES,
    TASK_SUBJECTS,
    TOPICS,
)
from sambandh.demo.data.base import EN_TITLES, City, Country, Culture, Pair
from sambandh.demo.data.countries import COUNTRIES, COUNTRY_BY_CODE, CULTURE_COUNTRIES
from sambandh.demo.data.cultures_europe_americas import EUROPE_AMERICAS
from sambandh.demo.data.cultures_india import INDIA
from sambandh.demo.data.cultures_middle_east_asia import MIDDLE_EAST_ASIA
from sambandh.demo.data.sales import (
    AMOUNT_RANGES,
    LEAD_SOURCES,
    LOST_REASONS,
    PERSON_SOURCES,
    PRODUCTS,
    SIZES,
    TAG_NAMES,
    WON_REASONS,
)

# In this order: the plans that share people out by weight walk it.
CULTURES: tuple[Culture, ...] = (*INDIA, *EUROPE_AMERICAS, *MIDDLE_EAST_ASIA)
CULTURE_BY_KEY = {c.key: c for c in CULTURES}

__all__ = [
    "AMOUNT_RANGES",
    "CALL_BODIES",
    "CALL_OUTCOMES",
    "CALL_SUBJECTS",
    "COUNTRIES",
    "COUNTRY_BY_CODE",
    "CULTURES",
    "CULTURE_BY_KEY",
    "CULTURE_COUNTRIES",
    "EMAIL_BODIES",
    "EMAIL_SUBJECTS",
    "EN_TITLES",
    "LEAD_SOURCES",
    "LOST_REASONS",
    "MEETING_SUBJECTS",
    "NOTE_BODIES",
    "PERSON_SOURCES",
    "PRODUCTS",
    "SIZES",
    "TAG_NAMES",
    "TASK_SUBJECTS",
    "TOPICS",
    "WON_REASONS",
    "City",
    "Country",
    "Culture",
    "Pair",
]
