"""Demo data: the small set through the services, and the large set's bulk loader at a tiny
scale, checked against what the services themselves write."""

from __future__ import annotations

import zoneinfo
from datetime import timedelta
from decimal import Decimal
from typing import Any

import phonenumbers
import pytest
from babel.numbers import get_currency_precision
from django.db import connection, models
from django.utils import timezone

from sambandh.accounts.models import Role, Team, User
from sambandh.accounts.services import user_create
from sambandh.activities import services as activities
from sambandh.activities.models import Activity
from sambandh.activities.schemas import ActivityIn
from sambandh.contacts import services as contacts
from sambandh.contacts.models import (
    Affiliation,
    EmailAddress,
    Organization,
    Person,
    PhoneNumber,
)
from sambandh.contacts.schemas import OrganizationIn, PersonIn
from sambandh.core.cleaning import clean_email, clean_language, clean_time_zone
from sambandh.core.models import AuditEvent
from sambandh.demo.bulk import LOADED_MODELS
from sambandh.demo.generate import DemoAlreadyLoaded, load_demo
from sambandh.sales import services as sales
from sambandh.sales.models import Deal, Lead, Pipeline, Stage, StageChange
from sambandh.sales.schemas import DealIn, LeadIn
from sambandh.search.models import SearchDocument

pytestmark = pytest.mark.django_db

SCRIPTS = {
    "Telugu": (0x0C00, 0x0C7F),
    "Gujarati": (0x0A80, 0x0AFF),
    "Devanagari": (0x0900, 0x097F),
    "Arabic": (0x0600, 0x06FF),
    "CJK": (0x4E00, 0x9FFF),
}


def _admin() -> User:
    return user_create(
        email="admin@example.com",
        role=Role.ADMIN,
        full_name="Admin",
        time_zone="Asia/Kolkata",
        currency="INR",
    )


def _first(qs: Any) -> Any:
    found = qs.first()
    assert found is not None
    return found


def _in_script(name: str, script: str) -> bool:
    low, high = SCRIPTS[script]
    return any(low <= ord(c) <= high for c in name)


def assert_stage_history(deal: Deal) -> None:
    """One StageChange per stage entered, chained, ending at the deal's stage, in time order."""
    changes = list(StageChange.objects.filter(deal=deal).order_by("changed_at", "id"))
    assert changes, deal.name
    assert changes[0].from_stage_id is None
    assert changes[0].seconds_in_previous is None
    for before, after in zip(changes, changes[1:], strict=False):
        assert after.from_stage_id == before.to_stage_id
        assert after.seconds_in_previous == int(
            (after.changed_at - before.changed_at).total_seconds()
        )
    assert changes[-1].to_stage_id == deal.stage_id
    assert deal.stage_entered_at == changes[-1].changed_at
    assert deal.created_at == changes[0].changed_at
    assert deal.status == deal.stage.kind
    assert deal.closed_at == (None if deal.status == "open" else changes[-1].changed_at)
    assert deal.version == len(changes)


def assert_foreign_keys_hold() -> None:
    """Every foreign key of the loaded tables points at a row that exists."""
    for model in LOADED_MODELS:
        for field in model._meta.concrete_fields:
            if isinstance(field, models.ForeignKey):
                parent = field.related_model._default_manager.values("pk")
                dangling = (
                    model._default_manager.filter(**{f"{field.attname}__isnull": False})
                    .exclude(**{f"{field.attname}__in": parent})
                    .count()
                )
                assert dangling == 0, f"{model._meta.db_table}.{field.column}"


