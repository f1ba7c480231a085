"""The small demo's state (its random numbers, clock, users and the records made so far), the
helpers every step uses, and its first step: the staff, teams and pipelines."""

from __future__ import annotations

import random
from datetime import datetime
from typing import Any

from django.utils import timezone

from sambandh.accounts.models import Role, User
from sambandh.accounts.visibility import can_see_owner
from sambandh.contacts.models import Organization, Person
from sambandh.demo.common import SEED, PhoneBook
from sambandh.demo.small.cast import MANAGER, REPS
from sambandh.demo.staff import (
    NEW_BUSINESS,
    RENEWALS,
    TEAMS,
    ensure_pipeline,
    ensure_team,
    ensure_user,
)
from sambandh.sales.models import Deal, Lead


class SmallDemoBase:
    """What every step of the small demo shares; the steps are in ``records`` and ``activities``."""

    def __init__(self, admin: User, stdout: Any) -> None:
        self.admin = admin
        self.stdout = stdout
        self.rng = random.Random(SEED)
        self.now = timezone.now().replace(microsecond=0)
        self.phones = PhoneBook(check=True)
        self.phone_serial = 0
        self.used_emails: set[str] = set()
        self.used_org_names: set[str] = set()
        self.users: dict[str, User] = {}
        self.orgs: list[Organization] = []
        self.people: list[Person] = []
        self.people_by_org: dict[int, list[Person]] = {}
        self.deals: list[Deal] = []
        self.leads: list[Lead] = []
        self.created_at: dict[tuple[str, int], datetime] = {}

    # --- helpers -------------------------------------------------------------------
    def user(self, email: str) -> User:
        return self.users[email]

    def next_phone(self, region: str, mobile: bool = True) -> str:
        self.phone_serial += 1
        n = (self.phone_serial * 7919 + self.rng.randrange(1000)) % 1_000_000
        return self.phones.number(region, n, mobile=mobile)

    def unique_email(self, local: str, domain: str) -> str:
        email = f"{local}@{domain}"
        n = 1
        while email in self.used_emails:
            n += 1
            email = f"{local}{n}@{domain}"
        self.used_emails.add(email)
        return email

    def actor_for(self, owner: User, *records: Any) -> User:
        """The owner writes what they can see; the admin writes what links across owners."""
        if all(r is None or can_see_owner(owner, r.owner_id) for r in records):
            return owner
        return self.admin

    # --- steps ---------------------------------------------------------------------
    def staff(self) -> None:
        top = ensure_team("Global Sales", None, self.admin)
        teams = {name: ensure_team(name, top, self.admin) for name in TEAMS}
        email, name, lang, tz, cur = MANAGER
        self.users[email] = ensure_user(email, name, Role.MANAGER, lang, tz, cur, top, self.admin)
        for email, name, lang, tz, cur, team, _cultures in REPS:
            self.users[email] = ensure_user(
                email, name, Role.SALES_REP, lang, tz, cur, teams[team], self.admin
            )
        self.rep_for_culture = {c: self.users[r[0]] for r in REPS for c in r[6]}
        self.users_by_pk = {u.pk: u for u in [*self.users.values(), self.admin]}
        self.new_business = ensure_pipeline("New business", NEW_BUSINESS, self.admin, True)
        self.renewals = ensure_pipeline("Renewals", RENEWALS, self.admin, False)
