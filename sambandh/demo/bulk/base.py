"""The large demo's state (random numbers, clock, the ids and owners of what it wrote so far), the
helpers every table's rows use (phones, emails, search documents, audit rows), and the staff:
users, teams and pipelines, through the services."""

from __future__ import annotations

import json
import random
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from sambandh.accounts.models import Role, User
from sambandh.core.audit import change_pairs
from sambandh.core.audit_context import current as current_audit_context
from sambandh.demo import data
from sambandh.demo.bulk.database import Database
from sambandh.demo.bulk.terms import Terms
from sambandh.demo.common import SEED, PhoneBook, make_identity
from sambandh.demo.result import write_line
from sambandh.demo.staff import (
    NEW_BUSINESS,
    RENEWALS,
    TEAMS,
    ensure_pipeline,
    ensure_team,
    ensure_user,
)
from sambandh.search.services import SearchField, document_content

REGION_CULTURES = {
    "India": ("te", "gu", "hi", "en-IN"),
    "Europe": ("es", "de", "fr", "en-GB"),
    "Americas": ("en", "pt-BR", "es-MX"),
    "Japan & Middle East": ("ja", "ar", "zh"),
}
REGION_OF_COUNTRY = {
    country: region
    for region, cultures in REGION_CULTURES.items()
    for culture in cultures
    for country in data.CULTURE_COUNTRIES[culture]
}
USER_PREFS = {
    "India": ("en", "Asia/Kolkata", "INR"),
    "Europe": ("en", "Europe/London", "EUR"),
    "Americas": ("en", "America/New_York", "USD"),
    "Japan & Middle East": ("en", "Asia/Dubai", "AED"),
}


def truthy(items: Iterable[tuple[str, Any]]) -> dict[str, Any]:
    """The pairs with a value, as the services' audit "changes" keep them."""
    return {k: v for k, v in items if v}


@dataclass
class OrgInfo:
    id: int
    name: str
    domain: str
    country: str
    owner_id: int
    created: datetime


class LargeDemoBase:
    """What every step of the large demo shares; the steps are in ``contacts``, ``sales`` and
    ``activities``."""

    def __init__(
        self,
        *,
        admin: User,
        stdout: Any,
        people: int,
        organizations: int,
        activities: int,
        deals: int,
        leads: int,
        owners: int,
        batch: int,
        seed: int = SEED,
    ) -> None:
        self.admin = admin
        self.stdout = stdout
        self.n = {
            "people": people,
            "organizations": organizations,
            "activities": activities,
            "deals": deals,
            "leads": leads,
            "owners": max(owners, 2),
        }
        self.batch = batch
        self.rng = random.Random(seed)
        self.now = timezone.now().replace(microsecond=0)
        self.audit_source = current_audit_context().source
        self.db = Database()
        self.phones = PhoneBook(check=False)
        self.terms = Terms()
        self.phone_serial: dict[str, int] = {}
        self.used_emails: set[str] = set()
        self.started = time.monotonic()
        # Per person, by index: id, owner, organization id (0: none), created time (epoch).
        self.person_ids: list[int] = []
        self.person_owner: list[int] = []
        self.person_org: list[int] = []
        self.person_created: list[float] = []
        self.person_name: list[str] = []
        self.orgs: list[OrgInfo] = []
        self.deal_rows: list[tuple[int, int, int, int, float]] = []  # id, owner, org, person, t
        self.lead_rows: list[tuple[int, int, str, float]] = []  # id, owner, name, created

    def say(self, message: str) -> None:
        write_line(self.stdout, f"[{time.monotonic() - self.started:7.1f} s] {message}")

    def phone(self, region: str, *, mobile: bool = True) -> str:
        key = f"{region}{mobile}"
        self.phone_serial[key] = self.phone_serial.get(key, 0) + 1
        return self.phones.number(region, self.phone_serial[key] * 7 + 3, mobile=mobile)

    def unique_email(self, local: str, domain: str) -> str:
        email = f"{local}@{domain}"
        n = 1
        while email in self.used_emails:
            n += 1
            email = f"{local}{n}@{domain}"
        self.used_emails.add(email)
        return email

    # --- users, teams, pipelines (through the services) ------------------------------------
    def staff(self) -> None:
        with transaction.atomic():
            top = ensure_team("Global Sales", None, self.admin)
            teams = {name: ensure_team(name, top, self.admin) for name in TEAMS}
            manager = ensure_user(
                "manager.large@example.com",
                "Asha Menon",
                Role.MANAGER,
                "en",
                "Asia/Kolkata",
                "INR",
                top,
                self.admin,
            )
            regions = list(REGION_CULTURES)
            self.reps: dict[str, list[int]] = {r: [] for r in regions}
            rng = random.Random(SEED + 1)
            for i in range(1, self.n["owners"]):
                region = regions[(i - 1) % len(regions)]
                culture = data.CULTURE_BY_KEY[
                    REGION_CULTURES[region][(i - 1) // len(regions) % len(REGION_CULTURES[region])]
                ]
                ident = make_identity(rng, culture)
                lang, tz, cur = USER_PREFS[region]
                user = ensure_user(
                    f"rep{i:02d}.large@example.com",
                    ident.full_name,
                    Role.SALES_REP,
                    lang,
                    tz,
                    cur,
                    teams[region],
                    self.admin,
                )
                self.reps[region].append(user.pk)
            self.manager_id = manager.pk
            self.pipelines = [
                ensure_pipeline("New business", NEW_BUSINESS, self.admin, True),
                ensure_pipeline("Renewals", RENEWALS, self.admin, False),
            ]
            self.stages = {
                p.pk: list(p.stages.filter(is_archived=False).order_by("position"))
                for p in self.pipelines
            }

    # --- rows ---------------------------------------------------------------------------
    def write(self, tables: dict[type[models.Model], tuple[Sequence[str], list[tuple]]]) -> None:
        with transaction.atomic():
            for model, (columns, rows) in tables.items():
                self.db.insert(model, columns, rows)

    def search_row(
        self,
        doc_id: int,
        *,
        record_type: str,
        record_id: int,
        owner_id: int,
        title: str,
        words: Sequence[str],
        fields: Sequence[SearchField],
    ) -> tuple:
        title = title[:300]
        subtitle, terms, parts = document_content(
            title, words=words, fields=fields, index_terms=self.terms.index_terms
        )
        return (
            doc_id,
            record_type,
            record_id,
            owner_id,
            title,
            subtitle,
            self.terms.title_key(title),
            terms,
            json.dumps(parts),
            self.db.ts(int(time.time())),
        )

    def audit_row(
        self,
        audit_id: int,
        at: datetime,
        actor_id: int,
        action: str,
        record_type: str,
        record_id: int,
        changes: dict[str, Any],
        summary: str = "",
    ) -> tuple:
        return (
            audit_id,
            self.db.dt(at),
            actor_id,
            action,
            record_type,
            record_id,
            # As core.audit.audit_record writes them: {field: [before, after]}, from where.
            json.dumps(change_pairs(action, changes)),
            2,
            summary[:300],
            self.audit_source,
            None,
        )
