"""Load demo data.

``small`` writes every record through the real services, so it is cleaned, audited and indexed
for search exactly as a user's would be; then it moves dates into the past (creation times, stage
changes, task completions) in the same transaction, so the history reads like a year of work.
``large`` (see ``bulk.py``) writes the same kind of rows in bulk for the benchmarks.

Both are deterministic: a fixed random seed, with dates relative to now.
"""

from __future__ import annotations

import random
import time
import zoneinfo
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from sambandh.accounts.models import Role, Team, User
from sambandh.accounts.services import team_add_member, team_create, user_create
from sambandh.accounts.visibility import can_see_owner
from sambandh.activities.models import Activity
from sambandh.activities.schemas import ActivityIn
from sambandh.activities.services import activity_create, task_complete
from sambandh.contacts import services as contacts
from sambandh.contacts.models import Organization, Person
from sambandh.contacts.schemas import OrganizationIn, PersonIn
from sambandh.core.audit_context import audit_context
from sambandh.demo import data
from sambandh.demo.common import (
    SEED,
    Identity,
    PhoneBook,
    amount_for,
    company_name,
    country_plan,
    culture_plan,
    days_ago,
    email_local,
    make_identity,
    spread_times,
)
from sambandh.sales import services as sales
from sambandh.sales.models import Deal, Lead, Pipeline, Stage, StageChange
from sambandh.sales.schemas import DealIn, LeadIn

SMALL = {
    "organizations": 57,
    "people": 247,
    "deals": 117,
    "leads": 40,
    "converted_leads": 3,
    "activities": 1500,
    "admin_tasks": 20,
}

TEAMS = ("India", "Europe", "Americas", "Japan & Middle East")
MANAGER = ("meera.iyer@example.com", "Meera Iyer", "en", "Asia/Kolkata", "INR")
# email, name, language, time zone, currency, team, cultures whose people they own
REPS = (
    ("ravi.kumar@example.com", "Ravi Kumar", "te", "Asia/Kolkata", "INR", "India", ("te", "en-IN")),
    ("hetal.patel@example.com", "Hetal Patel", "gu", "Asia/Kolkata", "INR", "India", ("gu",)),
    ("vikram.singh@example.com", "विक्रम सिंह", "hi", "Asia/Kolkata", "INR", "India", ("hi",)),
    (
        "lucia.fernandez@example.com",
        "Lucía Fernández",
        "es",
        "Europe/Madrid",
        "EUR",
        "Europe",
        ("es", "fr"),
    ),
    (
        "oliver.bennett@example.com",
        "Oliver Bennett",
        "en",
        "Europe/London",
        "GBP",
        "Europe",
        ("en-GB", "de"),
    ),
    (
        "beatriz.santos@example.com",
        "Beatriz Santos",
        "pt-br",
        "America/Sao_Paulo",
        "BRL",
        "Americas",
        ("pt-BR", "es-MX"),
    ),
    (
        "michael.carter@example.com",
        "Michael Carter",
        "en",
        "America/New_York",
        "USD",
        "Americas",
        ("en",),
    ),
    (
        "yui.nakamura@example.com",
        "中村 結衣",
        "ja",
        "Asia/Tokyo",
        "JPY",
        "Japan & Middle East",
        ("ja", "zh"),
    ),
    (
        "omar.almansoori@example.com",
        "عمر المنصوري",
        "ar",
        "Asia/Dubai",
        "AED",
        "Japan & Middle East",
        ("ar",),
    ),
)
COUNTRY_REPS = {
    "IN": ("ravi.kumar@example.com", "hetal.patel@example.com", "vikram.singh@example.com"),
    "ES": ("lucia.fernandez@example.com",),
    "FR": ("lucia.fernandez@example.com",),
    "GB": ("oliver.bennett@example.com",),
    "DE": ("oliver.bennett@example.com",),
    "BR": ("beatriz.santos@example.com",),
    "MX": ("beatriz.santos@example.com",),
    "US": ("michael.carter@example.com",),
    "JP": ("yui.nakamura@example.com",),
    "CN": ("yui.nakamura@example.com",),
    "AE": ("omar.almansoori@example.com",),
    "SA": ("omar.almansoori@example.com",),
}
NEW_BUSINESS = (
    sales.StageIn("Qualification", 10),
    sales.StageIn("Needs analysis", 25),
    sales.StageIn("Proposal", 50),
    sales.StageIn("Negotiation", 75),
    sales.StageIn("Won", 100, Stage.Kind.WON),
    sales.StageIn("Lost", 0, Stage.Kind.LOST),
)
RENEWALS = (
    sales.StageIn("Upcoming", 60),
    sales.StageIn("In negotiation", 80),
    sales.StageIn("Renewed", 100, Stage.Kind.WON),
    sales.StageIn("Churned", 0, Stage.Kind.LOST),
)


