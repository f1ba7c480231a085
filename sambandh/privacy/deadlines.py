"""The legal deadline of a data-subject request, per regime.

- GDPR (Art. 12(3)): one month from receipt (the same day of the next month; the last day of a
  shorter month).
- CCPA (Cal. Civ. Code 1798.130): 45 days.
- LGPD (Art. 19): 15 days.
- DPDP Act (India): "as notified" by the government; the company sets the number of days
  (PrivacySettings.dpdp_days, 30 until changed).
"""

from __future__ import annotations

import calendar
import datetime

from sambandh.privacy.models import Regime

FIXED_DAYS = {Regime.CCPA: 45, Regime.LGPD: 15}

#: The regime a person's residency tag suggests when a request names none.
REGIME_FOR_RESIDENCY = {
    "eu": Regime.GDPR,
    "us-ca": Regime.CCPA,
    "br": Regime.LGPD,
    "in": Regime.DPDP,
}


def add_one_month(day: datetime.date) -> datetime.date:
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def due_on(regime: str, received: datetime.date, *, dpdp_days: int) -> datetime.date:
    if regime == Regime.GDPR:
        return add_one_month(received)
    if regime == Regime.DPDP:
        return received + datetime.timedelta(days=dpdp_days)
    return received + datetime.timedelta(days=FIXED_DAYS[Regime(regime)])


def regime_for(residency: str) -> str:
    """The regime for a residency tag; GDPR when the tag names none of the four."""
    return str(REGIME_FOR_RESIDENCY.get((residency or "").lower(), Regime.GDPR))
