"""Importing organizations, leads and deals: each through its own service, names found (and
organizations made) on the way, duplicates by domain, name or email."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from sambandh.contacts.models import Organization
from sambandh.imports.tests.helpers import outcomes, run_import
from sambandh.sales.models import Deal, Lead
from tests.factories import make_organization, make_person

pytestmark = pytest.mark.django_db


def test_organizations_are_imported_and_matched_by_domain_or_name(owner):
    make_organization(owner, name="Acme Corp", domain="acme.example")
    text = (
        "Account Name,Website,Industry,Employees,Billing Country,Phone\n"
        "Acme Corporation,https://www.acme.example/about,Tools,250,Germany,+49 30 901820\n"
        "Globex,globex.example,Energy,12,France,\n"
        "GLOBEX,,Power,,,\n"
    )
    mapping = {
        "Account Name": "name",
        "Website": "website",
        "Industry": "industry",
        "Employees": "employees",
        "Billing Country": "country",
        "Phone": "phone",
    }
    job = run_import(owner, "organizations", text, mapping=mapping)
    assert outcomes(job) == [(2, "merged"), (3, "created"), (4, "merged")]
    acme = Organization.objects.get(domain="acme.example")
    assert (acme.name, acme.industry, acme.size, acme.country) == (
        "Acme Corporation",
        "Tools",
        "201-1000",
        "DE",
    )
    globex = Organization.objects.get(domain="globex.example")
    # The later row's values win (its name differs only by case, but is what the file says).
    assert (globex.name, globex.industry, globex.country, globex.size) == (
        "GLOBEX",
        "Power",
        "FR",
        "11-50",
    )


def test_leads_are_imported_with_their_status_and_matched_by_email(owner):
    text = (
        "First,Last,Company,Email,Status,Lead Source\n"
        "Ravi,Kumar,Infosys,ravi@example.in,Contacted,Web\n"
        "Maria,Lopez,,maria@example.es,maybe,\n"
        "Ravi,Kumar,Infosys Ltd,RAVI@example.in,,\n"
    )
    mapping = {
        "First": "given_name",
        "Last": "family_name",
        "Company": "company",
        "Email": "email",
        "Status": "status",
        "Lead Source": "source",
    }
    job = run_import(owner, "leads", text, mapping=mapping)
    assert outcomes(job) == [(2, "created"), (3, "rejected"), (4, "merged")]
    lead = Lead.objects.get()
    assert (lead.full_name, lead.company, lead.email, lead.status, lead.source) == (
        "Ravi Kumar",
        "Infosys Ltd",
        "ravi@example.in",
        "contacted",
        "Web",
    )
    assert job.rows.get(number=3).reasons[0]["field"] == "Status"


def test_deals_find_their_pipeline_stage_person_and_make_their_organization(owner, pipeline):
    asha = make_person(owner, full_name="Asha Rao", email="asha@example.com")
    stage = pipeline.stages.order_by("position")[1]
    text = (
        "Opportunity,Amount,Currency,Pipeline,Stage,Account,Contact,Close Date,Id\n"
        f'Big sale,"12,500.50",EUR,{pipeline.name},{stage.name},New Co,'
        "asha@example.com,2026-03-31,O-1\n"
        "Unknown stage,10,EUR,,Nowhere,,,,O-2\n"
        "Someone unseen,10,EUR,,,,nobody@example.com,,O-3\n"
    )
    mapping = {
        "Opportunity": "name",
        "Amount": "amount",
        "Currency": "currency",
        "Pipeline": "pipeline",
        "Stage": "stage",
        "Account": "organization",
        "Contact": "person",
        "Close Date": "expected_close_date",
        "Id": "external_id",
    }
    job = run_import(owner, "deals", text, mapping=mapping)
    assert outcomes(job) == [(2, "created"), (3, "rejected"), (4, "rejected")]
    deal = Deal.objects.get()
    assert (deal.name, deal.amount, deal.currency, deal.stage_id, deal.expected_close_date) == (
        "Big sale",
        Decimal("12500.50"),
        "EUR",
        stage.pk,
        datetime.date(2026, 3, 31),
    )
    assert deal.organization is not None and deal.organization.name == "New Co"
    assert list(deal.people.all()) == [asha]
    assert [r["field"] for r in job.rows.get(number=3).reasons] == ["Stage"]
    assert [r["field"] for r in job.rows.get(number=4).reasons] == ["Contact"]
    again = run_import(owner, "deals", text, mapping=mapping)
    assert outcomes(again) == [(2, "unchanged"), (3, "rejected"), (4, "rejected")]
    assert Deal.objects.count() == 1


def test_an_owner_column_gives_the_record_to_that_user(owner, teammate):
    text = "Name,Owner\nA,teammate@example.com\nB,Tejas Teammate\nC,nobody@example.com\n"
    job = run_import(owner, "leads", text, mapping={"Name": "full_name", "Owner": "owner"})
    assert outcomes(job) == [(2, "created"), (3, "created"), (4, "rejected")]
    assert set(Lead.objects.values_list("owner_id", flat=True)) == {teammate.pk}
