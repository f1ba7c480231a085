"""The country a user works from, as far as their own settings tell it.

Users have no country field: their locale (``en-IN``, ``pt-BR``) or their time zone
(``Asia/Kolkata`` is in India) says it, and failing both the company's time zone or language
does. A user in ``UTC`` with ``en`` in a company set the same way has no country: a national
phone number typed on a record of theirs with no country of its own is then refused, asking for
its +country code, instead of being read as some site-wide default country.
"""

from __future__ import annotations

from functools import cache

from babel import Locale, UnknownLocaleError
from babel.core import get_global

from sambandh.accounts.models import User
from sambandh.accounts.selectors import company_settings


@cache
def _zone_territories() -> dict[str, str]:
    territories = dict(get_global("zone_territories"))
    for alias, canonical in get_global("zone_aliases").items():
        if canonical in territories:
            territories.setdefault(alias, territories[canonical])
    return territories


def territory_of(*, language: str = "", time_zone: str = "") -> str:
    """The country a locale tag names (``en-IN`` -> IN), else the one a time zone is in."""
    if language and ("-" in language or "_" in language):
        base, _sep, rest = language.replace("-", "_").partition("_")
        try:
            territory = Locale.parse(f"{base.lower()}_{rest.upper()}").territory or ""
        except (UnknownLocaleError, ValueError):
            territory = ""
        if len(territory) == 2:
            return territory.upper()
    territory = _zone_territories().get(time_zone or "", "")
    # Babel names the zones of no country (UTC, Etc/GMT+5) "ZZ" or "001".
    return territory if len(territory) == 2 and territory.isalpha() and territory != "ZZ" else ""


def user_region(user: User | None) -> str:
    """The user's country ("" when neither they nor the company say one). Kept on the user
    object for the request, as a list shows many numbers."""
    if user is None or not getattr(user, "is_authenticated", False):
        return ""
    cached = getattr(user, "_region", None)
    if cached is None:
        cached = territory_of(language=user.language, time_zone=user.time_zone)
        if not cached:
            company = company_settings()
            cached = territory_of(language=company.language, time_zone=company.time_zone)
        user._region = cached  # type: ignore[attr-defined]
    return cached
