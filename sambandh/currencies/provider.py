"""The pluggable rate provider: a feed in the ECB's ``eurofxref-daily.xml`` format at the URL of
the ``RATES_PROVIDER_URL`` setting (the ECB's own, or any service that writes the same format).

    <gesmes:Envelope ...><Cube><Cube time="2026-06-30">
      <Cube currency="USD" rate="1.0823"/> ...

Each ``Cube`` with a currency is one rate from the feed's base (EUR, or the ``base`` attribute
some mirrors add) on the ``time`` of its parent.
"""

from __future__ import annotations

from xml.etree import ElementTree

from django.utils.translation import gettext as _

from sambandh.core import outbound
from sambandh.core.errors import ValidationFailed
from sambandh.currencies.services import ProviderError, RateIn, clean_rate_input

#: A daily feed is a few kilobytes; anything far larger is not one.
MAX_FEED_BYTES = 2_000_000
TIMEOUT_SECONDS = 20


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def parse_feed(data: bytes) -> list[RateIn]:
    try:
        # The feed is XML from a configured provider; expat (3.13's) refuses entity expansion
        # bombs and never reads external entities.
        root = ElementTree.fromstring(data)  # noqa: S314
    except ElementTree.ParseError:
        raise ProviderError(_("The exchange rate feed is not valid XML.")) from None
    rates: list[RateIn] = []
    for day in root.iter():
        if _local(day.tag) != "Cube" or "time" not in day.attrib:
            continue
        base = day.attrib.get("base", "EUR")
        for cube in day:
            if _local(cube.tag) != "Cube" or "currency" not in cube.attrib:
                continue
            try:
                rates.append(
                    clean_rate_input(
                        base=base,
                        quote=cube.attrib["currency"],
                        rate=cube.attrib.get("rate", ""),
                        date=day.attrib["time"],
                    )
                )
            except ValidationFailed as exc:
                detail = "; ".join(f"{k}: {v}" for k, v in exc.fields.items())
                raise ProviderError(
                    _("The exchange rate feed has a bad rate (%(detail)s).") % {"detail": detail}
                ) from None
    if not rates:
        raise ProviderError(_("The exchange rate feed has no rates."))
    return rates


def fetch_rates(url: str) -> list[RateIn]:
    if not url.startswith(("http://", "https://")):
        raise ProviderError(_("Set RATES_PROVIDER_URL to an http or https address."))
    # Through the outbound guard: the URL is a setting, but a feed's redirect is not.
    try:
        response = outbound.fetch(url, timeout=TIMEOUT_SECONDS, max_bytes=MAX_FEED_BYTES)
    except outbound.OutboundTooLarge:
        raise ProviderError(_("The exchange rate feed is too large.")) from None
    except outbound.OutboundRefused as exc:
        raise ProviderError(
            _("The exchange rate provider could not be read: %(reason)s") % {"reason": exc}
        ) from None
    if response.status != 200:
        raise ProviderError(
            _("The exchange rate provider could not be read: %(reason)s")
            % {"reason": _("HTTP status %(status)d") % {"status": response.status}}
        )
    return parse_feed(response.body)
