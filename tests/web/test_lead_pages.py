"""The lead pages: list, record page, forms, conversion."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from sambandh.contacts.models import Organization, Person
from sambandh.sales import services
from sambandh.sales.models import Deal, Lead
from sambandh.sales.schemas import LeadIn
from tests import factories
from tests.web.helpers import count_queries, text

pytestmark = pytest.mark.django_db

LIST = reverse("sales:lead_list")


def lead_form(**overrides: str) -> dict[str, str]:
    data = {
        "full_name": "Ravi Kumar",
        "company": "Kaveri Textiles",
        "job_title": "Owner",
        "email": "Ravi@Kaveri.in",
        "phone": "98450 12345",
        "status": "new",
        "source": "website",
        "country": "IN",
        "preferred_language": "kn",
        "tags": "",
        "description": "",
    }
    data.update(overrides)
    return data


def test_list_shows_visible_leads_and_filters_by_status(owner, outsider, browser_for):
    factories.make_lead(owner, full_name="Ravi Kumar", status="qualified")
    factories.make_lead(owner, full_name="Meena Iyer")
    factories.make_lead(outsider, full_name="Hidden Lead")
    client = browser_for(owner)

    everything = text(client.get(LIST))
    qualified = client.get(LIST, {"status": "qualified"})

    assert "Ravi Kumar" in everything
    assert "Meena Iyer" in everything
    assert "Hidden Lead" not in everything
    assert [lead.full_name for lead in qualified.context["rows"]] == ["Ravi Kumar"]


def test_an_unknown_status_is_explained(owner, browser_for):
    factories.make_lead(owner, full_name="Ravi Kumar")
    response = browser_for(owner).get(LIST, {"status": "nonsense"})
    assert "Not a lead status." in text(response)
    assert [lead.full_name for lead in response.context["rows"]] == ["Ravi Kumar"]


def test_list_query_count_does_not_grow(owner, browser_for):
    client = browser_for(owner)

    def add(n: int) -> None:
        for _ in range(n):
            lead = factories.make_lead(owner)
            services.lead_update(
                actor=owner, lead=lead, data=LeadIn.build({"tags": ["vip"]}), version=None
            )

    add(5)
    with_five = count_queries(client, LIST + "?cols=company,tags,owner")
    add(20)
    with_twenty_five = count_queries(client, LIST + "?cols=company,tags,owner")

    # session, user, users, tags, saved views, the page's ids (owned and shared merged), page,
    # tags
    # (+1: the viewer's field rules, accounts/policy.py field_access)
    # (+1: the custom field definitions, read once per request: customfields/selectors.py)
    # (+1: the unread count of the notification bell in the top bar)
    # (+1: the teams the selection bar offers to share with, bulk/templatetags/bulk.py)
    # (+1: the fields marked sensitive of the listed type, whose shown values are an audited
    # read: core/sensitive.py)
    assert with_five == with_twenty_five == 13


def test_record_page_and_its_404_for_others(owner, outsider, browser_for):
    lead = factories.make_lead(owner, full_name="Ravi Kumar", phone="+919845012345")
    factories.make_activity(owner, "call", lead_id=lead.pk, subject="First call")
    url = reverse("sales:lead_detail", args=[lead.pk])

    response = browser_for(owner).get(url)
    refused = browser_for(outsider).get(url)

    assert response.status_code == 200
    for expected in ("Ravi Kumar", "+91 98450 12345", "First call", "Convert"):
        assert expected in text(response)
    assert refused.status_code == 404


def test_record_page_query_count_does_not_grow(owner, browser_for):
    client = browser_for(owner)
    lead = factories.make_lead(owner, full_name="Ravi Kumar")
    url = reverse("sales:lead_detail", args=[lead.pk])

    def add(n: int) -> None:
        for _ in range(n):
            factories.make_activity(owner, "note", lead_id=lead.pk)

    add(5)
    with_five = count_queries(client, url)
    add(20)
    with_twenty_five = count_queries(client, url)

    # session, user, lead + tags, timeline
    # (+1: the viewer's field rules, accounts/policy.py field_access)
    # (+1: the custom field definitions, read once per request: customfields/selectors.py)
    # (+1: the unread count of the notification bell in the top bar)
    # (+2: the attachments panel, and the files of the timeline's page: sambandh/attachments)
    # (+1: the notes pinned to the top of the timeline, activities/selectors.py)
    # (+1: the fields marked sensitive, whose reads are audited: history/sensitive.py)
    assert with_five == with_twenty_five == 12


def test_create_lead_cleans_email_and_phone(owner, browser_for):
    response = browser_for(owner).post(reverse("sales:lead_create"), lead_form(owner=str(owner.pk)))
    lead = Lead.objects.get()
    assert response.status_code == 302
    assert (lead.email, lead.phone, lead.preferred_language) == (
        "ravi@kaveri.in",
        "+919845012345",
        "kn",
    )


def test_create_lead_with_a_bad_email_writes_nothing(owner, browser_for):
    response = browser_for(owner).post(
        reverse("sales:lead_create"), lead_form(owner=str(owner.pk), email="ravi@")
    )
    assert response.context["form"].errors["email"] == ["“ravi@” is not a valid email address."]
    assert Lead.objects.count() == 0


def test_edit_lead_with_a_stale_version_writes_nothing(owner, browser_for):
    lead = factories.make_lead(owner, full_name="Ravi Kumar")
    services.lead_update(
        actor=owner, lead=lead, data=LeadIn.build({"status": "contacted"}), version=1
    )
    response = browser_for(owner).post(
        reverse("sales:lead_edit", args=[lead.pk]),
        lead_form(owner=str(owner.pk), version="1", status="qualified"),
    )
    lead.refresh_from_db()
    assert response.status_code == 409
    assert (lead.status, lead.version) == ("contacted", 2)


def test_convert_lead_makes_a_person_an_organization_and_a_deal(owner, pipeline, browser_for):
    # given a lead with a call
    lead = factories.make_lead(
        owner, full_name="Ravi Kumar", company="Kaveri Textiles", phone="+919845012345"
    )
    call = factories.make_activity(owner, "call", lead_id=lead.pk)

    # when the owner converts it with a deal
    response = browser_for(owner).post(
        reverse("sales:lead_convert", args=[lead.pk]),
        {
            "version": "1",
            "create_deal": "on",
            "deal_name": "Kaveri looms",
            "amount": "75000",
            "currency": "INR",
            "organization": "",
        },
    )

    # then the person, organization and deal exist, and the call moved along
    lead.refresh_from_db()
    deal = Deal.objects.get()
    person = Person.objects.get()
    call.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == reverse("sales:deal_detail", args=[deal.pk])
    assert lead.status == "converted"
    assert (deal.name, deal.amount, deal.currency) == ("Kaveri looms", Decimal("75000"), "INR")
    assert Organization.objects.get().name == "Kaveri Textiles"
    assert (person.full_name, person.phone) == ("Ravi Kumar", "+919845012345")
    assert (call.person_id, call.deal_id) == (person.pk, deal.pk)


def test_outsider_cannot_convert(owner, outsider, browser_for):
    lead = factories.make_lead(owner, full_name="Ravi Kumar")
    response = browser_for(outsider).post(
        reverse("sales:lead_convert", args=[lead.pk]), {"version": "1", "currency": "INR"}
    )
    lead.refresh_from_db()
    assert response.status_code == 404
    assert (lead.status, Person.objects.count()) == ("new", 0)
