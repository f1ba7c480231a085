"""A record's History tab and field restore, on pages and through the API; reads of sensitive
fields."""

from __future__ import annotations

from sambandh.accounts.services_access import field_permission_set
from sambandh.contacts.models import Person
from sambandh.core.models import AuditEvent
from sambandh.history.sensitive import sensitive_field_set
from tests.api.helpers import assert_error, snapshot
from tests.factories import make_deal, make_organization, make_person

V1 = "/api/v1"


def _update_row(person: Person) -> AuditEvent:
    return AuditEvent.objects.filter(
        record_type="person", record_id=person.pk, action="update"
    ).latest("id")


def _retitled(owner, api, *, title: str = "CTO") -> Person:
    person = make_person(owner, full_name="Asha Rao", job_title="Engineer")
    resp = api(owner).patch(f"{V1}/people/{person.pk}", {"job_title": title, "version": 1})
    assert resp.status_code == 200, resp.content
    person.refresh_from_db()
    return person


# --- the History tab ------------------------------------------------------------------------------
def test_the_history_tab_shows_who_changed_what_from_where(owner, api, browser_for):
    person = _retitled(owner, api)
    page = browser_for(owner).get(f"/history/person/{person.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Olivia Owner" in html and "Engineer" in html and "CTO" in html
    assert "Source: API" in html and "127.0.0.1" in html
    # and the record page links to it
    record = browser_for(owner).get(f"/people/{person.pk}/").content.decode()
    assert f'href="/history/person/{person.pk}/"' in record


def test_every_record_type_has_one(owner, pipeline, browser_for):
    org = make_organization(owner, name="Kestrel")
    deal = make_deal(owner, pipeline, name="Big deal")
    for path in (f"/history/organization/{org.pk}/", f"/history/deal/{deal.pk}/"):
        assert browser_for(owner).get(path).status_code == 200
    assert (
        f"/history/deal/{deal.pk}/" in browser_for(owner).get(f"/deals/{deal.pk}/").content.decode()
    )


def test_only_who_may_see_the_record_sees_its_history(owner, outsider, api, browser_for):
    person = _retitled(owner, api)
    assert browser_for(outsider).get(f"/history/person/{person.pk}/").status_code == 404
    assert browser_for(owner).get("/history/nothing/1/").status_code == 404


def test_fields_hidden_from_the_viewer_are_hidden_in_the_history(
    owner, teammate, admin_user, api, browser_for
):
    # given a job title hidden from sales reps, changed by the owner's manager... by an admin
    person = make_person(owner, full_name="Asha Rao", job_title="Secret title", country="IN")
    resp = api(admin_user).patch(
        f"{V1}/people/{person.pk}", {"job_title": "Hidden CTO", "country": "FR", "version": 1}
    )
    assert resp.status_code == 200, resp.content
    field_permission_set(
        actor=admin_user, record_type="person", field="job_title", hidden_from=["sales_rep"]
    )
    html = browser_for(owner).get(f"/history/person/{person.pk}/").content.decode()
    assert "Hidden CTO" not in html and "Secret title" not in html
    assert 'data-field="country"' in html and 'data-field="job_title"' not in html
    admin_html = browser_for(admin_user).get(f"/history/person/{person.pk}/").content.decode()
    assert "Hidden CTO" in admin_html


# --- restore --------------------------------------------------------------------------------------
def test_restore_puts_the_earlier_value_back_as_a_new_change(owner, api, browser_for):
    person = _retitled(owner, api)
    row = _update_row(person)
    html = browser_for(owner).get(f"/history/person/{person.pk}/").content.decode()
    assert f'action="/history/entries/{row.pk}/restore/"' in html
    resp = browser_for(owner).post(
        f"/history/entries/{row.pk}/restore/",
        {"field": "job_title", "version": person.version},
    )
    assert resp.status_code == 302
    person.refresh_from_db()
    assert person.job_title == "Engineer"
    latest = _update_row(person)
    assert latest.pk != row.pk and latest.changes["job_title"] == ["CTO", "Engineer"]
    assert latest.source == "interface"
    assert AuditEvent.objects.get(pk=row.pk).changes["job_title"] == ["Engineer", "CTO"]


def test_a_stale_version_is_refused_and_nothing_changes(owner, api, browser_for):
    person = _retitled(owner, api)
    row = _update_row(person)
    client = api(owner)
    before = snapshot(person)
    resp = browser_for(owner).post(
        f"/history/entries/{row.pk}/restore/",
        {"field": "job_title", "version": person.version - 1},
        follow=True,
    )
    assert [str(m) for m in resp.context["messages"]] == [
        "Someone changed this record since you opened its history. Nothing was put back: "
        "check the latest values and try again."
    ]
    assert snapshot(person) == before
    # and through the API: 409
    resp = client.post(
        f"{V1}/audit/{row.pk}/restore", {"field": "job_title", "version": person.version - 1}
    )
    assert_error(resp, 409, "version_conflict")
    assert snapshot(person) == before


def test_restore_through_the_api(owner, api):
    person = _retitled(owner, api)
    row = _update_row(person)
    resp = api(owner).post(
        f"{V1}/audit/{row.pk}/restore", {"field": "job_title", "version": person.version}
    )
    assert resp.status_code == 200, resp.content
    assert resp.json() == {
        "record_type": "person",
        "record_id": person.pk,
        "field": "job_title",
        "value": "Engineer",
        "version": person.version + 1,
    }
    person.refresh_from_db()
    assert person.job_title == "Engineer"


def test_restore_is_refused_to_who_may_not_change_it(owner, outsider, readonly, api):
    person = _retitled(owner, api)
    row = _update_row(person)
    as_outsider, as_reader, as_owner = api(outsider), api(readonly), api(owner)
    before = snapshot(person)
    body = {"field": "job_title", "version": person.version}
    assert_error(as_outsider.post(f"{V1}/audit/{row.pk}/restore", body), 404, "not_found")
    assert_error(as_reader.post(f"{V1}/audit/{row.pk}/restore", body), 403, "forbidden")
    assert_error(
        as_owner.post(f"{V1}/audit/{row.pk}/restore", {**body, "field": "country"}),
        422,
        "validation_failed",
        {"field": "This entry did not change this field."},
    )
    assert_error(
        as_owner.post(f"{V1}/audit/{row.pk}/restore", {"field": "job_title"}),
        428,
        "version_required",
    )
    assert_error(as_owner.post(f"{V1}/audit/987654321/restore", body), 404, "not_found")
    assert snapshot(person) == before


# --- sensitive fields -----------------------------------------------------------------------------
def test_a_read_that_shows_a_sensitive_field_is_logged(owner, admin_user, api, browser_for):
    person = make_person(owner, full_name="Asha Rao", phone="+91 98450 12345")
    sensitive_field_set(actor=admin_user, record_type="person", field="phones", sensitive=True)
    reads = AuditEvent.objects.filter(action="read", record_type="person", record_id=person.pk)
    # the record page
    assert browser_for(owner).get(f"/people/{person.pk}/").status_code == 200
    row = reads.latest("id")
    assert (row.actor_id, row.changes, row.source) == (
        owner.pk,
        {"fields": [None, ["phones"]]},
        "interface",
    )
    # the side panel
    assert browser_for(owner).get(f"/panel/person/{person.pk}/").status_code == 200
    assert reads.count() == 2
    # the API (the read lane steps aside so that the API writes it)
    client = api(owner)
    assert client.get(f"{V1}/people/{person.pk}").status_code == 200
    assert not client.lane_answered
    assert (reads.count(), reads.latest("id").source) == (3, "api")
    # a field hidden from the viewer is not shown, so not logged
    field_permission_set(
        actor=admin_user, record_type="person", field="phones", hidden_from=["sales_rep"]
    )
    assert client.get(f"{V1}/people/{person.pk}").status_code == 200
    assert browser_for(owner).get(f"/people/{person.pk}/").status_code == 200
    assert reads.count() == 3
    # and once unmarked, nothing more is logged
    sensitive_field_set(actor=admin_user, record_type="person", field="phones", sensitive=False)
    assert api(admin_user).get(f"{V1}/people/{person.pk}").status_code == 200
    assert reads.count() == 3


def test_marking_a_field_is_an_administrators_audited_change(owner, admin_user, browser_for):
    resp = browser_for(admin_user).post("/settings/fields/?type=person", {"sensitive:phones": "on"})
    assert resp.status_code == 302
    row = AuditEvent.objects.filter(action="permission_change", record_type="person").latest("id")
    assert row.changes == {"field": [None, "phones"], "sensitive": [False, True]}
    page = browser_for(admin_user).get("/settings/fields/?type=person").content.decode()
    assert 'name="sensitive:phones" checked' in page
    assert (
        browser_for(owner)
        .post("/settings/fields/?type=person", {"sensitive:emails": "on"})
        .status_code
        == 403
    )
