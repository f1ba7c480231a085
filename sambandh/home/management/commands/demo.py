"""``manage.py demo --size small|large``: load demo data, with the first administrator as the
one who set it up (created, with a printed password, when there is none)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sambandh.demo.admin import demo_admin_ensure
from sambandh.demo.generate import DemoAlreadyLoaded, load_demo


class Command(BaseCommand):
    help = "Load demo data: 'small' to try Sambandh, 'large' (1M people) for benchmarks."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--size", choices=["small", "large"], default="small")
        parser.add_argument("--people", type=int, help="large only: how many people")
        parser.add_argument("--organizations", type=int, help="large only")
        parser.add_argument("--activities", type=int, help="large only")
        parser.add_argument("--deals", type=int, help="large only")

    def handle(self, *args: Any, **options: Any) -> None:
        admin, password = demo_admin_ensure()
        if password:
            self.stdout.write(f"Administrator: {admin.email}, password {password}")
        sizes = {
            k: options[k]
            for k in ("people", "organizations", "activities", "deals")
            if options.get(k) is not None
        }
        if sizes and options["size"] != "large":
            raise CommandError(
                "--people, --organizations, --activities and --deals are for --size large."
            )
        try:
            result = load_demo(options["size"], admin=admin, stdout=self.stdout, **sizes)
        except DemoAlreadyLoaded as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(result.summary())
