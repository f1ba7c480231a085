"""Exchange rates for the demo: a year of weekly euro rates, so every currency converts."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

#: Approximate euro rates of the demo's currencies (the ECB's form: 1 EUR in each).
DEMO_EUR_RATES = {
    "USD": "1.08",
    "INR": "90.2",
    "GBP": "0.85",
    "JPY": "168",
    "BRL": "5.9",
    "AED": "3.97",
    "CNY": "7.8",
    "MXN": "19.6",
}


def demo_rates_load(weeks: int = 60) -> int:
    """A rate a week for the past ``weeks`` weeks, as the ECB's feed would have given them (a
    drift of a fraction of a percent a week), so the demo's boards and sums convert every
    currency. Through the CSV import, which refreshes the deals' converted amounts."""
    from sambandh.currencies.services import rates_import_csv

    today = timezone.localdate()
    lines = ["date,base,quote,rate"]
    for week in range(weeks):
        day = today - timedelta(weeks=week)
        for code, rate in DEMO_EUR_RATES.items():
            drifted = Decimal(rate) * (1 + Decimal((week * 7 + len(code) * 3) % 11 - 5) / 1000)
            lines.append(f"{day.isoformat()},EUR,{code},{drifted:.4f}")
    return rates_import_csv(actor=None, text="\n".join(lines) + "\n")
