"""Rates from a CSV file (all or nothing, bad rows named by line, non-zero exit) and from an
ECB-style daily feed served by a local HTTP server (never the internet)."""

from __future__ import annotations

import datetime
import threading
from collections.abc import Iterator
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from sambandh.cli import main
from sambandh.core.models import AuditEvent
from sambandh.currencies import jobs
from sambandh.currencies.models import ExchangeRate
from sambandh.events.jobs import JobContext
from sambandh.sales.models import Deal
from tests.factories import make_deal

pytestmark = pytest.mark.django_db

GOOD = "date,base,quote,rate\n2026-06-30,USD,INR,83.25\n2026-06-30,EUR,USD,1.0823\n"
BAD = (
    "date,base,quote,rate\n"
    "2026-06-30,USD,INR,83.25\n"
    "2026-06-31,USD,INR,83.30\n"
    "2026-07-01,USD,XYZ,1\n"
    "2026-07-01,USD,INR,0\n"
    "2026-07-01,USD,USD,1\n"
)
FEED = b"""<?xml version="1.0" encoding="UTF-8"?>
<gesmes:Envelope xmlns:gesmes="http://www.gesmes.org/xml/2002-08-01"
    xmlns="http://www.ecb.int/vocabulary/2002-08-01/eurofxref">
  <gesmes:subject>Reference rates</gesmes:subject>
  <gesmes:Sender><gesmes:name>European Central Bank</gesmes:name></gesmes:Sender>
  <Cube>
    <Cube time="2026-06-30">
      <Cube currency="USD" rate="1.0823"/>
      <Cube currency="JPY" rate="174.12"/>
      <Cube currency="INR" rate="90.1015"/>
    </Cube>
  </Cube>
</gesmes:Envelope>
"""


def rates() -> list[tuple[str, str, str, Decimal, str]]:
    return [
        (r.date.isoformat(), r.base, r.quote, r.rate, r.source)
        for r in ExchangeRate.objects.order_by("date", "base", "quote")
    ]


def test_a_good_file_is_imported(tmp_path, capsys):
    path = tmp_path / "rates.csv"
    path.write_text(GOOD, encoding="utf-8")

    call_command("rates", "import", str(path))

    assert rates() == [
        ("2026-06-30", "EUR", "USD", Decimal("1.0823"), "csv"),
        ("2026-06-30", "USD", "INR", Decimal("83.25"), "csv"),
    ]
    assert "Imported 2 exchange rates." in capsys.readouterr().out
    assert AuditEvent.objects.filter(record_type="exchange_rate", action="import").count() == 1


def test_a_file_with_bad_rows_is_refused_whole_naming_each_line(tmp_path):
    path = tmp_path / "rates.csv"
    path.write_text(BAD, encoding="utf-8")

    with pytest.raises(CommandError) as refused:
        call_command("rates", "import", str(path))

    assert str(refused.value).splitlines() == [
        "The file was not imported: 4 bad rows.",
        "Line 3: date: Enter a date as YYYY-MM-DD.",
        "Line 4: quote: “XYZ” is not an ISO 4217 currency code.",
        "Line 5: rate: A rate must be greater than zero.",
        "Line 6: quote: The quote currency must differ from the base currency.",
    ]
    assert rates() == []  # not even the good line 2


def test_the_sambandh_command_exits_non_zero_on_a_bad_file(tmp_path, capsys):
    path = tmp_path / "rates.csv"
    path.write_text("day,from,to,rate\n2026-06-30,USD,INR,83\n", encoding="utf-8")

    with pytest.raises(SystemExit) as exited:
        main(["rates", "import", str(path)])

    # (Django's command runner closes the test's connection on the way out: nothing written
    # is proved by the test above)
    assert exited.value.code == 1
    assert "Line 1: the header must be date,base,quote,rate." in capsys.readouterr().err


class _Feed(BaseHTTPRequestHandler):
    body = FEED
    status = 200

    def do_GET(self) -> None:  # noqa: N802 - the http.server API
        self.send_response(self.status)
        self.send_header("Content-Type", "application/xml")
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def feed_server(settings: Any) -> Iterator[tuple[str, type[_Feed]]]:
    """A local http.server answering the feed; the test may change what it answers. The
    outbound guard refuses loopback unless a setting allows it: this test allows it."""
    settings.OUTBOUND_ALLOW_HOSTS = ["127.0.0.1"]
    handler = type("Feed", (_Feed,), {})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/eurofxref-daily.xml", handler
    finally:
        server.shutdown()
        server.server_close()