# The first person of these cultures: names the README and the tests can point to. Arabic shows a
# name kept whole (no given/family split).
FEATURED = {
    "te": Identity("సుబ్బలక్ష్మి", "రావు", "సుబ్బలక్ష్మి రావు", False, "subbalakshmi", "rao"),
    "gu": Identity("જયેશ", "પટેલ", "જયેશ પટેલ", False, "jayesh", "patel"),
    "hi": Identity("अनन्या", "शर्मा", "अनन्या शर्मा", False, "ananya", "sharma"),
    "en-IN": Identity("Ravi", "Kumar", "Ravi Kumar", False, "ravi", "kumar"),
    "ar": Identity("", "", "فاطمة الزهراء", True, "fatima", "alzahra"),
    "ja": Identity("健", "佐藤", "佐藤 健", True, "ken", "sato"),
    "zh": Identity("芳", "王", "王芳", True, "fang", "wang"),
    "pt-BR": Identity("João", "Conceição", "João Conceição", False, "joao", "conceicao"),
}


class DemoAlreadyLoaded(Exception):
    pass


@dataclass
class DemoResult:
    size: str
    users: int = 0
    teams: int = 0
    pipelines: int = 0
    organizations: int = 0
    people: int = 0
    deals: int = 0
    leads: int = 0
    activities: int = 0
    seconds: float = 0.0

    def summary(self) -> str:
        parts = [f"{k}={v}" for k, v in asdict(self).items() if k not in ("size", "seconds")]
        return f"demo {self.size}: {', '.join(parts)} in {self.seconds:.1f} s"


def load_demo(size: str = "small", *, admin: User, stdout: Any = None, **sizes: Any) -> DemoResult:
    """Load the demo data of ``size`` ("small" or "large"), with ``admin`` as the administrator
    who set it up (and who gets tasks of their own). ``sizes`` overrides the large counts."""
    started = time.monotonic()
    if size == "small":
        result = load_small(admin=admin, stdout=stdout)
    elif size == "large":
        from sambandh.demo.bulk import load_large

        result = load_large(admin=admin, stdout=stdout, **sizes)
    else:
        raise ValueError(f"unknown demo size {size!r}: use small or large")
    demo_rates_load()
    result.seconds = time.monotonic() - started
    return result


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


def _say(stdout: Any, message: str) -> None:
    if stdout is not None:
        stdout.write(message + "\n")
        stdout.flush()


def ensure_team(name: str, parent: Team | None, actor: User) -> Team:
    return Team.objects.filter(name=name).first() or team_create(
        name=name, parent=parent, actor=actor
    )


def ensure_user(
    email: str, name: str, role: str, language: str, tz: str, currency: str, team: Team, actor: User
) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        # Demo colleagues cannot sign in (no password); the admin can set one.
        user = user_create(
            email=email,
            role=role,
            full_name=name,
            language=language,
            time_zone=tz,
            currency=currency,
            actor=actor,
        )
    team_add_member(team=team, user=user, actor=actor)
    return user


def ensure_pipeline(
    name: str, stages: tuple[sales.StageIn, ...], actor: User, is_default: bool
) -> Pipeline:
    existing = Pipeline.objects.filter(name=name, is_archived=False).first()
    if existing is not None:
        return existing
    return sales.pipeline_create(actor=actor, name=name, stages=stages, is_default=is_default)


