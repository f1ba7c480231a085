"""Contact points (emails, phones, addresses) in the History tab: an update records the lists
before and after, and the list before can be put back in one click or through the API."""

from __future__ import annotations

from sambandh.contacts.models import Organization, Person
from sambandh.core.models import AuditEvent
from tests.api.helpers import assert_error
from tests.factories import make_organization, make_person

V1 = "/api/v1"


def _latest_update(record_type: str, record_id: int) -> AuditEvent:
    return AuditEvent.objects.filter(
        record_type=record_type, record_id=record_id, action="update"
    ).latest("id")


def _person_with_new_email(owner, api) -> Person:
    person = make_person(owner, full_name="Asha Rao")
    client = api(owner)
    resp = client.patch(
        f"{V1}/people/{person.pk}",
        {
            "emails": [{"email": "asha@old.example", "label": "work", "is_primary": True}],
            "version": 1,
        },
    )
    assert resp.status_code == 200, resp.content
    resp = client.patch(
        f"{V1}/people/{person.pk}",
        {
            "emails": [{"email": "asha@new.example", "label": "home", "is_primary": True}],
            "phones": [{"number": "+91 98450 12345", "label": "mobile", "is_primary": True}],
            "version": 2,
        },
    )
    assert resp.status_code == 200, resp.content
    person.refresh_from_db()
    return person


def test_an_update_records_the_lists_before_and_after(owner, api):
    person = _person_with_new_email(owner, api)
    row = _latest_update("person", person.pk)
    assert row.changes["emails"] == [
        [{"email": "asha@old.example", "label": "work", "is_primary": True}],
        [{"email": "asha@new.example", "label": "home", "is_primary": True}],
    ]
    assert row.changes["phones"] == [
        [],
        [{"number": "+919845012345", "label": "mobile", "is_primary": True}],
    ]
    assert "addresses" not in row.changes  # not sent: not changed


def test_the_history_tab_shows_the_points_and_puts_the_earlier_list_back(owner, api, browser_for):
    person = _person_with_new_email(owner, api)
    row = _latest_update("person", person.pk)
    html = browser_for(owner).get(f"/history/person/{person.pk}/").content.decode()
    assert "asha@old.example (work, primary)" in html
    assert "asha@new.example (home, primary)" in html
    resp = browser_for(owner).post(
        f"/history/entries/{row.pk}/restore/", {"field": "emails", "version": person.version}
    )
    assert resp.status_code == 302
    person.refresh_from_db()
    assert list(person.emails.values_list("email", "label", "is_primary")) == [
        ("asha@old.example", "work", True)
    ]
    assert person.email == "asha@old.example"
    assert person.phone == "+919845012345"  # only the restored list changed
    latest = _latest_update("person", person.pk)
    assert latest.pk != row.pk
    assert latest.changes["emails"][1] == [
        {"email": "asha@old.example", "label": "work", "is_primary": True}
    ]
    # the value now current is not offered again
    html = browser_for(owner).get(f"/history/person/{person.pk}/").content.decode()
    assert html.count(f'action="/history/entries/{row.pk}/restore/"') == 1  # phones only


def test_restore_an_organizations_phones_through_the_api(owner, api):
    org = make_organization(owner, name="Kestrel Analytics")
    client = api(owner)
    for version, number in enumerate(("+49 30 1234567", "+49 30 7654321"), start=1):
        resp = client.patch(
            f"{V1}/organizations/{org.pk}",
            {
                "phones": [{"number": number, "label": "office", "is_primary": True}],
                "version": version,
            },
        )
        assert resp.status_code == 200, resp.content
    org.refresh_from_db()
    row = _latest_update("organization", org.pk)
    resp = client.post(f"{V1}/audit/{row.pk}/restore", {"field": "phones", "version": org.version})
    assert resp.status_code == 200, resp.content
    assert resp.json()["value"] == [
        {"number": "+49301234567", "label": "office", "is_primary": True}
    ]
    org = Organization.objects.get(pk=org.pk)
    assert list(org.phones.values_list("e164", flat=True)) == ["+49301234567"]


def test_an_old_row_that_recorded_counts_offers_no_restore(owner, api, browser_for):
    org = make_organization(owner, name="Kestrel Analytics")
    row = AuditEvent.objects.create(
        actor=owner,
        action="update",
        record_type="organization",
        record_id=org.pk,
        changes={"emails": [2, 1]},
        changes_format=2,
    )
    html = browser_for(owner).get(f"/history/organization/{org.pk}/").content.decode()
    assert f'action="/history/entries/{row.pk}/restore/"' not in html
    resp = api(owner).post(
        f"{V1}/audit/{row.pk}/restore", {"field": "emails", "version": org.version}
    )
    assert_error(resp, 422, "validation_failed", {"field": "This value cannot be put back."})
