from __future__ import annotations

import pytest

from sambandh.contacts import services
from sambandh.contacts.models import Affiliation, Person
from sambandh.contacts.schemas import OrganizationIn, PersonIn
from sambandh.core.errors import ValidationFailed
from sambandh.events.worker import run_worker
from sambandh.sales.schemas import DealIn
from sambandh.search.models import SearchDocument
from tests.factories import make_organization

pytestmark = pytest.mark.django_db


def test_person_is_cleaned_at_write_time(owner):
    person = services.person_create(
        actor=owner,
        data=PersonIn.build(
            {
                "given_name": "  Ravi  ",
                "family_name": "Kumar ",
                "country": "in",
                "emails": [services.EmailIn(" Ravi.Kumar@Example.COM ")],
                "phones": [services.PhoneIn("098765 43210")],
            }
        ),
    )
    assert person.full_name == "Ravi Kumar"
    assert person.email == "ravi.kumar@example.com"
    assert person.phone == "+919876543210"
    assert person.country == "IN"
    doc = SearchDocument.objects.get(record_type="person", record_id=person.pk)
    assert "9876543210" in doc.terms.split() and "919876543210" in doc.terms.split()


def test_single_name_cultures_keep_full_name(owner):
    person = services.person_create(actor=owner, data=PersonIn.build({"full_name": "సుబ్బలక్ష్మి"}))
    assert (person.full_name, person.given_name, person.family_name) == ("సుబ్బలక్ష్మి", "", "")


def test_bad_input_reports_every_field_and_writes_nothing(owner):
    with pytest.raises(ValidationFailed) as err:
        services.person_create(
            actor=owner,
            data=PersonIn.build(
                {
                    "full_name": "",
                    "time_zone": "Mars/Olympus",
                    "emails": [services.EmailIn("not-an-email")],
                    "phones": [services.PhoneIn("12")],
                }
            ),
        )
    assert set(err.value.fields) == {"full_name", "time_zone", "emails.0.email", "phones.0.number"}
    assert Person.objects.count() == 0


def test_changing_organization_keeps_affiliation_history(owner):
    first, second = make_organization(owner, name="First"), make_organization(owner, name="Second")
    person = services.person_create(
        actor=owner,
        data=PersonIn.build({"full_name": "Asha", "organization_id": first.pk, "job_title": "CTO"}),
    )
    services.person_update(
        actor=owner, person=person, data=PersonIn.build({"organization_id": second.pk}), version=1
    )
    links = list(Affiliation.objects.filter(person=person).order_by("id"))
    assert [(a.organization.name, a.is_primary, a.ended_on is not None) for a in links] == [
        ("First", False, True),
        ("Second", True, False),
    ]


def test_renaming_or_deleting_an_organization_refreshes_its_people_in_search(owner, pipeline):
    from sambandh.sales.services import deal_create

    # given a person and a deal at an organization
    org = make_organization(owner, name="Old Name Traders")
    person = services.person_create(
        actor=owner, data=PersonIn.build({"full_name": "Kiran", "organization_id": org.pk})
    )
    deal = deal_create(
        actor=owner,
        data=DealIn.build(
            {"name": "Kiran deal", "organization_id": org.pk, "pipeline_id": pipeline.pk}
        ),
    )

    def subtitle(kind, pk):
        return SearchDocument.objects.get(record_type=kind, record_id=pk).subtitle

    # when the organization is renamed, the request leaves the fan-out to the worker
    services.organization_update(
        actor=owner,
        organization=org,
        data=OrganizationIn.build({"name": "New Name Ltd"}),
        version=1,
    )
    assert subtitle("person", person.pk) == "Old Name Traders"
    # and once the worker has run, both documents say the new name
    run_worker(until_idle=True)
    assert "New Name Ltd" in subtitle("person", person.pk)
    assert subtitle("deal", deal.pk) == "New Name Ltd"
    # and when it is deleted, neither mentions it any more
    services.organization_delete(actor=owner, organization=org, version=2)
    assert "New Name" not in subtitle("person", person.pk)
    assert subtitle("deal", deal.pk) == ""