class SmallDemo:
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

    def organizations(self, total: int) -> None:
        rng = self.rng
        serial: dict[str, int] = {}
        for country in country_plan(total):
            while True:
                name, domain, industry = company_name(rng, country)
                if name not in self.used_org_names:
                    break
            self.used_org_names.add(name)
            reps = COUNTRY_REPS[country.code]
            serial[country.code] = serial.get(country.code, -1) + 1
            owner = self.user(reps[serial[country.code] % len(reps)])
            city = rng.choice(country.cities)
            parent = None
            if self.orgs and rng.random() < 0.06:
                same = [
                    o
                    for o in self.orgs
                    if o.country == country.code and o.parent_id is None and o.owner_id == owner.pk
                ]
                parent = rng.choice(same) if same else None
            org_data = OrganizationIn.build(
                {
                    "name": name,
                    "domain": domain,
                    "website": f"https://www.{domain}",
                    "industry": industry,
                    "size": rng.choice(data.SIZES),
                    "country": country.code,
                    "currency": country.currency,
                    "parent_id": parent.pk if parent else None,
                    "description": "",
                    "emails": [
                        contacts.EmailIn(
                            self.unique_email(rng.choice(["info", "sales", "contact"]), domain),
                            "main",
                        )
                    ],
                    "phones": [
                        contacts.PhoneIn(self.next_phone(country.code, mobile=False), "office")
                    ],
                    "addresses": [
                        contacts.AddressIn(
                            street=rng.choice(city.streets),
                            city=city.name,
                            region=city.region,
                            postal_code=city.postal_code,
                            country=country.code,
                            label="head office",
                        )
                    ],
                    "tags": rng.sample(["Key account", "Partner"], k=rng.choice([0, 0, 0, 1])),
                }
            )
            # Audit rows are written at their time (they are never changed afterwards).
            created = days_ago(rng, self.now, 900) - timedelta(days=400)
            with audit_context(at=created):
                org = contacts.organization_create(actor=owner, data=org_data)
            self.created_at[("organization", org.pk)] = created
            self.orgs.append(org)
        _say(self.stdout, f"  {len(self.orgs)} organizations")

    def person_input(
        self,
        ident: Identity,
        culture: data.Culture,
        country: str,
        org: Organization | None,
        owner: User,
    ) -> PersonIn:
        rng = self.rng
        emails = []
        if org is not None:
            emails.append(
                contacts.EmailIn(
                    self.unique_email(email_local(rng, ident), org.domain), "work", True
                )
            )
        if org is None or rng.random() < 0.35:
            emails.append(
                contacts.EmailIn(
                    self.unique_email(
                        email_local(rng, ident) + str(rng.randrange(10, 99)),
                        rng.choice(culture.personal_domains),
                    ),
                    "personal",
                )
            )
        phones = [contacts.PhoneIn(self.next_phone(country), "mobile", True)]
        if org is not None and rng.random() < 0.3:
            phones.append(contacts.PhoneIn(self.next_phone(country, mobile=False), "work"))
        addresses = []
        if rng.random() < 0.6:
            city = rng.choice(data.COUNTRY_BY_CODE[country].cities)
            addresses.append(
                contacts.AddressIn(
                    street=rng.choice(city.streets),
                    city=city.name,
                    region=city.region,
                    postal_code=city.postal_code,
                    country=country,
                    label="work" if org else "home",
                )
            )
        fields: dict[str, Any] = {
            "given_name": ident.given,
            "family_name": ident.family,
            "job_title": rng.choice(culture.titles) if org is not None else "",
            "source": rng.choice(data.PERSON_SOURCES),
            "preferred_language": culture.language,
            "time_zone": rng.choice(culture.time_zones),
            "currency": culture.currency,
            "country": country,
            "owner_id": owner.pk,
            "organization_id": org.pk if org is not None else None,
        }
        if ident.explicit_full_name:
            fields["full_name"] = ident.full_name
        if rng.random() < 0.1:
            fields["description"] = rng.choice(data.NOTE_BODIES).format(
                name=ident.full_name, org=org.name if org else ""
            )
        tags = rng.sample(data.TAG_NAMES, k=rng.choice([0, 0, 1, 1, 2]))
        return PersonIn.build(
            {**fields, "emails": emails, "phones": phones, "addresses": addresses, "tags": tags}
        )

    def people_step(self, total: int) -> None:
        rng = self.rng
        by_country: dict[str, list[Organization]] = {}
        for known in self.orgs:
            by_country.setdefault(known.country, []).append(known)
        staff = [self.user(MANAGER[0]), self.admin]
        featured = dict(FEATURED)
        for culture in culture_plan(total):
            country = rng.choice(data.CULTURE_COUNTRIES[culture.key])
            owner = self.rep_for_culture[culture.key]
            if rng.random() < 0.05:
                owner = rng.choice(staff)
            orgs = by_country.get(country, [])
            own_orgs = [o for o in orgs if o.owner_id == owner.pk]
            org: Organization | None = None
            if orgs and rng.random() < 0.9:
                org = rng.choice(own_orgs if own_orgs and rng.random() < 0.85 else orgs)
            ident = make_identity(rng, culture)
            ident = featured.pop(culture.key, ident)
            person_data = self.person_input(ident, culture, country, org, owner)
            if rng.random() < 0.8:
                created = self.now - timedelta(days=rng.uniform(380, 900))
            else:
                created = days_ago(rng, self.now, 360)
            with audit_context(at=created):
                person = contacts.person_create(actor=self.actor_for(owner, org), data=person_data)
            self.created_at[("person", person.pk)] = created
            self.people.append(person)
            if org is not None:
                self.people_by_org.setdefault(org.pk, []).append(person)
        _say(self.stdout, f"  {len(self.people)} people")

    def deal_path(self, pipeline: Pipeline, stages: list[Stage]) -> list[Stage]:
        rng = self.rng
        open_stages = [s for s in stages if s.kind == Stage.Kind.OPEN]
        won = next(s for s in stages if s.kind == Stage.Kind.WON)
        lost = next(s for s in stages if s.kind == Stage.Kind.LOST)
        roll = rng.random()
        if roll < 0.27:
            path = list(open_stages)
            if len(path) > 2 and rng.random() < 0.3:
                path.pop(rng.randrange(1, len(path)))  # a stage skipped
            return [*path, won]
        if roll < 0.45:
            return [*open_stages[: rng.randrange(1, len(open_stages) + 1)], lost]
        return open_stages[: rng.randrange(1, len(open_stages) + 1)]

    def deal_step(self, total: int) -> None:
        rng = self.rng
        pipelines = [
            (self.new_business, list(self.new_business.stages.order_by("position"))),
            (self.renewals, list(self.renewals.stages.order_by("position"))),
        ]
        for i in range(total):
            pipeline, stages = pipelines[0] if i % 10 < 7 else pipelines[1]
            org = rng.choice(self.orgs)
            owner = self.users_by_pk[org.owner_id]
            currency = data.COUNTRY_BY_CODE[org.country].currency
            at_org = self.people_by_org.get(org.pk, [])
            people = rng.sample(at_org, k=min(len(at_org), rng.choice([1, 1, 2, 3])))
            if pipeline == self.renewals:
                name = f"{org.name}: renewal {self.now.year + rng.choice([0, 1])}"
            else:
                product = rng.choice(data.PRODUCTS).format(n=rng.choice([10, 25, 50, 120, 300]))
                name = f"{org.name}: {product}"
            path = self.deal_path(pipeline, stages)
            start = days_ago(rng, self.now, 365, recent_bias=0.9)
            times = spread_times(rng, start, self.now - timedelta(hours=2), len(path))
            last = times[-1]
            if path[-1].kind == Stage.Kind.OPEN:
                close = (self.now + timedelta(days=rng.randint(-12, 120))).date()
            else:
                close = (last + timedelta(days=rng.randint(-10, 10))).date()
            actor = self.actor_for(owner, org, *people)
            # Audit rows are never changed afterwards: each is written at its time.
            with audit_context(at=times[0]):
                deal = sales.deal_create(
                    actor=actor,
                    data=DealIn.build(
                        {
                            "name": name,
                            "amount": f"{amount_for(rng, currency):f}",
                            "currency": currency,
                            "expected_close_date": close,
                            "organization_id": org.pk,
                            "source": rng.choice(data.LEAD_SOURCES),
                            "owner_id": owner.pk,
                            "pipeline_id": pipeline.pk,
                            "stage_id": path[0].pk,
                            "person_ids": [p.pk for p in people],
                            "tags": ["Key account"] if rng.random() < 0.1 else [],
                        }
                    ),
                )
            for stage, at in zip(path[1:], times[1:], strict=True):
                reason = ""
                if stage.kind == Stage.Kind.WON:
                    reason = rng.choice(data.WON_REASONS)
                elif stage.kind == Stage.Kind.LOST:
                    reason = rng.choice(data.LOST_REASONS)
                with audit_context(at=at):
                    deal = sales.deal_move_stage(
                        actor=actor, deal=deal, stage_id=stage.pk, version=None, reason=reason
                    )
            self.backdate_deal(deal, times)
            self.deals.append(deal)
        _say(self.stdout, f"  {len(self.deals)} deals")

    def backdate_deal(self, deal: Deal, times: list[datetime]) -> None:
        changes = list(StageChange.objects.filter(deal=deal).order_by("id"))
        assert len(changes) == len(times)
        previous = None
        for change, at in zip(changes, times, strict=True):
            change.changed_at = at
            change.seconds_in_previous = (
                None if previous is None else int((at - previous).total_seconds())
            )
            previous = at
        StageChange.objects.bulk_update(changes, ["changed_at", "seconds_in_previous"])
        closed = times[-1] if deal.status != Deal.Status.OPEN else None
        Deal.objects.filter(pk=deal.pk).update(
            created_at=times[0],
            updated_at=times[-1],
            stage_entered_at=times[-1],
            closed_at=closed,
            position=times[-1].timestamp(),
        )
        deal.created_at = times[0]

    def lead_step(self, total: int, converted: int) -> None:
        rng = self.rng
        statuses = (
            [Lead.Status.NEW] * 4
            + [Lead.Status.CONTACTED] * 3
            + [Lead.Status.QUALIFIED] * 2
            + [Lead.Status.UNQUALIFIED] * 2
        )
        for i, culture in enumerate(culture_plan(total)):
            country = data.COUNTRY_BY_CODE[rng.choice(data.CULTURE_COUNTRIES[culture.key])]
            while True:
                company, domain, _industry = company_name(rng, country)
                if company not in self.used_org_names:
                    break
            self.used_org_names.add(company)
            ident = make_identity(rng, culture)
            owner = self.rep_for_culture[culture.key]
            fields = {
                "full_name": ident.full_name,
                "company": company,
                "job_title": rng.choice(culture.titles),
                "email": self.unique_email(email_local(rng, ident), domain),
                "phone": self.next_phone(country.code) if rng.random() < 0.7 else "",
                "status": statuses[i % len(statuses)],
                "source": rng.choice(data.LEAD_SOURCES),
                "country": country.code,
                "preferred_language": culture.language,
                "description": rng.choice(
                    [
                        "",
                        "",
                        "Asked for a demo through the website.",
                        "Met at the trade show in Dubai.",
                        "Referred by an existing customer.",
                    ]
                ),
            }
            created = days_ago(rng, self.now, 200)
            with audit_context(at=created):
                lead = sales.lead_create(actor=owner, data=LeadIn.build(fields))
            self.created_at[("lead", lead.pk)] = created
            self.leads.append(lead)
        for lead in self.leads[:converted]:
            owner = User.objects.get(pk=lead.owner_id)
            currency = data.COUNTRY_BY_CODE[lead.country].currency
            amount = amount_for(rng, currency)
            converted_at = self.now - timedelta(days=rng.randint(1, 20), hours=rng.randint(0, 9))
            with audit_context(at=converted_at):
                converted_lead = sales.lead_convert(
                    actor=owner,
                    lead=lead,
                    version=None,
                    create_deal=True,
                    amount=amount,
                    currency=currency,
                )
            assert converted_lead.converted_deal is not None
            self.backdate_deal(converted_lead.converted_deal, [converted_at])
            Lead.objects.filter(pk=lead.pk).update(converted_at=converted_at)
            self.deals.append(converted_lead.converted_deal)
            person = converted_lead.converted_person
            assert person is not None
            self.people.append(person)
            self.created_at[("person", person.pk)] = converted_at
            if converted_lead.converted_organization is not None:
                self.orgs.append(converted_lead.converted_organization)
        _say(self.stdout, f"  {len(self.leads)} leads ({converted} converted)")

    # --- activities --------------------------------------------------------------------
    def activity_time(self, record_created: datetime | None) -> datetime:
        at = days_ago(self.rng, self.now, 365)
        if record_created is not None and at < record_created:
            span = max((self.now - record_created).total_seconds(), 60)
            at = record_created + timedelta(seconds=self.rng.uniform(0, span))
        return at.replace(microsecond=0)

    def activity_step(self, total: int, admin_tasks: int) -> None:
        rng = self.rng
        kinds = ["note"] * 25 + ["call"] * 27 + ["meeting"] * 13 + ["email"] * 20 + ["task"] * 15
        users_by_pk = self.users_by_pk
        manager = self.user(MANAGER[0])
        done_tasks: list[tuple[Activity, datetime]] = []
        backdate: list[tuple[Activity, datetime]] = []
        for _ in range(total - admin_tasks):
            roll = rng.random()
            person = deal = org = lead = None
            if roll < 0.6:
                person = rng.choice(self.people)
                target: Any = person
            elif roll < 0.85:
                deal = rng.choice(self.deals)
                target = deal
            elif roll < 0.95:
                org = rng.choice(self.orgs)
                target = org
            else:
                lead = rng.choice(self.leads)
                target = lead
            owner = users_by_pk[target.owner_id]
            if rng.random() < 0.07 and can_see_owner(manager, target.owner_id):
                owner = manager
            created = self.created_at.get((target.record_type, target.pk)) or getattr(
                target, "created_at", None
            )
            at = self.activity_time(created)
            kind = rng.choice(kinds)
            name = getattr(person, "full_name", "") or getattr(lead, "full_name", "") or ""
            org_name = (org.name if org else (deal.name.split(":")[0] if deal else "")) or name
            fill = {
                "name": name or org_name,
                "org": org_name or name,
                "topic": rng.choice(data.TOPICS),
                "n": rng.randint(2, 5),
            }
            fields: dict[str, Any] = {
                "kind": kind,
                "person_id": person.pk if person else None,
                "deal_id": deal.pk if deal else None,
                "organization_id": org.pk if org else None,
                "lead_id": lead.pk if lead else None,
                "occurred_at": at,
            }
            if kind == "note":
                fields["body"] = rng.choice(data.NOTE_BODIES).format(**fill)
            elif kind == "call":
                fields.update(
                    subject=rng.choice(data.CALL_SUBJECTS).format(**fill),
                    body=rng.choice(data.CALL_BODIES),
                    duration_seconds=rng.randint(45, 2400),
                    direction=rng.choice(["in", "out", "out"]),
                    outcome=rng.choice(data.CALL_OUTCOMES),
                )
            elif kind == "meeting":
                minutes = rng.choice([30, 45, 60, 90])
                fields.update(
                    subject=rng.choice(data.MEETING_SUBJECTS).format(**fill),
                    ends_at=at + timedelta(minutes=minutes),
                    duration_seconds=minutes * 60,
                )
            elif kind == "email":
                fields.update(
                    subject=rng.choice(data.EMAIL_SUBJECTS).format(**fill),
                    body=rng.choice(data.EMAIL_BODIES),
                    direction=rng.choice(["in", "out"]),
                )
            else:
                due = at + timedelta(days=rng.randint(1, 14))
                due = due.replace(hour=rng.choice([4, 6, 9, 11]), minute=0, second=0)
                fields.update(
                    subject=rng.choice(data.TASK_SUBJECTS).format(**fill),
                    due_at=due,
                    assignee_id=owner.pk,
                )
            with audit_context(at=at):
                activity = activity_create(actor=owner, data=ActivityIn.build(fields))
            backdate.append((activity, at))
            if (
                kind == "task"
                and activity.due_at
                and activity.due_at < self.now
                and rng.random() < 0.8
            ):
                done_tasks.append(
                    (activity, min(activity.due_at, self.now) - timedelta(hours=rng.randint(0, 48)))
                )
        self.admin_task_step(admin_tasks, backdate, done_tasks)
        for task, _done_at in done_tasks:
            task_complete(actor=users_by_pk.get(task.owner_id, self.admin), task=task)
        for task, done_at in done_tasks:
            Activity.objects.filter(pk=task.pk).update(done_at=max(done_at, task.occurred_at))
        for activity, at in backdate:
            Activity.objects.filter(pk=activity.pk).update(created_at=at, updated_at=at)
            self.created_at[("activity", activity.pk)] = at
        _say(self.stdout, f"  {len(backdate)} activities ({len(done_tasks)} tasks done)")

    def admin_task_step(
        self,
        total: int,
        backdate: list[tuple[Activity, datetime]],
        done_tasks: list[tuple[Activity, datetime]],
    ) -> None:
        """Tasks for the admin: a few overdue, a few due today (in their zone), some ahead,
        some done, so "My tasks" shows every state."""
        rng = self.rng
        tz = zoneinfo.ZoneInfo(self.admin.time_zone or "UTC")
        local_now = self.now.astimezone(tz)
        end_of_day = local_now.replace(hour=23, minute=30, second=0)
        plan = ["overdue"] * 4 + ["today"] * 3 + ["later"] * 6 + ["done"] * 7
        plan = (plan * (total // len(plan) + 1))[:total]
        for state in plan:
            target: Any = rng.choice(self.deals) if rng.random() < 0.5 else rng.choice(self.people)
            name = getattr(target, "full_name", "") or target.name.split(":")[0]
            subject = rng.choice(data.TASK_SUBJECTS).format(
                name=name, org=name, topic=rng.choice(data.TOPICS), n=2
            )
            if state == "overdue":
                due = self.now - timedelta(days=rng.randint(1, 12), hours=rng.randint(0, 8))
            elif state == "today":
                span = max((end_of_day - local_now).total_seconds(), 60)
                due = (local_now + timedelta(seconds=rng.uniform(0, span))).astimezone(UTC)
                due = min(due, end_of_day.astimezone(UTC))
            elif state == "later":
                due = self.now + timedelta(days=rng.randint(1, 21), hours=rng.randint(0, 8))
            else:
                due = self.now - timedelta(days=rng.randint(1, 60))
            created = min(due, self.now) - timedelta(days=rng.randint(1, 10))
            key = "deal_id" if isinstance(target, Deal) else "person_id"
            task = activity_create(
                actor=self.admin,
                data=ActivityIn.build(
                    {
                        "kind": "task",
                        "subject": subject,
                        "due_at": due.replace(microsecond=0),
                        "assignee_id": self.admin.pk,
                        key: target.pk,
                        "occurred_at": created,
                    }
                ),
            )
            backdate.append((task, created))
            if state == "done":
                done_tasks.append((task, due - timedelta(hours=rng.randint(0, 30))))

    def backdate_records(self) -> None:
        """Creation times in the past for records (their audit rows were written at that time:
        ``audit_context(at=...)``)."""
        for (record_type, pk), at in self.created_at.items():
            model: Any = {
                "person": Person,
                "organization": Organization,
                "lead": Lead,
                "activity": Activity,
            }[record_type]
            if record_type != "activity":
                model.objects.filter(pk=pk).update(created_at=at, updated_at=at)


def load_small(*, admin: User, stdout: Any = None) -> DemoResult:
    if (
        Pipeline.objects.filter(name="New business").exists()
        and User.objects.filter(email=MANAGER[0]).exists()
    ):
        raise DemoAlreadyLoaded("The demo data is already loaded.")
    demo = SmallDemo(admin, stdout)
    _say(stdout, "Loading the small demo data…")
    with transaction.atomic():
        demo.staff()
        demo.organizations(SMALL["organizations"])
        demo.people_step(SMALL["people"])
        demo.deal_step(SMALL["deals"])
        demo.lead_step(SMALL["leads"], SMALL["converted_leads"])
        demo.activity_step(SMALL["activities"], SMALL["admin_tasks"])
        demo.backdate_records()
    return DemoResult(
        size="small",
        users=User.objects.count(),
        teams=Team.objects.count(),
        pipelines=Pipeline.objects.count(),
        organizations=Organization.objects.count(),
        people=Person.objects.count(),
        deals=Deal.objects.count(),
        leads=Lead.objects.count(),
        activities=Activity.objects.count(),
    )
