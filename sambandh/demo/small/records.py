"""The small demo's organizations, people, deals and leads, written through the services,
each at its time in the past."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sambandh.accounts.models import User
from sambandh.activities.models import Activity
from sambandh.contacts import services as contacts
from sambandh.contacts.models import Organization, Person
from sambandh.contacts.schemas import OrganizationIn, PersonIn
from sambandh.core.audit_context import audit_context
from sambandh.demo import data
from sambandh.demo.common import (
    Identity,
    amount_for,
    company_name,
    country_plan,
    culture_plan,
    days_ago,
    email_local,
    make_identity,
    spread_times,
)
from sambandh.demo.result import write_line
from sambandh.demo.small.base import SmallDemoBase
from sambandh.demo.small.cast import COUNTRY_REPS, FEATURED, MANAGER
from sambandh.sales import services as sales
from sambandh.sales.models import Deal, Lead, Pipeline, Stage, StageChange
from sambandh.sales.schemas import DealIn, LeadIn


class SmallRecords(SmallDemoBase):
    """The record steps: organizations, people, deals and leads, then their creation times."""

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
        write_line(self.stdout, f"  {len(self.orgs)} organizations")

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
        write_line(self.stdout, f"  {len(self.people)} people")

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
        write_line(self.stdout, f"  {len(self.deals)} deals")

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
        write_line(self.stdout, f"  {len(self.leads)} leads ({converted} converted)")

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
