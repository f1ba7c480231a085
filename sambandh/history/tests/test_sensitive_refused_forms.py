"""An edit form whose save is refused (a field's error, a version conflict) is shown again: what
the user typed, but the stored value of each field that is read-only for them. Those stored
values are a read of the record when marked sensitive (web/records.py ``save_form``); what the
user typed is not."""

from __future__ import annotations

import pytest

from sambandh.accounts.services_access import field_permission_set
from sambandh.contacts import services as contacts
from sambandh.contacts.schemas import PersonPatch
from sambandh.core.models import AuditEvent
from sambandh.history.sensitive import sensitive_field_set
from tests.factories import make_activity, make_deal, make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(owner, admin_user):
    person = make_person(
        owner, full_name="Asha Rao", job_title="Zqjobtitle", description="Zqstoredabout"
    )
    for name in ("job_title", "description"):
        sensitive_field_set(actor=admin_user, record_type="person", field=name, sensitive=True)
    # The owner (a sales rep) sees the job title but may not change it.
    field_permission_set(
        actor=admin_user, record_type="person", field="job_title", read_only_for=["sales_rep"]
    )
    return person


def _kept(owner):
    """What the form needs besides the fields a test types."""
    return {"owner": owner.pk}


def _reads(before):
    return [
        (r.record_type, r.record_id, r.changes)
        for r in AuditEvent.objects.filter(id__gt=before, action="read").order_by("id")
    ]


def _last_id():
    return AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


def test_a_form_refused_for_a_fields_error_records_the_stored_read_only_value(
    owner, browser_for, person
):
    before = _last_id()
    resp = browser_for(owner).post(
        f"/people/{person.pk}/edit/",
        {"full_name": "", "description": "Typed about", "version": person.version},
    )
    assert resp.status_code == 200
    body = resp.content.decode()
    assert "Zqjobtitle" in body  # the disabled field shows the stored value
    assert "Typed about" in body and "Zqstoredabout" not in body
    assert _reads(before) == [
        ("person", person.pk, {"fields": [None, ["job_title"]], "via": [None, "form"]})
    ]


def test_a_form_refused_for_a_version_conflict_records_the_stored_read_only_value(
    owner, browser_for, person
):
    stale = person.version
    contacts.person_update(
        actor=owner,
        person=person,
        data=PersonPatch.build({"description": "Changed meanwhile"}),
        version=stale,
    )
    before = _last_id()
    resp = browser_for(owner).post(
        f"/people/{person.pk}/edit/",
        {**_kept(owner), "full_name": "Asha Rao", "description": "Typed about", "version": stale},
    )
    assert resp.status_code == 409
    body = resp.content.decode()
    assert "Zqjobtitle" in body
    assert "Typed about" in body and "Changed meanwhile" not in body
    assert _reads(before) == [
        ("person", person.pk, {"fields": [None, ["job_title"]], "via": [None, "form"]})
    ]


def test_a_refused_form_with_nothing_read_only_records_nothing(
    owner, admin_user, browser_for, person
):
    field_permission_set(actor=admin_user, record_type="person", field="job_title")
    before = _last_id()
    resp = browser_for(owner).post(
        f"/people/{person.pk}/edit/",
        {"full_name": "", "job_title": "Typed title", "version": person.version},
    )
    assert resp.status_code == 200
    assert "Typed title" in resp.content.decode()
    assert "Zqjobtitle" not in resp.content.decode()
    assert _reads(before) == []


def test_a_saved_form_records_no_read(owner, browser_for, person):
    before = _last_id()
    resp = browser_for(owner).post(
        f"/people/{person.pk}/edit/",
        {
            **_kept(owner),
            "full_name": "Asha Rao",
            "description": "Typed about",
            "version": person.version,
        },
    )
    assert resp.status_code == 302
    assert _reads(before) == []


def test_a_refused_deal_form_records_its_read_only_amount(owner, admin_user, browser_for, pipeline):
    deal = make_deal(owner, pipeline, name="Looms", amount="73519.28", currency="INR")
    sensitive_field_set(actor=admin_user, record_type="deal", field="amount", sensitive=True)
    field_permission_set(
        actor=admin_user, record_type="deal", field="amount", read_only_for=["sales_rep"]
    )
    before = _last_id()
    resp = browser_for(owner).post(f"/deals/{deal.pk}/edit/", {"name": "", "version": deal.version})
    assert resp.status_code == 200
    assert "73519.28" in resp.content.decode() or "73,519.28" in resp.content.decode()
    assert _reads(before) == [
        ("deal", deal.pk, {"fields": [None, ["amount"]], "via": [None, "form"]})
    ]


def test_a_timeline_entry_shown_again_records_what_it_shows(owner, admin_user, browser_for):
    """A task ticked done, an activity whose delete met a conflict: the entry comes back as it
    is stored (htmx), a read of its body."""
    person = make_person(owner, full_name="Asha Rao")
    task = make_activity(owner, "task", body="Zqtaskbody", person_id=person.pk)
    sensitive_field_set(actor=admin_user, record_type="activity", field="body", sensitive=True)
    client = browser_for(owner)
    htmx = {"HX-Request": "true"}
    before = _last_id()
    resp = client.post(
        f"/activities/{task.pk}/toggle/", {"done": "1", "version": task.version}, headers=htmx
    )
    assert resp.status_code == 200 and "Zqtaskbody" in resp.content.decode()
    before_delete = _last_id()
    assert _reads(before) == [
        (
            "activity",
            None,
            {"fields": [None, ["body"]], "ids": [None, [task.pk]], "via": [None, "timeline"]},
        )
    ]
    resp = client.post(f"/activities/{task.pk}/delete/", {"version": 1}, headers=htmx)
    assert resp.status_code == 409 and "Zqtaskbody" in resp.content.decode()
    assert _reads(before_delete) == [
        (
            "activity",
            None,
            {"fields": [None, ["body"]], "ids": [None, [task.pk]], "via": [None, "timeline"]},
        )
    ]
