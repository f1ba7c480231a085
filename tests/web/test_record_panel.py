"""A record's side panel (sambandh/panels): ``GET /panel/<type>/<id>/`` answers a fragment with
the record's name (a link to its page), owner, linked records the viewer may see, its simple
fields editable in place within the field rules, its custom fields and its five newest timeline
entries; 404 for a record the viewer may not see. Lists and the board link their rows to it."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from sambandh.accounts.services_access import field_permission_set, record_share_add
from sambandh.contacts.models import Person
from sambandh.customfields.services import custom_field_create
from tests import factories
from tests.registry_app.records import gadget_create
from tests.web.helpers import count_queries, text

pytestmark = pytest.mark.django_db


def _url(record_type: str, pk: int) -> str:
    return f"/panel/{record_type}/{pk}/"


def test_the_owner_sees_the_person_with_editable_fields_and_the_latest_entries(
    owner, admin_user, browser_for
):
    # given a person of the owner's with an organization, tags, a custom value and 7 notes
    custom_field_create(
        actor=admin_user,
        data={"record_type": "person", "key": "tier", "label": "Tier", "type": "text"},
    )
    org = factories.make_organization(owner, name="Kestrel Analytics")
    person = factories.make_person(
        owner,
        full_name="Ana Pereira",
        email="ana@kestrel.example",
        organization_id=org.pk,
        source="Trade fair",
        tags=["vip"],
        custom={"tier": "Gold"},
    )
    for n in range(7):
        factories.make_activity(owner, "note", subject=f"Note number {n}", person_id=person.pk)
    # when the owner opens its panel
    response = browser_for(owner).get(_url("person", person.pk))
    body = text(response)
    # then it shows the name as a link to the page, the facts and the newest five entries
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert f'<a href="/people/{person.pk}/" data-panel-focus>Ana Pereira</a>' in body
    assert "Olivia Owner" in body
    assert f'<a href="/organizations/{org.pk}/">Kestrel Analytics</a>' in body
    assert "ana@kestrel.example" in body and ">vip<" in body
    assert 'data-custom-field="tier"' in body and "Gold" in body
    assert f'data-inline-url="/inline/person/{person.pk}/source/"' in body
    assert "data-inline-edit" in body and "Trade fair" in body
    shown = re.findall(r"Note number (\d)", body)
    assert shown == ["6", "5", "4", "3", "2"]
    assert "Open full page" in body
    # the fragment is not a whole page
    assert "<html" not in body and "<body" not in body


def test_each_record_type_has_a_panel(owner, pipeline, browser_for):
    org = factories.make_organization(owner, name="Kestrel Analytics", industry="Analytics")
    deal = factories.make_deal(owner, pipeline, name="Looms order", organization_id=org.pk)
    lead = factories.make_lead(owner, full_name="Luis Lead", company="Loom Co")
    gadget = gadget_create(actor=owner, name="Quantum widget", color="teal")
    client = browser_for(owner)
    body = text(client.get(_url("organization", org.pk)))
    assert "Kestrel Analytics" in body and f"/inline/organization/{org.pk}/industry/" in body
    body = text(client.get(_url("deal", deal.pk)))
    assert "Looms order" in body and "Qualified" in body  # its stage
    assert f'<a href="/organizations/{org.pk}/">Kestrel Analytics</a>' in body
    assert f"/inline/deal/{deal.pk}/amount/" in body
    body = text(client.get(_url("lead", lead.pk)))
    assert "Luis Lead" in body and f"/inline/lead/{lead.pk}/company/" in body
    # a type declared only in the tests: its panel, without a timeline, and no editor since
    # it declares no update
    response = client.get(_url("gadget", gadget.pk))
    body = text(response)
    assert response.status_code == 200
    assert f'<a href="/gadgets/{gadget.pk}/" data-panel-focus>Quantum widget</a>' in body
    assert "teal" in body and "data-inline-edit" not in body
    assert "Latest activity" not in body
    # nor can its field be saved in place (a refusal, not a server error), and nothing changed
    url = f"/inline/gadget/{gadget.pk}/color/"
    assert client.post(url, {"value": "red", "version": gadget.version}).status_code == 403
    assert client.get(url).status_code == 403
    gadget.refresh_from_db()
    assert gadget.color == "teal"
    # an activity is a record type too
    call = factories.make_activity(
        owner, "call", subject="Called about looms", outcome="Keen", deal_id=deal.pk
    )
    response = client.get(_url("activity", call.pk))
    assert response.status_code == 200 and "Called about looms" in text(response)
    assert "Keen" in text(response)


def test_a_record_the_viewer_may_not_see_is_a_404(owner, teammate, outsider, browser_for):
    person = factories.make_person(owner, full_name="Ana Pereira")
    for user in (teammate, outsider):
        response = browser_for(user).get(_url("person", person.pk))
        assert response.status_code == 404
        assert "Ana Pereira" not in text(response)
    client = browser_for(owner)
    assert client.get(_url("person", person.pk + 1000)).status_code == 404
    assert client.get(_url("nothing", person.pk)).status_code == 404
    assert client.get(f"/panel/person/{'9' * 30}/").status_code == 404
    assert client.post(_url("person", person.pk)).status_code == 405
    # signed out: to the login page
    response = Client().get(_url("person", person.pk))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_a_linked_record_the_viewer_may_not_see_is_not_named(owner, teammate, browser_for):
    # given a person shared with the teammate, at an organization that is not
    org = factories.make_organization(owner, name="Secret Looms Ltd")
    person = factories.make_person(owner, full_name="Ana Pereira", organization_id=org.pk)
    record_share_add(actor=owner, record_type="person", record=person, user=teammate)
    # when the teammate opens the person's panel
    response = browser_for(teammate).get(_url("person", person.pk))
    # then the person shows, not the organization, and nothing is editable (read share)
    body = text(response)
    assert response.status_code == 200 and "Ana Pereira" in body
    assert "Secret Looms" not in body and f"/organizations/{org.pk}/" not in body
    assert "data-inline-edit" not in body


def test_fields_hidden_by_a_rule_are_absent_and_read_only_ones_not_editable(
    owner, readonly, admin_user, browser_for
):
    person = factories.make_person(
        owner, full_name="Ana Pereira", source="Trade fair", description="Likes tea"
    )
    field_permission_set(
        actor=admin_user, record_type="person", field="source", hidden_from=["sales_rep"]
    )
    field_permission_set(
        actor=admin_user, record_type="person", field="description", read_only_for=["sales_rep"]
    )
    body = text(browser_for(owner).get(_url("person", person.pk)))
    assert "Trade fair" not in body and "/source/" not in body
    assert "Likes tea" in body
    assert f'data-inline-url="/inline/person/{person.pk}/description/"' in body
    about = body.split(f"/inline/person/{person.pk}/description/")[1].split("</div>")[0]
    assert "data-inline-edit" not in about
    # a read-only user the record is shared with sees the values and edits none
    record_share_add(actor=owner, record_type="person", record=person, user=readonly)
    body = text(browser_for(readonly).get(_url("person", person.pk)))
    assert "Trade fair" in body and "data-inline-edit" not in body


def test_the_number_of_queries_does_not_grow_with_the_record(
    owner, admin_user, pipeline, browser_for
):
    custom_field_create(
        actor=admin_user,
        data={"record_type": "person", "key": "tier", "label": "Tier", "type": "text"},
    )
    plain = factories.make_person(owner, full_name="Plain")
    org = factories.make_organization(owner, name="Kestrel Analytics")
    rich = factories.make_person(
        owner, full_name="Rich", organization_id=org.pk, tags=["a", "b"], custom={"tier": "x"}
    )
    factories.make_timeline(owner, person_id=rich.pk)
    deal = factories.make_deal(owner, pipeline, person_ids=[rich.pk])
    factories.move_deal(owner, deal, "Proposal")
    client = browser_for(owner)
    few = count_queries(client, _url("person", plain.pk))
    many = count_queries(client, _url("person", rich.pk))
    assert many <= few + 3, (few, many)  # the organization's link, the tags, the stage rows
    assert many <= 20, many
    assert count_queries(client, _url("deal", deal.pk)) <= 20


def test_lists_and_the_board_open_rows_in_the_panel(owner, pipeline, browser_for):
    person = factories.make_person(owner, full_name="Ana Pereira")
    org = factories.make_organization(owner, name="Kestrel Analytics")
    deal = factories.make_deal(owner, pipeline, name="Looms order")
    lead = factories.make_lead(owner, full_name="Luis Lead")
    gadget = gadget_create(actor=owner, name="Quantum widget")
    client = browser_for(owner)
    pages = [
        (reverse("contacts:person_list"), "person", person.pk),
        (reverse("contacts:organization_list"), "organization", org.pk),
        (reverse("sales:deal_list"), "deal", deal.pk),
        (reverse("sales:lead_list"), "lead", lead.pk),
        (reverse("sales:deal_board"), "deal", deal.pk),
        ("/records/gadgets/", "gadget", gadget.pk),
    ]
    for url, kind, pk in pages:
        body = text(client.get(url))
        assert f'data-panel="/panel/{kind}/{pk}/"' in body, url
        # the shell holds the drawer and loads its script
        assert 'id="record-panel"' in body and "web/panel.js" in body
    assert Person.objects.count() == 1
