"""Record pickers (lookup inputs) write a record as its name and what tells it apart, a domain or
an email the viewer may see, never an internal id; what is typed or picked is found again by
name, or by name and that qualifier when two records share a name."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sambandh.accounts.services_access import field_permission_set
from sambandh.contacts.models import Organization
from sambandh.web.forms import record_ref, resolve_record
from tests import factories
from tests.web.helpers import text

pytestmark = pytest.mark.django_db


def test_two_organizations_of_one_name_are_told_apart_by_their_domain(owner):
    berlin = factories.make_organization(owner, name="Kestrel Analytics GmbH", domain="kestrel.de")
    zurich = factories.make_organization(owner, name="Kestrel Analytics GmbH", domain="kestrel.ch")
    assert record_ref(berlin, owner) == "Kestrel Analytics GmbH · kestrel.de"
    qs = Organization.objects.all()
    assert resolve_record(qs, "Kestrel Analytics GmbH · kestrel.ch") == (zurich, None)
    assert resolve_record(qs, "kestrel analytics gmbh · KESTREL.DE") == (berlin, None)
    # the name alone is ambiguous, and says so
    found, error = resolve_record(qs, "Kestrel Analytics GmbH")
    assert found is None and "Several records" in (error or "")
    # a name that holds the separator itself is still found whole
    dotted = factories.make_organization(owner, name="A · B Trading")
    assert resolve_record(qs, "A · B Trading") == (dotted, None)
    # and a name alone that is unique, as typed by hand
    assert resolve_record(qs, "a · b trading") == (dotted, None)
    found, error = resolve_record(qs, "Nobody · nowhere.example")
    assert found is None and "Nothing called “Nobody”" in (error or "")


def test_a_person_is_written_with_their_email_unless_it_is_hidden_from_the_viewer(
    owner, admin_user
):
    person = factories.make_person(owner, full_name="Ana Pereira", email="ana@cerrado.example")
    assert record_ref(person, owner) == "Ana Pereira · ana@cerrado.example"
    field_permission_set(
        actor=admin_user, record_type="person", field="emails", hidden_from=["sales_rep"]
    )
    fresh = type(owner).objects.get(pk=owner.pk)  # field rules are read once per request/user
    assert record_ref(person, fresh) == "Ana Pereira"
    assert record_ref(person) == "Ana Pereira"


def test_the_deal_form_shows_its_organization_and_people_without_ids(owner, pipeline, browser_for):
    org = factories.make_organization(owner, name="Cerrado Alimentos", domain="cerrado.example")
    person = factories.make_person(owner, full_name="Ana Pereira", email="ana@cerrado.example")
    deal = factories.make_deal(owner, pipeline, organization_id=org.pk, person_ids=[person.pk])
    body = text(browser_for(owner).get(reverse("sales:deal_edit", args=[deal.pk])))
    assert 'value="Cerrado Alimentos · cerrado.example"' in body
    assert 'value="Ana Pereira · ana@cerrado.example"' in body
    assert "(#" not in body
