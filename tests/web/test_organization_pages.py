"""The organization pages: list, record page, forms."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sambandh.contacts import services
from sambandh.contacts.models import Organization
from sambandh.contacts.schemas import OrganizationIn
from tests import factories
from tests.web.helpers import count_queries, text

pytestmark = pytest.mark.django_db

LIST = reverse("contacts:organization_list")


def org_form(**overrides: str) -> dict[str, str]:
    data = {
        "name": "Tata Steel",
        "domain": "",
        "website": "www.tatasteel.com",
        "industry": "Steel",
        "size": "5001+",
        "parent": "",
        "country": "IN",
        "currency": "INR",
        "tags": "enterprise",
        "email_0": "info@tatasteel.com",
        "phone_0": "022 6665 8282",
        "city": "Mumbai",
    }
    data.update(overrides)
    return data


def test_list_shows_visible_organizations_and_filters_by_industry(owner, outsider, browser_for):
    factories.make_organization(owner, name="Tata Steel", industry="Steel")
    factories.make_organization(owner, name="Infosys", industry="Software")
    factories.make_organization(outsider, name="Hidden Ltd", industry="Steel")
    client = browser_for(owner)

    everything = text(client.get(LIST))
    steel = client.get(LIST, {"industry": "steel"})

    assert "Tata Steel" in everything
    assert "Infosys" in everything
    assert "Hidden Ltd" not in everything
    assert [o.name for o in steel.context["rows"]] == ["Tata Steel"]


def test_list_query_count_does_not_grow(owner, browser_for):
    client = browser_for(owner)
    parent = factories.make_organization(owner, name="Group")

    def add(n: int) -> None:
        for _ in range(n):
            org = factories.make_organization(owner, parent_id=parent.pk)
            services.organization_update(
                actor=owner,
                organization=org,
                data=OrganizationIn.build({"tags": ["vip"]}),
                version=None,
            )

    add(5)
    with_five = count_queries(client, LIST + "?cols=parent,owner,tags")
    add(20)
    with_twenty_five = count_queries(client, LIST + "?cols=parent,owner,tags")

    # session, user, users, tags, saved views, the page's ids (owned and shared merged), page,
    # its owners, tags
    # (+1: the viewer's field rules, accounts/policy.py field_access)
    # (+1: the custom field definitions, read once per request: customfields/selectors.py)
    # (+1: the unread count of the notification bell in the top bar)
    # (+1: the teams the selection bar offers to share with, bulk/templatetags/bulk.py)
    # (+1: the fields marked sensitive of the listed type, whose shown values are an audited
    # read: core/sensitive.py)
    assert with_five == with_twenty_five == 14


def test_record_page_shows_people_children_deals_and_contact_points(
    owner, outsider, pipeline, browser_for
):
    # given an organization with a subsidiary, a person, a deal and a phone
    org = services.organization_create(
        actor=owner,
        data=OrganizationIn.build(
            {
                "name": "Tata Group",
                "country": "IN",
                "phones": [services.PhoneIn("022 6665 8282", "office")],
            }
        ),
    )
    factories.make_organization(owner, name="Tata Steel", parent_id=org.pk)
    factories.make_person(owner, full_name="Asha Rao", organization_id=org.pk)
    factories.make_deal(owner, pipeline, name="Group licence", organization_id=org.pk)

    # when the owner opens it, and the outsider tries to
    response = browser_for(owner).get(reverse("contacts:organization_detail", args=[org.pk]))
    refused = browser_for(outsider).get(reverse("contacts:organization_detail", args=[org.pk]))

    # then everything is there for the owner, and the outsider is told it does not exist
    body = text(response)
    assert response.status_code == 200
    for expected in ("Tata Group", "Tata Steel", "Asha Rao", "Group licence", "+91 22 6665 8282"):
        assert expected in body
    assert refused.status_code == 404


def test_record_page_query_count_does_not_grow(owner, pipeline, browser_for):
    client = browser_for(owner)
    org = factories.make_organization(owner, name="Tata Group")
    url = reverse("contacts:organization_detail", args=[org.pk])

    def add(n: int) -> None:
        for _ in range(n):
            factories.make_person(owner, organization_id=org.pk)
            factories.make_organization(owner, parent_id=org.pk)
            factories.make_deal(owner, pipeline, organization_id=org.pk)
            factories.make_activity(owner, "call", organization_id=org.pk)

    add(5)
    with_five = count_queries(client, url)
    add(20)
    with_twenty_five = count_queries(client, url)

    # session, user, org + 4 prefetches, deals (ids, rows, stages, pipelines, owners, tags),
    # people, children, timeline (2)
    # (+1: the viewer's field rules, accounts/policy.py field_access)
    # (+1: the custom field definitions, read once per request: customfields/selectors.py)
    # (+1: the unread count of the notification bell in the top bar)
    # (+2: the attachments panel, and the files of the timeline's page: sambandh/attachments)
    # (+1: the notes pinned to the top of the timeline, activities/selectors.py)
    # (+1: the fields marked sensitive, whose reads are audited: history/sensitive.py)
    assert with_five == with_twenty_five == 24


def test_create_organization(owner, browser_for):
    response = browser_for(owner).post(
        reverse("contacts:organization_create"), org_form(owner=str(owner.pk))
    )
    org = Organization.objects.get()
    assert response.status_code == 302
    assert (org.name, org.website, org.domain, org.country) == (
        "Tata Steel",
        "https://www.tatasteel.com",
        "tatasteel.com",
        "IN",
    )
    assert list(org.phones.values_list("e164", flat=True)) == ["+912266658282"]
    assert list(org.addresses.values_list("city", flat=True)) == ["Mumbai"]


def test_create_organization_without_a_name_writes_nothing(owner, browser_for):
    response = browser_for(owner).post(
        reverse("contacts:organization_create"), org_form(owner=str(owner.pk), name="")
    )
    assert response.status_code == 200
    assert response.context["form"].errors["name"] == ["This field is required."]
    assert Organization.objects.count() == 0


def test_an_organization_cannot_be_its_own_parent(owner, browser_for):
    org = factories.make_organization(owner, name="Tata Steel")
    response = browser_for(owner).post(
        reverse("contacts:organization_edit", args=[org.pk]),
        org_form(owner=str(owner.pk), version="1", parent=f"Tata Steel (#{org.pk})"),
    )
    org.refresh_from_db()
    assert response.context["form"].errors["parent"] == [
        "An organization cannot be its own parent or ancestor."
    ]
    assert (org.parent_id, org.version) == (None, 1)


def test_edit_organization_with_a_stale_version_writes_nothing(owner, browser_for):
    org = factories.make_organization(owner, name="Tata Steel")
    services.organization_update(
        actor=owner, organization=org, data=OrganizationIn.build({"industry": "Steel"}), version=1
    )
    response = browser_for(owner).post(
        reverse("contacts:organization_edit", args=[org.pk]),
        org_form(owner=str(owner.pk), version="1", industry="Mining"),
    )
    org.refresh_from_db()
    assert response.status_code == 409
    assert "This record was changed by someone else" in text(response)
    assert response.context["form"]["industry"].value() == "Mining"
    assert (org.industry, org.version) == ("Steel", 2)


def test_outsider_cannot_edit_or_delete_an_organization(owner, outsider, browser_for):
    org = factories.make_organization(owner, name="Tata Steel")
    client = browser_for(outsider)
    edit = client.post(
        reverse("contacts:organization_edit", args=[org.pk]),
        org_form(owner=str(outsider.pk), name="Stolen"),
    )
    delete = client.post(reverse("contacts:organization_delete", args=[org.pk]))
    org.refresh_from_db()
    assert (edit.status_code, delete.status_code) == (404, 404)
    assert (org.name, org.version) == ("Tata Steel", 1)
