"""Creating an organization from the person form and a person from the deal form, without
leaving it (contacts/views_quick.py): the same services and inputs as the full forms; a bad
input is a 422 naming its field, and nothing is created."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sambandh.contacts.models import Organization, Person
from tests import factories

pytestmark = pytest.mark.django_db

ORG = reverse("contacts:organization_quick_create")
PERSON = reverse("contacts:person_quick_create")


def test_an_organization_is_created_and_answered_as_the_picker_writes_it(owner, browser_for):
    response = browser_for(owner).post(ORG, {"name": " Kestrel Analytics ", "domain": "kestrel.de"})
    assert response.status_code == 201, response.content
    org = Organization.objects.get()
    assert (org.name, org.domain, org.owner_id) == ("Kestrel Analytics", "kestrel.de", owner.pk)
    assert response.json() == {
        "id": org.pk,
        "ref": "Kestrel Analytics · kestrel.de",
        "name": "Kestrel Analytics",
        "url": f"/organizations/{org.pk}/",
    }


def test_a_person_takes_the_deal_forms_organization_when_the_user_may_see_it(
    owner, outsider, browser_for
):
    mine = factories.make_organization(owner, name="Cerrado Alimentos", domain="cerrado.example")
    factories.make_organization(outsider, name="Hidden Ltd")
    client = browser_for(owner)
    response = client.post(
        PERSON,
        {
            "full_name": "Ana Pereira",
            "email": "ana@cerrado.example",
            "organization": "Cerrado Alimentos · cerrado.example",
        },
    )
    assert response.status_code == 201, response.content
    ana = Person.objects.get(full_name="Ana Pereira")
    assert (ana.organization_id, ana.email) == (mine.pk, "ana@cerrado.example")
    assert response.json()["ref"] == "Ana Pereira · ana@cerrado.example"
    # an organization the user may not see is not linked, and not named back
    response = client.post(PERSON, {"full_name": "Ravi", "organization": "Hidden Ltd"})
    assert response.status_code == 201
    assert Person.objects.get(full_name="Ravi").organization_id is None


def test_bad_input_names_its_field_and_creates_nothing(owner, browser_for):
    client = browser_for(owner)
    response = client.post(PERSON, {"full_name": "Ana", "email": "not-an-address"})
    assert response.status_code == 422
    assert "emails.0.email" in response.json()["fields"]
    response = client.post(ORG, {"name": ""})
    assert response.status_code == 422 and response.json()["fields"]
    assert not Person.objects.exists() and not Organization.objects.exists()


def test_a_read_only_user_may_not_create(readonly, browser_for):
    assert browser_for(readonly).post(ORG, {"name": "Acme"}).status_code == 403
    assert not Organization.objects.exists()


def test_the_forms_offer_it(owner, pipeline, browser_for):
    client = browser_for(owner)
    body = client.get(reverse("contacts:person_create")).content.decode()
    assert 'data-quick-create="quick-organization"' in body and 'id="quick-organization"' in body
    body = client.get(reverse("sales:deal_create")).content.decode()
    assert 'data-quick-create="quick-person"' in body and 'id="quick-person"' in body
