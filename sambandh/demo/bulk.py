"""The large demo data set for benchmarks: 1M people, 50k organizations, 10M activities.

Per-record services would take days at this size, so this writes the rows they would write
(records, contact points, affiliations, stage changes, audit events and search documents) in bulk:
PostgreSQL COPY, or SQLite executemany, in batches, each batch one transaction. Users, teams and
pipelines still go through the services. Indexes and triggers on the loaded tables are dropped
first and re-created at the end (faster than keeping them up to date row by row), the SQLite
full-text index is rebuilt, and ANALYZE runs last.

Where the services' logic is replicated rather than called (audit "changes", search words, phone
digit forms) it says so; tests/test_demo.py checks each against the real services at a tiny scale.
Search terms are computed as ``search.text`` does (with a cache: see ``Terms``), and the tests
compare every document with what ``search.services.search_document_build`` makes.
"""

from __future__ import annotations

import json
import random
import re
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from json.encoder import encode_basestring_ascii as json_string  # type: ignore[attr-defined]
from typing import Any

from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils import timezone

from sambandh.accounts.models import Role, User
from sambandh.activities.models import Activity
from sambandh.contacts.models import (
    Affiliation,
    EmailAddress,
    Organization,
    Person,
    PhoneNumber,
    PostalAddress,
)
from sambandh.contacts.residency import residency_for_country
from sambandh.contacts.services import organization_search_fields, person_search_fields
from sambandh.core.audit import change_pairs
from sambandh.core.audit_context import current as current_audit_context
from sambandh.core.cleaning import clean_amount
from sambandh.core.models import AuditEvent
from sambandh.demo import data
from sambandh.demo.common import (
    SEED,
    PhoneBook,
    amount_for,
    ascii_slug,
    company_name,
    email_local,
    make_identity,
    spread_times,
    weighted_counts,
)
from sambandh.demo.generate import (
    NEW_BUSINESS,
    RENEWALS,
    TEAMS,
    DemoResult,
    _say,
    ensure_pipeline,
    ensure_team,
    ensure_user,
)
from sambandh.sales.models import Deal, Lead, Pipeline, Stage, StageChange
from sambandh.sales.services import deal_search_fields, lead_search_fields
from sambandh.search import text as search_text
from sambandh.search.models import SearchDocument, SearchPhone, SearchText
from sambandh.search.services import SearchField, document_content, email_words

LARGE = {
    "people": 1_000_000,
    "organizations": 50_000,
    "activities": 10_000_000,
    "deals": 20_000,
    "leads": 10_000,
    "owners": 20,
    "batch": 50_000,
}

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
LOADED_MODELS: tuple[type[models.Model], ...] = (
    Organization,
    Person,
    EmailAddress,
    PhoneNumber,
    PostalAddress,
    Affiliation,
    SearchDocument,
    SearchText,
    SearchPhone,
    AuditEvent,
    Deal,
    Deal.people.through,
    StageChange,
    Lead,
    Activity,
)


def _truthy(items: Iterable[tuple[str, Any]]) -> dict[str, Any]:
    return {k: v for k, v in items if v}


@dataclass
class OrgInfo:
    id: int
    name: str
    domain: str
    country: str
    owner_id: int
    created: datetime


