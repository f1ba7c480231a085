"""Inline editing (web/inline.py, web/views_inline.py): one field changed in place through the
record's own service, with the version the page was loaded at; what the user typed is kept on a
conflict, a bad value or a deletion; the policy decides who may see and change each field."""

from __future__ import annotations

import pytest

from sambandh.accounts.services_access import field_permission_set
from sambandh.contacts.models import Person
from sambandh.core.models import AuditEvent
from sambandh.sales.models import Deal
from tests import factories
from tests.web.helpers import text

pytestmark = pytest.mark.django_db


def _url(record_type: str, pk: int, field: str) -> str:
    return f"/inline/{record_type}/{pk}/{field}/"


def test_the_page_offers_the_field_and_a_save_changes_it_with_an_audit_row(owner, browser_for):
    person = factories.make_person(owner, full_name="Ana Pereira")
    client = browser_for(owner)
    body = text(client.get(f"/people/{person.pk}/"))
    assert f'data-inline-url="{_url("person", person.pk, "country")}"' in body
    assert 'data-record="person-' in body and "data-inline-edit" in body
    # the editor, then the save
    editor = text(client.get(_url("person", person.pk, "country") + f"?version={person.version}"))
    assert 'name="value"' in editor and '<option value="BR">' in editor
    response = client.post(
        _url("person", person.pk, "country"), {"value": "BR", "version": person.version}
    )
    assert response.status_code == 200
    person.refresh_from_db()
    assert person.country == "BR"
    assert response["X-Record-Version"] == str(person.version)
    assert "Brazil" in text(response) and "data-inline-edit" in text(response)
    assert AuditEvent.objects.filter(
        record_type="person", record_id=person.pk, action="update"
    ).exists()
    # an empty value clears the field
    client.post(_url("person", person.pk, "source"), {"value": "Fair", "version": person.version})
    person.refresh_from_db()
    client.post(_url("person", person.pk, "source"), {"value": " ", "version": person.version})
    person.refresh_from_db()
    assert person.source == ""


def test_a_conflict_keeps_what_was_typed_and_changes_nothing(owner, browser_for):
    person = factories.make_person(owner, full_name="Ana Pereira")
    stale = person.version
    client = browser_for(owner)
    client.post(_url("person", person.pk, "source"), {"value": "Fair", "version": stale})
    response = client.post(
        _url("person", person.pk, "source"), {"value": "Web form", "version": stale}
    )
    assert response.status_code == 409
    assert 'value="Web form"' in text(response) and "Someone else changed" in text(response)
    assert Person.objects.get(pk=person.pk).source == "Fair"


def test_a_bad_value_is_shown_on_the_field_and_changes_nothing(owner, pipeline, browser_for):
    deal = factories.make_deal(owner, pipeline, probability=20)
    client = browser_for(owner)
    url = _url("deal", deal.pk, "probability")
    for bad in ("150", "lots"):
        response = client.post(url, {"value": bad, "version": deal.version})
        assert response.status_code == 422
        assert f'value="{bad}"' in text(response) and 'aria-invalid="true"' in text(response)
    assert Deal.objects.get(pk=deal.pk).probability == 20
    response = client.post(url, {"value": "60", "version": deal.version})
    assert response.status_code == 200 and "60%" in text(response)
    response = client.post(
        _url("deal", deal.pk, "expected_close_date"), {"value": "2027-02-30", "version": 99}
    )
    assert response.status_code in (409, 422)


def test_a_record_deleted_meanwhile_keeps_what_was_typed(owner, browser_for):
    person = factories.make_person(owner, full_name="Ana Pereira")
    client = browser_for(owner)
    url = _url("person", person.pk, "source")
    Person.objects.filter(pk=person.pk).delete()
    response = client.post(url, {"value": "Fair", "version": person.version})
    assert response.status_code == 404  # gone for everyone: nothing to edit any more


def test_who_may_edit_what(owner, teammate, outsider, readonly, admin_user, browser_for):
    person = factories.make_person(owner, full_name="Ana Pereira")
    url = _url("person", person.pk, "source")
    # a user who may not see the record: 404, for the editor and the save
    assert browser_for(outsider).get(url).status_code == 404
    assert browser_for(outsider).post(url, {"value": "x"}).status_code == 404
    # a read-only user sees the value, cannot open the editor or save
    reader = browser_for(readonly)
    page = text(reader.get(f"/people/{person.pk}/"))
    assert "data-inline-edit" not in page
    assert reader.get(url).status_code == 403
    assert reader.post(url, {"value": "x", "version": person.version}).status_code == 403
    # a field hidden from the role is not there at all
    field_permission_set(
        actor=admin_user, record_type="person", field="source", hidden_from=["sales_rep"]
    )
    assert browser_for(owner).get(url).status_code == 404
    # a field that is not a simple value (a link, the tags) has no inline editor
    assert browser_for(owner).get(_url("person", person.pk, "tags")).status_code == 404
    assert browser_for(owner).get(_url("nothing", person.pk, "source")).status_code == 404
    assert Person.objects.get(pk=person.pk).source == ""
