"""The large demo's organizations and people, with their emails, phones, addresses,
affiliations, search documents and audit rows."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

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
from sambandh.core.models import AuditEvent
from sambandh.demo import data
from sambandh.demo.bulk.base import REGION_OF_COUNTRY, LargeDemoBase, OrgInfo, truthy
from sambandh.demo.bulk.columns import (
    ADDRESS_COLUMNS,
    AFFILIATION_COLUMNS,
    AUDIT_COLUMNS,
    EMAIL_COLUMNS,
    ORG_COLUMNS,
    PERSON_COLUMNS,
    PHONE_COLUMNS,
    SEARCH_COLUMNS,
)
from sambandh.demo.common import (
    ascii_slug,
    company_name,
    email_local,
    make_identity,
    weighted_counts,
)
from sambandh.search.models import SearchDocument
from sambandh.search.services import email_words


class ContactRows(LargeDemoBase):
    """The organizations step, then the people step (who work at them)."""

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
                changes = truthy(
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
                changes = truthy(
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