class Database:
    """Bulk writes and index handling for PostgreSQL or SQLite, on Django's connection."""

    def __init__(self) -> None:
        connection.ensure_connection()
        self.vendor = connection.vendor
        self.postgres = self.vendor == "postgresql"
        self._ts_format = "%Y-%m-%d %H:%M:%S" + ("+00" if self.postgres else "")
        self.saved: list[str] = []

    @property
    def raw(self) -> Any:
        return connection.connection

    def dt(self, value: datetime | None) -> Any:
        """A datetime as Django stores it (SQLite: naive UTC text; PostgreSQL: timestamptz)."""
        if value is None or self.postgres:
            return value
        text = value.isoformat(" ")
        if text.endswith("+00:00"):
            return text[:-6]
        return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ")

    def ts(self, epoch: int) -> str:
        """Whole seconds since the epoch as the text either database reads as that UTC time."""
        return time.strftime(self._ts_format, time.gmtime(epoch))

    def day(self, value: date | None) -> Any:
        return value if value is None or self.postgres else value.isoformat()

    def decimal(self, value: Any) -> Any:
        return value if self.postgres else str(value)

    def next_id(self, model: type[models.Model]) -> int:
        with connection.cursor() as cur:
            cur.execute(f"SELECT COALESCE(MAX(id), 0) FROM {model._meta.db_table}")  # noqa: S608
            return int(cur.fetchone()[0]) + 1

    def insert(
        self, model: type[models.Model], columns: Sequence[str], rows: Sequence[tuple]
    ) -> None:
        if not rows:
            return
        table = model._meta.db_table
        names = ", ".join(columns)
        if self.postgres:
            with self.raw.cursor() as cur, cur.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join("?" * len(columns))
            self.raw.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)  # noqa: S608

    def begin_load(self) -> None:
        """Drop the secondary indexes and triggers of the loaded tables, keeping their SQL."""
        with connection.cursor() as cur:
            if self.postgres and connection.in_atomic_block:
                # Inside an outer transaction (tests), deferred foreign-key checks still queued
                # would forbid index changes on their tables: run them now.
                cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for model in LOADED_MODELS:
                table = model._meta.db_table
                if self.postgres:
                    cur.execute(
                        "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = "
                        "current_schema() AND tablename = %s AND indexname NOT IN ("
                        "SELECT c.relname FROM pg_constraint k JOIN pg_class c ON c.oid = "
                        "k.conindid WHERE k.conrelid = %s::regclass)",
                        [table, table],
                    )
                    for name, sql in cur.fetchall():
                        self.saved.append(sql)
                        cur.execute(f'DROP INDEX "{name}"')
                else:
                    cur.execute(
                        "SELECT type, name, sql FROM sqlite_master WHERE tbl_name = %s "
                        "AND type IN ('index', 'trigger') AND sql IS NOT NULL",
                        [table],
                    )
                    for kind, name, sql in cur.fetchall():
                        self.saved.append(sql)
                        cur.execute(f'DROP {kind.upper()} "{name}"')
        if self.postgres:
            with connection.cursor() as cur:
                # Foreign keys are checked row by row otherwise; the rows written here are
                # consistent by construction (and the small-scale test checks them).
                cur.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
                if cur.fetchone()[0]:
                    cur.execute("SET session_replication_role = replica")
                cur.execute("SET synchronous_commit = off")
        else:
            if not connection.in_atomic_block:  # (these pragmas cannot change inside one)
                self.raw.execute("PRAGMA foreign_keys = OFF")
                self.raw.execute("PRAGMA synchronous = OFF")
                self.raw.execute("PRAGMA temp_store = MEMORY")
            self.raw.execute("PRAGMA cache_size = -1000000")

    def end_load(self, say: Callable[[str], None]) -> None:
        """Re-create what ``begin_load`` dropped, rebuild the full-text index, reset sequences."""
        with connection.cursor() as cur:
            if self.postgres:
                cur.execute("SET session_replication_role = DEFAULT")
                if connection.in_atomic_block:
                    cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cur.execute("SET maintenance_work_mem = '1GB'")
                cur.execute("SET max_parallel_maintenance_workers = 1")
                # The documents' words table (search migration 0007) is filled by triggers,
                # which the load turned off: its rows are copied here, before its indexes.
                started = time.monotonic()
                cur.execute(
                    "INSERT INTO search_searchtext (document_id, title, subtitle, terms) "
                    "SELECT d.id, d.title, d.subtitle, d.terms FROM search_searchdocument d "
                    "WHERE NOT EXISTS (SELECT 1 FROM search_searchtext t "
                    "WHERE t.document_id = d.id)"
                )
                say(
                    f"    copied the words of search documents ({time.monotonic() - started:.0f} s)"
                )
                # Their phone tokens likewise (search migration 0008).
                started = time.monotonic()
                cur.execute(
                    "INSERT INTO search_searchphone (document_id, token) "
                    "SELECT DISTINCT d.id, t.token FROM search_searchdocument d, "
                    r"regexp_split_to_table(d.terms, '\s+') AS t(token) "
                    "WHERE token ~ '^r?[0-9]{5,}$' AND NOT EXISTS "
                    "(SELECT 1 FROM search_searchphone p WHERE p.document_id = d.id)"
                )
                say(f"    copied the phone tokens ({time.monotonic() - started:.0f} s)")
            # Indexes first, triggers last (SQLite), so the triggers do not fire on rebuilds.
            for sql in sorted(self.saved, key=lambda s: "TRIGGER" in s.upper()[:30]):
                started = time.monotonic()
                cur.execute(sql)
                say(f"    {sql.split('(')[0].strip()[:90]} ({time.monotonic() - started:.0f} s)")
            self.saved = []
            if self.postgres:
                for sql in connection.ops.sequence_reset_sql(no_style(), list(LOADED_MODELS)):
                    cur.execute(sql)
            else:
                if not connection.in_atomic_block:
                    self.raw.execute("PRAGMA foreign_keys = ON")
                cur.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table' AND "
                    "sql LIKE 'CREATE VIRTUAL TABLE%%fts5%%'"
                )
                for (name,) in cur.fetchall():
                    started = time.monotonic()
                    cur.execute(f"INSERT INTO {name}({name}) VALUES ('rebuild')")  # noqa: S608
                    say(
                        f"    rebuilt the full-text index {name} "
                        f"({time.monotonic() - started:.0f} s)"
                    )

    def analyze(self) -> None:
        with connection.cursor() as cur:
            if not self.postgres:
                # Sampled statistics: a full ANALYZE reads every index of a multi-GB file.
                cur.execute("PRAGMA analysis_limit = 2000")
            cur.execute("ANALYZE")


