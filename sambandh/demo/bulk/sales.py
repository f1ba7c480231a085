"""The large demo's deals (with their people, stage changes, search documents and audit rows)
and leads."""

from __future__ import annotations

from datetime import timedelta

from sambandh.core.cleaning import clean_amount
from sambandh.core.models import AuditEvent
from sambandh.demo import data
from sambandh.demo.bulk.base import REGION_OF_COUNTRY, LargeDemoBase, truthy
from sambandh.demo.bulk.columns import (
    AUDIT_COLUMNS,
    DEAL_COLUMNS,
    DEAL_PEOPLE_COLUMNS,
    LEAD_COLUMNS,
    SEARCH_COLUMNS,
    STAGE_CHANGE_COLUMNS,
)
from sambandh.demo.common import (
    amount_for,
    company_name,
    email_local,
    make_identity,
    spread_times,
    weighted_counts,
)
from sambandh.sales.models import Deal, Lead, Stage, StageChange
from sambandh.sales.services import deal_search_fields, lead_search_fields
from sambandh.search.models import SearchDocument


class SalesRows(LargeDemoBase):
    """The deals step (at the organizations, with their people), then the leads step."""

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
                        created_changes = truthy(
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
                changes = truthy(
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