def test_small_demo_loads_realistic_data_through_the_services() -> None:
    # given an empty database with the administrator the CLI creates
    admin = _admin()

    # when the small demo is loaded
    result = load_demo("small", admin=admin)

    # then every record is there, in exact numbers
    assert (result.users, result.teams, result.pipelines) == (11, 5, 2)
    assert (result.organizations, result.people, result.deals, result.leads, result.activities) == (
        60,
        250,
        120,
        40,
        1500,
    )
    assert Organization.objects.count() == 60
    assert Person.objects.count() == 250
    assert Deal.objects.count() == 120
    assert Lead.objects.count() == 40
    assert Lead.objects.filter(status=Lead.Status.CONVERTED).count() == 3
    assert Activity.objects.count() == 1500
    # a team hierarchy with a manager and reps in several languages, zones and currencies
    top = Team.objects.get(name="Global Sales")
    assert sorted(Team.objects.filter(parent=top).values_list("name", flat=True)) == [
        "Americas",
        "Europe",
        "India",
        "Japan & Middle East",
    ]
    assert User.objects.filter(role=Role.MANAGER).count() == 1
    assert User.objects.filter(role=Role.SALES_REP).count() == 9
    assert set(User.objects.filter(role=Role.SALES_REP).values_list("language", flat=True)) == {
        "te",
        "gu",
        "hi",
        "es",
        "en",
        "pt-br",
        "ja",
        "ar",
    }
    assert set(User.objects.values_list("currency", flat=True)) == {
        "INR",
        "EUR",
        "GBP",
        "BRL",
        "USD",
        "JPY",
        "AED",
    }
    assert not User.objects.get(email="ravi.kumar@example.com").has_usable_password()
    # two pipelines: six stages and four
    assert [p.stages.count() for p in Pipeline.objects.order_by("position")] == [6, 4]

    # and names in every script, including the featured ones
    names = list(Person.objects.values_list("full_name", flat=True))
    for script in SCRIPTS:
        assert sum(_in_script(n, script) for n in names) >= 10, script
    for name in (
        "సుబ్బలక్ష్మి రావు",
        "જયેશ પટેલ",
        "अनन्या शर्मा",
        "فاطمة الزهراء",
        "佐藤 健",
        "王芳",
        "João Conceição",
        "Ravi Kumar",
    ):
        assert Person.objects.filter(full_name=name).count() >= 1, name
    fatima = Person.objects.get(full_name="فاطمة الزهراء")
    assert (fatima.given_name, fatima.family_name, fatima.preferred_language) == ("", "", "ar")
    sato = Person.objects.get(full_name="佐藤 健")
    assert (sato.family_name, sato.given_name, sato.time_zone) == ("佐藤", "健", "Asia/Tokyo")

    # and contact points that the cleaners accept unchanged: emails, phones valid for their
    # country, languages and time zones
    for email in EmailAddress.objects.values_list("email", flat=True):
        assert clean_email(email) == email
    for e164, country in PhoneNumber.objects.filter(person__isnull=False).values_list(
        "e164", "person__country"
    ):
        number = phonenumbers.parse(e164, None)
        assert phonenumbers.is_valid_number(number), e164
        assert phonenumbers.region_code_for_number(number) == country
    for person in Person.objects.exclude(time_zone=""):
        assert clean_language(person.preferred_language) == person.preferred_language
        assert clean_time_zone(person.time_zone) == person.time_zone
    # (people converted from leads have no time zone yet, as the conversion makes them)
    assert Person.objects.filter(time_zone="").count() == 3
    assert EmailAddress.objects.values("email").distinct().count() == EmailAddress.objects.count()

    # and a search document for every person, organization and deal, and every open lead
    for record_type, model in (("person", Person), ("organization", Organization), ("deal", Deal)):
        ids = set(model.objects.values_list("id", flat=True))
        assert (
            set(
                SearchDocument.objects.filter(record_type=record_type).values_list(
                    "record_id", flat=True
                )
            )
            == ids
        )
    assert SearchDocument.objects.filter(record_type="lead").count() == 37

    # and deals in every stage and in several currencies, with amounts the currency allows
    assert set(Deal.objects.values_list("stage__name", flat=True)) == set(
        Stage.objects.values_list("name", flat=True)
    )
    assert {"INR", "USD", "EUR", "BRL", "JPY", "AED", "GBP"} <= set(
        Deal.objects.values_list("currency", flat=True)
    )
    for amount, currency in Deal.objects.values_list("amount", "currency"):
        places = get_currency_precision(currency)
        assert amount is not None
        assert amount == amount.quantize(Decimal(1).scaleb(-places)) and amount > 0
    # with a believable history: a StageChange per stage entered, over the past year
    now = timezone.now()
    for deal in Deal.objects.select_related("stage"):
        assert_stage_history(deal)
    year_ago = now - timedelta(days=366)
    assert StageChange.objects.filter(changed_at__lt=year_ago).count() == 0
    assert StageChange.objects.filter(changed_at__lt=now - timedelta(days=180)).count() > 20
    assert StageChange.objects.count() > Deal.objects.count() * 2

    # and a year of activities of every kind, with the admin's tasks overdue, today and done
    assert set(Activity.objects.values_list("kind", flat=True)) == {
        "note",
        "call",
        "meeting",
        "email",
        "task",
    }
    assert Activity.objects.filter(occurred_at__lt=now - timedelta(days=300)).count() > 30
    assert Activity.objects.filter(occurred_at__lt=year_ago).count() == 0
    assert Activity.objects.filter(kind="call", duration_seconds__isnull=True).count() == 0
    mine = Activity.objects.filter(kind="task", assignee=admin)
    assert mine.filter(done_at__isnull=True, due_at__lt=now).count() >= 4
    tz = zoneinfo.ZoneInfo(admin.time_zone)
    today = now.astimezone(tz).date()
    due_today = [
        t
        for t in mine.filter(done_at__isnull=True, due_at__isnull=False)
        if t.due_at is not None and t.due_at.astimezone(tz).date() == today
    ]
    assert len(due_today) >= 3
    assert mine.filter(done_at__isnull=False).count() >= 7
    assert mine.filter(done_at__isnull=True, due_at__gt=now).count() >= 6
    # and creation times in the past, audited
    assert Person.objects.filter(created_at__lt=now - timedelta(days=365)).count() > 150
    assert AuditEvent.objects.filter(record_type="person", action="create").count() == 250

    # when it is loaded again, then it refuses and changes nothing
    with pytest.raises(DemoAlreadyLoaded):
        load_demo("small", admin=admin)
    assert Person.objects.count() == 250