class LargeDemo:
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
        _say(self.stdout, f"[{time.monotonic() - self.started:7.1f} s] {message}")

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

    def organizations(self) -> None:
        db, rng = self.db, self.rng
        total = self.n["organizations"]
        countries = data.COUNTRIES
        counts = weighted_counts(total, [c.org_weight for c in countries])
        plan = [c for c, k in zip(countries, counts, strict=True) for _ in range(k)]
        rng.shuffle(plan)
        ids = {
            m: db.next_id(m)
            for m in (
                Organization,
                EmailAddress,
                PhoneNumber,
                PostalAddress,
                SearchDocument,
                AuditEvent,
            )
        }
        used_names: set[str] = set()
        for start in range(0, total, self.batch):
            orgs, emails, phones, addresses, docs, audits = [], [], [], [], [], []
            for country in plan[start : start + self.batch]:
                name, domain, industry = company_name(rng, country)
                city = rng.choice(country.cities)
                n = 1
                base_name, base_domain = name, domain
                while name in used_names:
                    n += 1
                    qualifier = city.name if n == 2 else f"{city.name} {n}"
                    name = f"{base_name} ({qualifier})"
                    slug = ascii_slug(city.name) or "city"
                    stem, tld = base_domain.split(".", 1)
                    domain = f"{stem}-{slug}{'' if n == 2 else n}.{tld}"
                used_names.add(name)
                region = REGION_OF_COUNTRY[country.code]
                owner_id = rng.choice(self.reps[region])
                created = self.now - timedelta(days=rng.uniform(400, 1300))
                oid = ids[Organization]
                ids[Organization] += 1
                size = rng.choice(data.SIZES)
                website = f"https://www.{domain}"
                orgs.append(
                    (
                        oid,
                        db.dt(created),
                        db.dt(created),
                        owner_id,
                        1,
                        "{}",
                        name,
                        domain,
                        website,
                        industry,
                        size,
                        "",
                        None,
                        country.code,
                        country.currency,
                        "",
                        residency_for_country(country.code),
                    )
                )
                email = self.unique_email(rng.choice(["info", "sales", "contact"]), domain)
                phone = self.phone(country.code, mobile=False)
                emails.append(
                    (
                        ids[EmailAddress],
                        db.dt(created),
                        db.dt(created),
                        "main",
                        True,
                        None,
                        oid,
                        email,
                    )
                )
                ids[EmailAddress] += 1
                phones.append(
                    (
                        ids[PhoneNumber],
                        db.dt(created),
                        db.dt(created),
                        "office",
                        True,
                        None,
                        oid,
                        phone,
                        "",
                    )
                )
                ids[PhoneNumber] += 1
                addresses.append(
                    (
                        ids[PostalAddress],
                        db.dt(created),
                        db.dt(created),
                        "head office",
                        True,
                        None,
                        oid,
                        rng.choice(city.streets),
                        city.name,
                        city.region,
                        city.postal_code,
                        country.code,
                    )
                )
                ids[PostalAddress] += 1
                # As contacts.services.organization_reindex.
                docs.append(
                    self.search_row(
                        ids[SearchDocument],
                        record_type="organization",
                        record_id=oid,
                        owner_id=owner_id,
                        title=name,
                        words=[name],
                        fields=organization_search_fields(
                            domain=domain,
                            industry=industry,
                            email_words=email_words(email),
                            phone_words=self.phones.digit_forms(country.code, phone, mobile=False),
                        ),
                    )
                )
                ids[SearchDocument] += 1
                # As contacts.services.organization_create's audit "changes".
                changes = _truthy(
                    [
                        ("name", name),
                        ("industry", industry),
                        ("domain", domain),
                        ("website", website),
                        ("size", size),
                        ("country", country.code),
                        ("currency", country.currency),
                        ("owner", owner_id),
                    ]
                )
                audits.append(
                    self.audit_row(
                        ids[AuditEvent],
                        created,
                        owner_id,
                        "create",
                        "organization",
                        oid,
                        changes,
                        name,
                    )
                )
                ids[AuditEvent] += 1
                self.orgs.append(OrgInfo(oid, name, domain, country.code, owner_id, created))
            self.write(
                {
                    Organization: (ORG_COLUMNS, orgs),
                    EmailAddress: (EMAIL_COLUMNS, emails),
                    PhoneNumber: (PHONE_COLUMNS, phones),
                    PostalAddress: (ADDRESS_COLUMNS, addresses),
                    SearchDocument: (SEARCH_COLUMNS, docs),
                    AuditEvent: (AUDIT_COLUMNS, audits),
                }
            )
            self.say(f"organizations {min(start + self.batch, total):,}/{total:,}")

    def people(self) -> None:
        db, rng = self.db, self.rng
        total = self.n["people"]
        counts = weighted_counts(total, [c.weight for c in data.CULTURES])
        plan = [c for c, k in zip(data.CULTURES, counts, strict=True) for _ in range(k)]
        rng.shuffle(plan)
        orgs_by_country: dict[str, list[OrgInfo]] = {}
        for known in self.orgs:
            orgs_by_country.setdefault(known.country, []).append(known)
        ids = {
            m: db.next_id(m)
            for m in (
                Person,
                EmailAddress,
                PhoneNumber,
                PostalAddress,
                Affiliation,
                SearchDocument,
                AuditEvent,
            )
        }
        for start in range(0, total, self.batch):
            people, emails, phones, links, docs, audits = [], [], [], [], [], []
            addresses: list[tuple[Any, ...]] = []
            for culture in plan[start : start + self.batch]:
                country = rng.choice(data.CULTURE_COUNTRIES[culture.key])
                region = REGION_OF_COUNTRY[country]
                choices = orgs_by_country.get(country)
                org: OrgInfo | None = (
                    rng.choice(choices) if choices and rng.random() < 0.9 else None
                )
                owner_id = (
                    org.owner_id if org and rng.random() < 0.9 else rng.choice(self.reps[region])
                )
                ident = make_identity(rng, culture)
                if rng.random() < 0.8:
                    created = self.now - timedelta(seconds=int(rng.uniform(380, 900) * 86400))
                else:
                    created = self.now - timedelta(seconds=int(rng.random() ** 1.3 * 360 * 86400))
                pid = ids[Person]
                ids[Person] += 1
                ts = db.dt(created)
                person_emails: list[tuple[str, str]] = []
                if org is not None:
                    person_emails.append(
                        (self.unique_email(email_local(rng, ident), org.domain), "work")
                    )
                if org is None or rng.random() < 0.35:
                    person_emails.append(
                        (
                            self.unique_email(
                                email_local(rng, ident) + str(rng.randrange(10, 99)),
                                rng.choice(culture.personal_domains),
                            ),
                            "personal",
                        )
                    )
                person_phones = [(self.phone(country), "mobile", True)]
                if org is not None and rng.random() < 0.3:
                    person_phones.append((self.phone(country, mobile=False), "work", False))
                for i, (email, label) in enumerate(person_emails):
                    emails.append((ids[EmailAddress], ts, ts, label, i == 0, pid, None, email))
                    ids[EmailAddress] += 1
                for i, (phone, label, _mobile) in enumerate(person_phones):
                    phones.append((ids[PhoneNumber], ts, ts, label, i == 0, pid, None, phone, ""))
                    ids[PhoneNumber] += 1
                first_address = len(addresses)
                if rng.random() < 0.6:
                    city = rng.choice(data.COUNTRY_BY_CODE[country].cities)
                    addresses.append(
                        (
                            ids[PostalAddress],
                            ts,
                            ts,
                            "work" if org else "home",
                            True,
                            pid,
                            None,
                            rng.choice(city.streets),
                            city.name,
                            city.region,
                            city.postal_code,
                            country,
                        )
                    )
                    ids[PostalAddress] += 1
                job_title = rng.choice(culture.titles) if org is not None else ""
                source = rng.choice(data.PERSON_SOURCES)
                tz = rng.choice(culture.time_zones)
                email, phone = person_emails[0][0], person_phones[0][0]
                org_id = org.id if org else None
                people.append(
                    (
                        pid,
                        ts,
                        ts,
                        owner_id,
                        1,
                        "{}",
                        "",  # honorific
                        ident.given,
                        ident.family,
                        ident.full_name,
                        job_title,
                        None,  # birth_date
                        email,
                        phone,
                        org_id,
                        culture.language,
                        tz,
                        culture.currency,
                        country,
                        source,
                        residency_for_country(country),
                        "",
                        # As contacts.cards: the API's lists, primary first.
                        json.dumps(
                            {
                                "emails": [
                                    {"email": address, "label": label, "is_primary": i == 0}
                                    for i, (address, label) in enumerate(person_emails)
                                ],
                                "phones": [
                                    {"number": number, "label": label, "is_primary": i == 0}
                                    for i, (number, label, _mobile) in enumerate(person_phones)
                                ],
                                "addresses": [
                                    {
                                        "street": row[7],
                                        "city": row[8],
                                        "region": row[9],
                                        "postal_code": row[10],
                                        "country": row[11],
                                        "label": row[3],
                                        "is_primary": row[4],
                                    }
                                    for row in addresses[first_address:]
                                ],
                            }
                        ),
                        "[]",
                    )
                )
                if org is not None:
                    # As contacts.services._sync_primary_affiliation on create.
                    links.append(
                        (
                            ids[Affiliation],
                            pid,
                            org.id,
                            job_title,
                            "",
                            True,
                            db.day(created.date()),
                            None,
                            ts,
                        )
                    )
                    ids[Affiliation] += 1
                org_name = org.name if org else ""
                # As contacts.services.person_reindex.
                mail_words: list[str] = []
                for address, _label in person_emails:
                    mail_words += email_words(address)
                phone_words: list[str] = []
                for number, _label, mobile in person_phones:
                    phone_words += self.phones.digit_forms(country, number, mobile=mobile)
                docs.append(
                    self.search_row(
                        ids[SearchDocument],
                        record_type="person",
                        record_id=pid,
                        owner_id=owner_id,
                        title=ident.full_name,
                        words=[ident.full_name, ident.given, ident.family],
                        fields=person_search_fields(
                            job_title=job_title,
                            organization=(org.id if org else None, org_name),
                            email=email,
                            email_words=mail_words,
                            phone_words=phone_words,
                        ),
                    )
                )
                ids[SearchDocument] += 1
                # As contacts.services.person_create's audit "changes" (in _clean_person order).
                changes = _truthy(
                    [
                        ("given_name", ident.given),
                        ("family_name", ident.family),
                        ("job_title", job_title),
                        ("source", source),
                        ("full_name", ident.full_name),
                        ("preferred_language", culture.language),
                        ("time_zone", tz),
                        ("currency", culture.currency),
                        ("country", country),
                        ("owner", owner_id),
                        ("organization", org_id),
                        ("email", email),
                        ("phone", phone),
                    ]
                )
                audits.append(
                    self.audit_row(
                        ids[AuditEvent],
                        created,
                        owner_id,
                        "create",
                        "person",
                        pid,
                        changes,
                        ident.full_name,
                    )
                )
                ids[AuditEvent] += 1
                self.person_ids.append(pid)
                self.person_owner.append(owner_id)
                self.person_org.append(org_id or 0)
                self.person_created.append(created.timestamp())
                self.person_name.append(ident.full_name)
            self.write(
                {
                    Person: (PERSON_COLUMNS, people),
                    EmailAddress: (EMAIL_COLUMNS, emails),
                    PhoneNumber: (PHONE_COLUMNS, phones),
                    PostalAddress: (ADDRESS_COLUMNS, addresses),
                    Affiliation: (AFFILIATION_COLUMNS, links),
                    SearchDocument: (SEARCH_COLUMNS, docs),
                    AuditEvent: (AUDIT_COLUMNS, audits),
                }
            )
            self.say(f"people {min(start + self.batch, total):,}/{total:,}")
        self.used_emails.clear()

    def deal_path(self, stages: list[Stage]) -> list[Stage]:
        rng = self.rng
        open_stages = [s for s in stages if s.kind == Stage.Kind.OPEN]
        won = next(s for s in stages if s.kind == Stage.Kind.WON)
        lost = next(s for s in stages if s.kind == Stage.Kind.LOST)
        roll = rng.random()
        if roll < 0.27:
            return [*open_stages, won]
        if roll < 0.45:
            return [*open_stages[: rng.randrange(1, len(open_stages) + 1)], lost]
        return open_stages[: rng.randrange(1, len(open_stages) + 1)]

    def deals(self) -> None:
        db, rng = self.db, self.rng
        total = self.n["deals"]
        people_by_org: dict[int, list[int]] = {}
        for i, org_id in enumerate(self.person_org):
            if org_id and len(people_by_org.setdefault(org_id, [])) < 8:
                people_by_org[org_id].append(i)
        ids = {
            m: db.next_id(m)
            for m in (Deal, Deal.people.through, StageChange, SearchDocument, AuditEvent)
        }
        from sambandh.currencies.selectors import company_currency as company

        company_currency = company()
        for start in range(0, total, self.batch):
            deals, links, changes_rows, docs, audits = [], [], [], [], []
            for i in range(start, min(start + self.batch, total)):
                pipeline = self.pipelines[0 if i % 10 < 7 else 1]
                stages = self.stages[pipeline.pk]
                org = rng.choice(self.orgs)
                owner_id = org.owner_id
                currency = data.COUNTRY_BY_CODE[org.country].currency
                amount = clean_amount(amount_for(rng, currency), currency=currency)
                if pipeline is self.pipelines[1]:
                    name = f"{org.name}: renewal {self.now.year + rng.choice([0, 1])}"
                else:
                    product = rng.choice(data.PRODUCTS).format(n=rng.choice([10, 25, 50, 120]))
                    name = f"{org.name}: {product}"
                path = self.deal_path(stages)
                start_at = self.now - timedelta(seconds=int(rng.random() ** 0.9 * 365 * 86400))
                times = spread_times(rng, start_at, self.now - timedelta(hours=2), len(path))
                last, final = times[-1], path[-1]
                closed = final.kind != Stage.Kind.OPEN
                close_date = (
                    (last + timedelta(days=rng.randint(-10, 10)))
                    if closed
                    else (self.now + timedelta(days=rng.randint(-12, 120)))
                ).date()
                source = rng.choice(data.LEAD_SOURCES)
                won_reason = rng.choice(data.WON_REASONS) if final.kind == Stage.Kind.WON else ""
                lost_reason = rng.choice(data.LOST_REASONS) if final.kind == Stage.Kind.LOST else ""
                status = final.kind  # the deal's status follows its stage's kind
                did = ids[Deal]
                ids[Deal] += 1
                deals.append(
                    (
                        did,
                        db.dt(times[0]),
                        db.dt(last),
                        owner_id,
                        len(path),
                        "{}",
                        name,
                        pipeline.pk,
                        final.pk,
                        status,
                        db.decimal(amount),
                        currency,
                        # As sales.services.deal_set_reporting (rates come later, and refresh).
                        db.decimal(amount) if currency == company_currency else None,
                        final.probability,
                        db.day(close_date),
                        org.id,
                        source,
                        "",
                        won_reason,
                        lost_reason,
                        db.dt(last) if closed else None,
                        db.dt(last),
                        last.timestamp(),
                    )
                )
                members = people_by_org.get(org.id, [])
                chosen = rng.sample(members, k=min(len(members), rng.choice([1, 1, 2, 3])))
                for p in chosen:
                    links.append((ids[Deal.people.through], did, self.person_ids[p]))
                    ids[Deal.people.through] += 1
                previous: Stage | None = None
                prev_at = times[0]
                for stage, at in zip(path, times, strict=True):
                    changes_rows.append(
                        (
                            ids[StageChange],
                            did,
                            previous.pk if previous else None,
                            stage.pk,
                            owner_id,
                            db.dt(at),
                            db.decimal(amount),
                            currency,
                            stage.probability,
                            None if previous is None else int((at - prev_at).total_seconds()),
                        )
                    )
                    ids[StageChange] += 1
                    if previous is None:
                        # As sales.services.deal_create's audit "changes".
                        created_changes = _truthy(
                            [
                                ("name", name),
                                ("source", source),
                                ("expected_close_date", close_date.isoformat()),
                                ("owner", owner_id),
                                ("organization", org.id),
                                ("currency", currency),
                                ("amount", str(amount)),
                                ("probability", stage.probability),
                            ]
                        )
                        created_changes["stage"] = stage.pk
                        audits.append(
                            self.audit_row(
                                ids[AuditEvent],
                                at,
                                owner_id,
                                "create",
                                "deal",
                                did,
                                created_changes,
                                name,
                            )
                        )
                    else:
                        audits.append(
                            self.audit_row(
                                ids[AuditEvent],
                                at,
                                owner_id,
                                "update",
                                "deal",
                                did,
                                {"stage": [previous.pk, stage.pk]},
                                name,
                            )
                        )
                    ids[AuditEvent] += 1
                    previous, prev_at = stage, at
                # As sales.services.deal_reindex.
                docs.append(
                    self.search_row(
                        ids[SearchDocument],
                        record_type="deal",
                        record_id=did,
                        owner_id=owner_id,
                        title=name,
                        words=[name],
                        fields=deal_search_fields(organization=(org.id, org.name)),
                    )
                )
                ids[SearchDocument] += 1
                self.deal_rows.append(
                    (
                        did,
                        owner_id,
                        org.id,
                        self.person_ids[chosen[0]] if chosen else 0,
                        times[0].timestamp(),
                    )
                )
            self.write(
                {
                    Deal: (DEAL_COLUMNS, deals),
                    Deal.people.through: (DEAL_PEOPLE_COLUMNS, links),
                    StageChange: (STAGE_CHANGE_COLUMNS, changes_rows),
                    SearchDocument: (SEARCH_COLUMNS, docs),
                    AuditEvent: (AUDIT_COLUMNS, audits),
                }
            )
            self.say(f"deals {min(start + self.batch, total):,}/{total:,}")

    def leads(self) -> None:
        db, rng = self.db, self.rng
        total = self.n["leads"]
        statuses = ["new"] * 4 + ["contacted"] * 3 + ["qualified"] * 2 + ["unqualified"] * 2
        ids = {m: db.next_id(m) for m in (Lead, SearchDocument, AuditEvent)}
        counts = weighted_counts(total, [c.weight for c in data.CULTURES])
        plan = [c for c, k in zip(data.CULTURES, counts, strict=True) for _ in range(k)]
        rng.shuffle(plan)
        for start in range(0, total, self.batch):
            leads, docs, audits = [], [], []
            for i, culture in enumerate(plan[start : start + self.batch], start):
                country = data.COUNTRY_BY_CODE[rng.choice(data.CULTURE_COUNTRIES[culture.key])]
                company, domain, _industry = company_name(rng, country)
                ident = make_identity(rng, culture)
                owner_id = rng.choice(self.reps[REGION_OF_COUNTRY[country.code]])
                email = self.unique_email(email_local(rng, ident), domain)
                phone = self.phone(country.code) if rng.random() < 0.7 else ""
                status = statuses[i % len(statuses)]
                source = rng.choice(data.LEAD_SOURCES)
                title = rng.choice(culture.titles)
                created = self.now - timedelta(seconds=int(rng.random() * 200 * 86400))
                lid = ids[Lead]
                ids[Lead] += 1
                leads.append(
                    (
                        lid,
                        db.dt(created),
                        db.dt(created),
                        owner_id,
                        1,
                        "{}",
                        ident.full_name,
                        company,
                        title,
                        email,
                        phone,
                        status,
                        source,
                        country.code,
                        culture.language,
                        "",
                        None,
                        None,
                        None,
                        None,
                    )
                )
                # As sales.services.lead_reindex.
                docs.append(
                    self.search_row(
                        ids[SearchDocument],
                        record_type="lead",
                        record_id=lid,
                        owner_id=owner_id,
                        title=ident.full_name,
                        words=[ident.full_name],
                        fields=lead_search_fields(
                            company=company,
                            email=email,
                            phone_words=self.phones.digit_forms(country.code, phone)
                            if phone
                            else [],
                        ),
                    )
                )
                ids[SearchDocument] += 1
                # As sales.services.lead_create's audit "changes" (in _clean_lead order).
                changes = _truthy(
                    [
                        ("full_name", ident.full_name),
                        ("company", company),
                        ("job_title", title),
                        ("source", source),
                        ("country", country.code),
                        ("email", email),
                        ("phone", phone),
                        ("status", status),
                        ("preferred_language", culture.language),
                        ("owner", owner_id),
                    ]
                )
                audits.append(
                    self.audit_row(
                        ids[AuditEvent],
                        created,
                        owner_id,
                        "create",
                        "lead",
                        lid,
                        changes,
                        ident.full_name,
                    )
                )
                ids[AuditEvent] += 1
                self.lead_rows.append((lid, owner_id, ident.full_name, created.timestamp()))
            self.write(
                {
                    Lead: (LEAD_COLUMNS, leads),
                    SearchDocument: (SEARCH_COLUMNS, docs),
                    AuditEvent: (AUDIT_COLUMNS, audits),
                }
            )
            self.say(f"leads {min(start + self.batch, total):,}/{total:,}")
        self.used_emails.clear()

    def activities(self) -> None:
        db, rng = self.db, self.rng
        total, people = self.n["activities"], len(self.person_ids)
        if not people:
            return
        ids = {m: db.next_id(m) for m in (Activity, AuditEvent)}
        now_ts = int(self.now.timestamp())
        year = 365 * 86400
        kinds = ["note"] * 25 + ["call"] * 27 + ["meeting"] * 13 + ["email"] * 20 + ["task"] * 15
        texts = ActivityTexts(rng)
        random_ = rng.random
        ts = db.ts
        person_ids, person_owner, person_org = self.person_ids, self.person_owner, self.person_org
        person_created, person_name = self.person_created, self.person_name
        deal_rows, lead_rows = self.deal_rows, self.lead_rows
        for start in range(0, total, self.batch):
            rows, audits = [], []
            for a in range(start, min(start + self.batch, total)):
                p = a * people // total  # people in order, about total/people each
                roll = random_()
                person_id = deal_id = lead_id = None
                if roll < 0.8 or not deal_rows:
                    person_id = person_ids[p]
                    owner_id = person_owner[p]
                    org_id = person_org[p] or None
                    since = person_created[p]
                    name = person_name[p]
                elif roll < 0.95 or not lead_rows:
                    deal_id, owner_id, org_id, _person, since = deal_rows[p % len(deal_rows)]
                    name = ""
                else:
                    lead_id, owner_id, name, since = lead_rows[p % len(lead_rows)]
                    org_id = None
                at = now_ts - int(random_() ** 1.3 * year)
                if at < since:
                    at = int(since + random_() * (now_ts - since))
                kind = kinds[int(random_() * 100)]
                subject, body, duration, direction, outcome = texts.pick(kind, name)
                at_text = ts(at)
                ends = due = done = None
                assignee = None
                version = 1
                updated = at_text
                if kind == "meeting":
                    ends = ts(at + (duration or 0))
                elif kind == "task":
                    assignee = owner_id
                    due_at = at + 86400 * (1 + int(random_() * 14))
                    due = ts(due_at)
                    if due_at < now_ts and random_() < 0.8:
                        done_at = max(min(due_at, now_ts) - int(random_() * 172800), at)
                        done = ts(done_at)
                        version, updated = 2, done
                rows.append(
                    (
                        ids[Activity],
                        at_text,
                        updated,
                        owner_id,
                        version,
                        "{}",
                        kind,
                        subject,
                        body,
                        at_text,
                        ends,
                        duration,
                        direction,
                        outcome,
                        due,
                        assignee,
                        done,
                        None,  # pinned_at
                        person_id,
                        org_id,
                        deal_id,
                        lead_id,
                    )
                )
                # As activities.services.activity_create's (and task_complete's) audit rows:
                # {"kind": [None, kind], "subject": [None, subject]}, written out for speed.
                audits.append(
                    (
                        ids[AuditEvent],
                        at_text,
                        owner_id,
                        "create",
                        "activity",
                        ids[Activity],
                        f'{{"kind": [null, "{kind}"], "subject": [null, {json_string(subject)}]}}',
                        2,
                        "",
                        self.audit_source,
                        None,
                    )
                )
                ids[AuditEvent] += 1
                if done is not None:
                    iso = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(done_at))
                    audits.append(
                        (
                            ids[AuditEvent],
                            done,
                            owner_id,
                            "update",
                            "activity",
                            ids[Activity],
                            f'{{"done_at": [null, "{iso}"]}}',
                            2,
                            "",
                            self.audit_source,
                            None,
                        )
                    )
                    ids[AuditEvent] += 1
                ids[Activity] += 1
            self.write({Activity: (ACTIVITY_COLUMNS, rows), AuditEvent: (AUDIT_COLUMNS, audits)})
            done_count = min(start + self.batch, total)
            if done_count % (self.batch * 10) == 0 or done_count == total:
                self.say(f"activities {done_count:,}/{total:,}")


