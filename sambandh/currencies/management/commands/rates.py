"""``sambandh rates import FILE`` and ``sambandh rates fetch``: exchange rates from the command
line. A refused file or feed exits non-zero with every reason on stderr, and writes nothing."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from sambandh.core.errors import ServiceError


class Command(BaseCommand):
    help = "Import exchange rates from a CSV file, or fetch them from the provider."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="import a date,base,quote,rate CSV file")
        imp.add_argument("file", help="the CSV file (UTF-8), or - for standard input")
        fetch = sub.add_parser("fetch", help="fetch the day's rates from RATES_PROVIDER_URL")
        fetch.add_argument("--url", default="", help="another feed address, for this run only")

    def handle(self, *args: Any, **options: Any) -> None:
        from sambandh.currencies import services

        try:
            if options["action"] == "import":
                count = services.rates_import_csv(actor=None, text=self._read(options["file"]))
                self.stdout.write(f"Imported {count} exchange rates.")
            else:
                url = options["url"] or settings.RATES_PROVIDER_URL
                if not url:
                    raise CommandError("Set RATES_PROVIDER_URL or pass --url.")
                count = services.rates_fetch(url=url)
                self.stdout.write(f"Fetched {count} exchange rates.")
        except ServiceError as exc:
            details = "\n".join(exc.fields.values())
            raise CommandError(f"{exc.message}\n{details}".strip()) from None

    def _read(self, path: str) -> str:
        import sys

        try:
            if path == "-":
                return sys.stdin.read()
            with open(path, encoding="utf-8-sig") as f:
                return f.read()
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"Cannot read {path}: {exc}") from None