def _index_names() -> set[str]:
    with connection.cursor() as cur:
        names = set()
        for model in LOADED_MODELS:
            constraints = connection.introspection.get_constraints(cur, model._meta.db_table)
            names |= {n for n, c in constraints.items() if c["index"] or c["unique"]}
    return names


def _audit_keys(record_type: str, record_id: int, action: str = "create") -> list[str]:
    event = AuditEvent.objects.get(record_type=record_type, record_id=record_id, action=action)
    return list(event.changes)


def test_large_generator_writes_what_the_services_write_at_a_tiny_scale() -> None:
    # given an administrator and the indexes the migrations made
    admin = _admin()
    indexes = _index_names()

    # when the large loader runs at a tiny scale, in small batches (the same code path)
    result = load_demo(
        "large",
        admin=admin,
        people=200,
        organizations=20,
        activities=1000,
        deals=30,
        leads=20,
        owners=6,
        batch=64,
    )

    # then it made exactly the rows asked for, with owners in teams
    assert (result.people, result.organizations, result.activities, result.deals, result.leads) == (
        200,
        20,
        1000,
        30,
        20,
    )
    assert result.users == 7  # the admin, a manager and five reps
    assert User.objects.filter(role=Role.SALES_REP, memberships__isnull=True).count() == 0
    assert SearchDocument.objects.count() == 200 + 20 + 30 + 20
    assert Affiliation.objects.count() == Person.objects.filter(organization__isnull=False).count()
    assert PhoneNumber.objects.filter(person__isnull=False, is_primary=True).count() == 200
    # every table's indexes and triggers are back, and every foreign key holds
    assert _index_names() == indexes
    assert_foreign_keys_hold()

    # and each search document is what the services' own reindexing writes
    saved = {
        (d.record_type, d.record_id): (
            d.owner_id,
            d.title,
            d.subtitle,
            d.title_key,
            d.terms,
            d.parts,
        )
        for d in SearchDocument.objects.all()
    }
    for person in Person.objects.select_related("organization"):
        contacts.person_reindex(person)
    for org in Organization.objects.all():
        contacts.organization_reindex(org)
    for deal in Deal.objects.select_related("organization"):
        sales.deal_reindex(deal)
    for lead in Lead.objects.all():
        sales.lead_reindex(lead)
    rebuilt = {
        (d.record_type, d.record_id): (
            d.owner_id,
            d.title,
            d.subtitle,
            d.title_key,
            d.terms,
            d.parts,
        )
        for d in SearchDocument.objects.all()
    }
    assert rebuilt == saved

    # and the rows hold values the cleaners accept unchanged
    for person in Person.objects.all():
        assert clean_email(person.email) == person.email
        assert phonenumbers.is_valid_number(phonenumbers.parse(person.phone, None))
        assert clean_time_zone(person.time_zone) == person.time_zone
        if person.given_name and person.family_name and " " in person.full_name:
            assert person.full_name in (
                f"{person.given_name} {person.family_name}",
                f"{person.family_name} {person.given_name}",
            )
    for deal in Deal.objects.select_related("stage"):
        assert_stage_history(deal)
    tasks = Activity.objects.filter(kind="task")
    assert tasks.filter(assignee_id=models.F("owner_id")).count() == tasks.count()
    on_people = Activity.objects.filter(person__isnull=False)
    assert (
        on_people.exclude(organization_id=models.F("person__organization_id"))
        .filter(person__organization__isnull=False)
        .count()
        == 0
    )

    # and the audit rows name the same fields, in the same order, as the services' rows
    owner = _first(User.objects.filter(role=Role.SALES_REP))
    org = _first(Organization.objects.order_by("id"))
    person = contacts.person_create(
        actor=owner,
        data=PersonIn.build(
            {
                "given_name": "Asha",
                "family_name": "Rao",
                "job_title": "CTO",
                "source": "Website",
                "preferred_language": "te",
                "time_zone": "Asia/Kolkata",
                "currency": "INR",
                "country": "IN",
                "owner_id": owner.pk,
                "organization_id": org.pk,
                "emails": [contacts.EmailIn("asha@example.com")],
                "phones": [contacts.PhoneIn("+919812345678")],
            }
        ),
    )
    bulk_person = _first(Person.objects.filter(organization__isnull=False).exclude(job_title=""))
    assert _audit_keys("person", bulk_person.pk) == _audit_keys("person", person.pk)
    new_org = contacts.organization_create(
        actor=owner,
        data=OrganizationIn.build(
            {
                "name": "Test Org",
                "domain": "test-org.in",
                "website": "https://www.test-org.in",
                "industry": "Software",
                "size": "1-10",
                "country": "IN",
                "currency": "INR",
                "owner_id": owner.pk,
            }
        ),
    )
    assert _audit_keys("organization", org.pk) == _audit_keys("organization", new_org.pk)
    bulk_deal = _first(Deal.objects.order_by("id"))
    deal = sales.deal_create(
        actor=admin,
        data=DealIn.build(
            {
                "name": "Test deal",
                "source": "Website",
                "currency": "INR",
                "amount": "1000.00",
                "expected_close_date": timezone.localdate(),
                "owner_id": owner.pk,
                "organization_id": org.pk,
                "pipeline_id": bulk_deal.pipeline_id,
            }
        ),
    )
    assert _audit_keys("deal", bulk_deal.pk) == _audit_keys("deal", deal.pk)
    bulk_lead = _first(Lead.objects.exclude(phone="").order_by("id"))
    lead = sales.lead_create(
        actor=owner,
        data=LeadIn.build(
            {
                "full_name": "Test Lead",
                "company": "Test Co",
                "job_title": "CTO",
                "source": "Website",
                "country": "IN",
                "email": "lead@example.com",
                "phone": "+919812345670",
                "status": "new",
                "preferred_language": "hi",
                "owner_id": owner.pk,
            }
        ),
    )
    assert _audit_keys("lead", bulk_lead.pk) == _audit_keys("lead", lead.pk)
    bulk_task = _first(Activity.objects.filter(kind="task", done_at__isnull=False))
    task = activities.activity_create(
        actor=owner, data=ActivityIn.build({"kind": "task", "subject": "Call"})
    )
    activities.task_complete(actor=owner, task=task)
    for action in ("create", "update"):
        assert _audit_keys("activity", bulk_task.pk, action) == _audit_keys(
            "activity", task.pk, action
        )
    assert bulk_task.version == 2

    # and the full-text index finds a loaded person (the SQLite FTS5 table was rebuilt; on
    # PostgreSQL every document's words were copied to their table, as its triggers do)
    if connection.vendor == "postgresql":
        from sambandh.search.models import SearchText

        words = {t.document_id: (t.title, t.subtitle, t.terms) for t in SearchText.objects.all()}
        assert words == {d.pk: (d.title, d.subtitle, d.terms) for d in SearchDocument.objects.all()}
    if connection.vendor == "sqlite":
        someone = _first(Person.objects.order_by("id"))
        token = SearchDocument.objects.get(
            record_type="person", record_id=someone.pk
        ).terms.split()[0]
        with connection.cursor() as cur:
            cur.execute("SELECT rowid FROM search_fts WHERE search_fts MATCH %s", [f'"{token}"*'])
            rows = {r[0] for r in cur.fetchall()}
        assert SearchDocument.objects.get(record_type="person", record_id=someone.pk).pk in rows


def test_unknown_size_is_refused(db: Any) -> None:
    # given an administrator, when an unknown size is asked for, then nothing is loaded
    admin = _admin()
    with pytest.raises(ValueError, match="unknown demo size"):
        load_demo("medium", admin=admin)
    assert Person.objects.count() == 0