class Terms:
    """``search.text.title_key`` and ``index_terms``, with the tokens of repeated texts (names,
    companies, domains) cached and plain-ASCII texts (emails, phone digits) split by a regular
    expression: the same result (tests compare them with ``search_document_build``) in a small
    part of the time, which matters for a million documents."""

    ASCII_TOKEN = re.compile(r"[a-z]+|[0-9]+")
    MAX_CACHED = 400_000

    def __init__(self) -> None:
        self.cache: dict[str, tuple[list[str], list[str]]] = {}

    def tokens(self, text: str) -> tuple[list[str], list[str]]:
        """The text's tokens, and the same with the suffixes ``index_terms`` adds."""
        if text.isascii():
            found = [
                t[: search_text.MAX_TOKEN_LENGTH] for t in self.ASCII_TOKEN.findall(text.lower())
            ]
            return found, found
        cached = self.cache.get(text)
        if cached is None:
            plain = search_text.tokens(text)
            expanded: list[str] = []
            for token in plain:
                expanded.append(token)
                if 1 < len(token) <= search_text.MAX_SUFFIXED_LENGTH and any(
                    map(search_text.is_unspaced_script, token)
                ):
                    expanded.extend(token[start:] for start in range(1, len(token)))
            cached = (plain, expanded)
            if len(self.cache) < self.MAX_CACHED:
                self.cache[text] = cached
        return cached

    def title_key(self, title: str) -> str:
        return " ".join(self.tokens(title)[0])[:300]

    def index_terms(self, title: str, subtitle: str, words: Sequence[str]) -> str:
        seen: dict[str, None] = {}
        # " · " holds no token character, so the subtitle's parts tokenize as the whole does.
        for text in (title, *subtitle.split(" · "), *words):
            for token in self.tokens(text or "")[1]:
                seen[token] = None
        for token in search_text.phone_end_tokens(seen):
            seen[token] = None
        return " ".join(seen)


