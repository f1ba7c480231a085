"""``manage.py demo --size small|large``: load demo data, with the first administrator as the
one who set it up (created, with a printed password, when there is none)."""

from __future__ import annotations

import secrets
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sambandh.accounts.models import Role, User
from sambandh.accounts.services import user_create
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
        admin = User.objects.filter(role=Role.ADMIN, is_active=True).order_by("id").first()
        if admin is None:
            password = secrets.token_urlsafe(12)
            admin = user_create(
                email="admin@example.com",
                role=Role.ADMIN,
                password=password,
                full_name="Admin",
                time_zone="Asia/Kolkata",
                currency="INR",
            )
            self.stdout.write(f"Created the administrator {admin.email} with password {password}")
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