def test_rates_fetch_reads_the_daily_feed(feed_server, settings, owner, pipeline, capsys):
    url, _handler = feed_server
    settings.RATES_PROVIDER_URL = url
    # a EUR deal of the company (USD) waits for a rate to be converted
    deal = make_deal(
        owner, pipeline, amount="100", currency="EUR", expected_close_date=datetime.date(2026, 7, 1)
    )
    assert deal.amount_reporting is None

    call_command("rates", "fetch")

    assert rates() == [
        ("2026-06-30", "EUR", "INR", Decimal("90.1015"), "provider"),
        ("2026-06-30", "EUR", "JPY", Decimal("174.12"), "provider"),
        ("2026-06-30", "EUR", "USD", Decimal("1.0823"), "provider"),
    ]
    assert "Fetched 3 exchange rates." in capsys.readouterr().out
    # and the deal's stored amount in the company currency followed the new rates
    assert Deal.objects.get(pk=deal.pk).amount_reporting == Decimal("108.23")


def test_the_scheduled_job_fetches_from_the_setting(feed_server, settings):
    url, _handler = feed_server
    settings.RATES_PROVIDER_URL = url
    now = datetime.datetime(2026, 6, 30, 17, tzinfo=datetime.UTC)

    result = jobs.fetch_rates(JobContext(slot=now, now=now))

    assert result == "3 rates"
    assert ExchangeRate.objects.count() == 3


def test_a_broken_feed_is_refused_and_nothing_written(feed_server):
    url, handler = feed_server
    handler.body = b"<Cube><Cube time='2026-06-30'><Cube currency='USD' rate='-1'/></Cube></Cube>"

    with pytest.raises(CommandError) as refused:
        call_command("rates", "fetch", "--url", url)
    handler.body = b"<html>maintenance</html"
    with pytest.raises(CommandError) as not_xml:
        call_command("rates", "fetch", "--url", url)

    assert str(refused.value) == (
        "The exchange rate feed has a bad rate (rate: A rate must be greater than zero.)."
    )
    assert str(not_xml.value) == "The exchange rate feed is not valid XML."
    assert rates() == []


def test_an_unreachable_provider_is_a_clear_error(feed_server):
    url, handler = feed_server
    handler.status = 503
    handler.body = b"down"

    with pytest.raises(CommandError) as refused:
        call_command("rates", "fetch", "--url", url)

    assert str(refused.value).startswith("The exchange rate provider could not be read:")
    assert rates() == []


def test_the_provider_goes_through_the_outbound_guard(feed_server, settings):
    """Without the allow setting, the same local server is refused before any request."""
    url, handler = feed_server
    settings.OUTBOUND_ALLOW_HOSTS = []

    with pytest.raises(CommandError) as refused:
        call_command("rates", "fetch", "--url", url)

    assert str(refused.value) == (
        "The exchange rate provider could not be read: "
        "The address 127.0.0.1 is not reachable from here (a loopback address)."
    )
    assert rates() == []


def test_a_redirect_to_the_metadata_address_is_refused(feed_server):
    url, handler = feed_server
    handler.status = 302
    handler.body = b""

    def redirect(self: Any) -> None:
        self.send_response(302)
        self.send_header("Location", "http://169.254.169.254/latest/meta-data/")
        self.end_headers()

    handler.do_GET = redirect  # type: ignore[method-assign]

    with pytest.raises(CommandError) as refused:
        call_command("rates", "fetch", "--url", url)

    assert str(refused.value) == (
        "The exchange rate provider could not be read: "
        "The address 169.254.169.254 is not reachable from here (a cloud metadata address)."
    )


def test_a_feed_larger_than_the_cap_is_refused(feed_server, monkeypatch):
    url, handler = feed_server
    from sambandh.currencies import provider

    monkeypatch.setattr(provider, "MAX_FEED_BYTES", 100)

    with pytest.raises(CommandError) as refused:
        call_command("rates", "fetch", "--url", url)

    assert str(refused.value) == "The exchange rate feed is too large."
    assert rates() == []