class ActivityTexts:
    """Pre-formatted subjects and bodies, so ten million rows cost little to phrase."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        fill = {"org": "{org}", "topic": "{topic}", "n": 2, "name": "{name}"}
        self.topics = data.TOPICS
        self.templates = {
            "call": [s.format(**fill) for s in data.CALL_SUBJECTS],
            "meeting": [s.format(**fill) for s in data.MEETING_SUBJECTS],
            "email": [s.format(**fill) for s in data.EMAIL_SUBJECTS],
            "task": [s.format(**fill) for s in data.TASK_SUBJECTS],
            "note": [s.format(**fill) for s in data.NOTE_BODIES],
        }

    def pick(self, kind: str, name: str) -> tuple[str, str, int | None, str, str]:
        rng = self.rng
        who = name or "the customer"
        text = rng.choice(self.templates[kind]).format(
            name=who, org=who, topic=rng.choice(self.topics)
        )
        if kind == "note":
            return "", text, None, "", ""
        if kind == "call":
            return (
                text,
                rng.choice(data.CALL_BODIES),
                rng.randint(45, 2400),
                rng.choice(["in", "out", "out"]),
                rng.choice(data.CALL_OUTCOMES),
            )
        if kind == "meeting":
            return text, "", rng.choice([30, 45, 60, 90]) * 60, "", ""
        if kind == "email":
            return text, rng.choice(data.EMAIL_BODIES), None, rng.choice(["in", "out"]), ""
        return text, "", None, "", ""


def _columns(model: type[models.Model]) -> list[str]:
    return [str(f.column) for f in model._meta.concrete_fields]


ORG_COLUMNS = (
    "id",
    "created_at",
    "updated_at",
    "owner_id",
    "version",
    "custom",
    "name",
    "domain",
    "website",
    "industry",
    "size",
    "description",
    "parent_id",
    "country",
    "currency",
    "time_zone",
    "residency",
)
PERSON_COLUMNS = (
    "id",
    "created_at",
    "updated_at",
    "owner_id",
    "version",
    "custom",
    "honorific",
    "given_name",
    "family_name",
    "full_name",
    "job_title",
    "birth_date",
    "email",
    "phone",
    "organization_id",
    "preferred_language",
    "time_zone",
    "currency",
    "country",
    "source",
    "residency",
    "description",
    "contact_card",
    "tag_names",
)
EMAIL_COLUMNS = (
    "id",
    "created_at",
    "updated_at",
    "label",
    "is_primary",
    "person_id",
    "organization_id",
    "email",
)
PHONE_COLUMNS = (
    "id",
    "created_at",
    "updated_at",
    "label",
    "is_primary",
    "person_id",
    "organization_id",
    "e164",
    "raw",
)
ADDRESS_COLUMNS = (
    "id",
    "created_at",
    "updated_at",
    "label",
    "is_primary",
    "person_id",
    "organization_id",
    "street",
    "city",
    "region",
    "postal_code",
    "country",
)
AFFILIATION_COLUMNS = (
    "id",
    "person_id",
    "organization_id",
    "title",
    "role",
    "is_primary",
    "started_on",
    "ended_on",
    "created_at",
)
SEARCH_COLUMNS = (
    "id",
    "record_type",
    "record_id",
    "owner_id",
    "title",
    "subtitle",
    "title_key",
    "terms",
    "parts",
    "updated_at",
)
AUDIT_COLUMNS = (
    "id",
    "at",
    "actor_id",
    "action",
    "record_type",
    "record_id",
    "changes",
    "changes_format",
    "summary",
    "source",
    "ip",
)
DEAL_COLUMNS = (
    "id",
    "created_at",
    "updated_at",
    "owner_id",
    "version",
    "custom",
    "name",
    "pipeline_id",
    "stage_id",
    "status",
    "amount",
    "currency",
    "amount_reporting",
    "probability",
    "expected_close_date",
    "organization_id",
    "source",
    "description",
    "won_reason",
    "lost_reason",
    "closed_at",
    "stage_entered_at",
    "position",
)
DEAL_PEOPLE_COLUMNS = ("id", "deal_id", "person_id")
STAGE_CHANGE_COLUMNS = (
    "id",
    "deal_id",
    "from_stage_id",
    "to_stage_id",
    "changed_by_id",
    "changed_at",
    "amount",
    "currency",
    "probability",
    "seconds_in_previous",
)
LEAD_COLUMNS = (
    "id",
    "created_at",
    "updated_at",
    "owner_id",
    "version",
    "custom",
    "full_name",
    "company",
    "job_title",
    "email",
    "phone",
    "status",
    "source",
    "country",
    "preferred_language",
    "description",
    "converted_at",
    "converted_person_id",
    "converted_organization_id",
    "converted_deal_id",
)
ACTIVITY_COLUMNS = tuple(_columns(Activity))
COLUMNS: dict[type[models.Model], tuple[str, ...]] = {
    Organization: ORG_COLUMNS,
    Person: PERSON_COLUMNS,
    EmailAddress: EMAIL_COLUMNS,
    PhoneNumber: PHONE_COLUMNS,
    PostalAddress: ADDRESS_COLUMNS,
    Affiliation: AFFILIATION_COLUMNS,
    SearchDocument: SEARCH_COLUMNS,
    AuditEvent: AUDIT_COLUMNS,
    Deal: DEAL_COLUMNS,
    Deal.people.through: DEAL_PEOPLE_COLUMNS,
    StageChange: STAGE_CHANGE_COLUMNS,
    Lead: LEAD_COLUMNS,
    Activity: ACTIVITY_COLUMNS,
}


def check_columns() -> None:
    """Refuse to load when a model gained or lost a column this loader does not write."""
    for model, columns in COLUMNS.items():
        actual = _columns(model)
        if sorted(actual) != sorted(columns):
            raise RuntimeError(
                f"{model._meta.db_table} has columns {actual}; the large demo loader writes "
                f"{list(columns)}: update sambandh/demo/bulk.py"
            )


def load_large(*, admin: User, stdout: Any = None, **sizes: Any) -> DemoResult:
    check_columns()
    unknown = set(sizes) - set(LARGE)
    if unknown:
        raise ValueError(f"unknown sizes: {sorted(unknown)}")
    demo = LargeDemo(admin=admin, stdout=stdout, **{**LARGE, **sizes})
    demo.say(
        f"Loading the large demo data on {demo.db.vendor}: "
        + ", ".join(f"{k} {v:,}" for k, v in demo.n.items())
    )
    demo.staff()
    demo.db.begin_load()
    try:
        demo.organizations()
        demo.people()
        demo.deals()
        demo.leads()
        demo.activities()
    finally:
        demo.say("re-creating indexes and triggers")
        demo.db.end_load(demo.say)
    demo.say("ANALYZE")
    demo.db.analyze()
    demo.say("done")
    from sambandh.accounts.models import Team

    return DemoResult(
        size="large",
        users=User.objects.count(),
        teams=Team.objects.count(),
        pipelines=Pipeline.objects.count(),
        organizations=Organization.objects.count(),
        people=Person.objects.count(),
        deals=Deal.objects.count(),
        leads=Lead.objects.count(),
        activities=Activity.objects.count(),
    )
