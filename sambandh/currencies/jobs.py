"""The daily fetch of exchange rates from the configured provider (none when it is not set)."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext_lazy

from sambandh.events.jobs import JobContext, scheduled_job


# The ECB publishes around 16:00 CET; 17:00 UTC has the day's rates in winter and summer.
@scheduled_job(
    "currencies.fetch_rates",
    every="daily",
    at="17:00",
    label=gettext_lazy("Fetch exchange rates"),
)
def fetch_rates(context: JobContext) -> str:
    from sambandh.currencies.services import rates_fetch

    url = settings.RATES_PROVIDER_URL
    if not url:
        return "RATES_PROVIDER_URL is not set"
    return f"{rates_fetch(url=url)} rates"
