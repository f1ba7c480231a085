"""The places that had the browser's native date input now have the product's own (web/
date_inputs.py): a person's date of birth, a consent's expiry, the audit log's "Since", a date
custom field's list filter, and a privacy request's "Received" (a date and time). Each reads the
picker's ISO value, reads a day typed in the user's own format (the script off), and refuses text
that is not a day with the user's example, in their language, showing the text again and changing
nothing."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.urls import reverse

from sambandh.consents.models import Consent
from sambandh.contacts.models import Person
from sambandh.core.audit import audit_record
from sambandh.core.audit_context import audit_context
from sambandh.core.models import AuditEvent, SavedView
from sambandh.customfields.services import custom_field_create
from sambandh.privacy.models import DataSubjectRequest
from tests import factories
from tests.web.helpers import text
from tests.web.test_people_pages import person_form

pytestmark = pytest.mark.django_db

PEOPLE = reverse("contacts:person_list")
AUDIT = "/settings/audit/"


def _prefs(user, **values):  # noqa: ANN001, ANN003, ANN202
    for key, value in values.items():
        setattr(user, key, value)
    user.save(update_fields=list(values))
    return user


def _german_error(typed: str) -> str:
    return f"„{typed}“ ist kein Datum. Schreiben Sie es wie 31.12.2026."


# --- a person's date of birth ---------------------------------------------------------------------
@pytest.mark.parametrize(
    ("locale", "sent"),
    [
        ("en-GB", {"birth_date": "1990-12-31"}),  # the picker's ISO value
        ("en-GB", {"birth_date_date": "31/12/1990"}),  # typed, the script off
        ("en-US", {"birth_date_date": "12/31/1990"}),
        ("de", {"birth_date_date": "31.12.1990"}),
    ],
)
def test_a_date_of_birth_from_the_picker_or_typed_the_users_way(owner, browser_for, locale, sent):
    _prefs(owner, format_locale=locale)
    response = browser_for(owner).post(
        reverse("contacts:person_create"), person_form(owner=str(owner.pk), **sent)
    )
    assert response.status_code == 302, text(response)[:2000]
    assert Person.objects.get().birth_date == dt.date(1990, 12, 31)


def test_the_person_form_shows_the_date_of_birth_the_users_way(owner, browser_for):
    _prefs(owner, format_locale="de")
    person = factories.make_person(owner, full_name="Asha Rao", birth_date="1990-12-31")
    page = text(browser_for(owner).get(reverse("contacts:person_edit", args=[person.pk])))
    assert 'name="birth_date_date" value="31.12.1990"' in page
    assert 'name="birth_date" value="1990-12-31" data-date-iso disabled>' in page
    assert 'type="date"' not in page


def test_a_date_of_birth_that_is_not_a_day_is_refused_and_nothing_changes(owner, browser_for):
    # given a German-speaking user editing a person born on 31/12/1990
    _prefs(owner, language="de", format_locale="de")
    person = factories.make_person(owner, full_name="Asha Rao", birth_date="1990-12-31")
    client = browser_for(owner)
    url = reverse("contacts:person_edit", args=[person.pk])
    form = client.get(url).context["form"]
    data = {k: ("" if v is None else str(v)) for k, v in form.initial.items()}
    # the script off: the hidden ISO input is disabled and not sent, the typed text is
    del data["birth_date"]
    data.update(birth_date_date="31.13.1990", job_title="CEO", full_name="Asha Rao")

    response = client.post(url, data)

    assert response.status_code == 200
    assert response.context["form"].errors["birth_date"] == [_german_error("31.13.1990")]
    assert 'name="birth_date_date" value="31.13.1990"' in text(response)
    person.refresh_from_db()
    assert (person.birth_date, person.job_title, person.version) == (dt.date(1990, 12, 31), "", 1)


# --- a consent's expiry ---------------------------------------------------------------------------
def _consent(**expiry: str) -> dict[str, str]:
    return {
        "consent-purpose": "sms",
        "consent-channel": "",
        "consent-status": "granted",
        "consent-lawful_basis": "consent",
        "consent-source": "Signed paper form",
        "consent-proof_text": "",
        **expiry,
    }


@pytest.mark.parametrize(
    ("locale", "sent"),
    [
        ("en-GB", {"consent-expires_on": "2099-12-31"}),
        ("en-GB", {"consent-expires_on_date": "31/12/2099"}),
        ("de", {"consent-expires_on_date": "31.12.2099"}),
    ],
)
def test_a_consent_expires_at_the_end_of_the_day_picked_or_typed(owner, browser_for, locale, sent):
    _prefs(owner, format_locale=locale, time_zone="Asia/Kolkata")
    person = factories.make_person(owner, full_name="Asha Rao")
    response = browser_for(owner).post(
        reverse("consents:person", args=[person.pk]), _consent(**sent)
    )
    assert response.status_code == 302, text(response)[:2000]
    kolkata = zoneinfo.ZoneInfo("Asia/Kolkata")
    assert Consent.objects.get().expires_at == dt.datetime(2099, 12, 31, 23, 59, 59, tzinfo=kolkata)


def test_a_consent_expiry_that_is_not_a_day_is_refused_and_nothing_is_written(owner, browser_for):
    _prefs(owner, language="de", format_locale="de")
    person = factories.make_person(owner, full_name="Asha Rao")
    form_page = text(browser_for(owner).get(reverse("consents:person", args=[person.pk])))
    assert 'name="consent-expires_on_date"' in form_page and 'type="date"' not in form_page

    response = browser_for(owner).post(
        reverse("consents:person", args=[person.pk]),
        _consent(**{"consent-expires_on_date": "31.13.2099"}),
    )

    assert response.status_code == 422
    assert response.context["consent_form"].errors["expires_on"] == [_german_error("31.13.2099")]
    assert 'name="consent-expires_on_date" value="31.13.2099"' in text(response)
    assert Consent.objects.count() == 0


# --- the audit log's "Since" ----------------------------------------------------------------------
def _two_evenings(admin):  # noqa: ANN001, ANN202
    """Two entries an hour apart in UTC, either side of midnight in Berlin (UTC+1)."""
    with audit_context(at=dt.datetime(2026, 12, 30, 22, 30, tzinfo=dt.UTC)):
        before = audit_record(actor=admin, action="update", record_type="tag", record_id=1)
    with audit_context(at=dt.datetime(2026, 12, 30, 23, 30, tzinfo=dt.UTC)):
        after = audit_record(actor=admin, action="update", record_type="tag", record_id=2)
    return before, after


@pytest.mark.parametrize(
    ("locale", "sent", "shown"),
    [
        ("en-GB", {"since": "2026-12-31"}, "31/12/2026"),  # the picker's ISO value
        ("en-GB", {"since_date": "31/12/2026"}, "31/12/2026"),  # typed, the script off
        ("de", {"since_date": "31.12.2026"}, "31.12.2026"),
        ("en-US", {"since_date": "12/31/2026"}, "12/31/2026"),
    ],
)
def test_the_audit_log_since_a_day_in_the_admins_zone(admin_user, browser_for, locale, sent, shown):
    _prefs(admin_user, format_locale=locale, time_zone="Europe/Berlin")
    before, after = _two_evenings(admin_user)

    response = browser_for(admin_user).get(AUDIT, {"record_type": "tag", **sent})

    assert response.status_code == 200
    # the day starts at midnight in Berlin: 23:00 UTC the evening before
    assert [row["event"].pk for row in response.context["rows"]] == [after.pk]
    page = text(response)
    assert f'name="since_date" value="{shown}"' in page
    assert 'name="since" value="2026-12-31" data-date-iso disabled' in page
    assert 'type="date"' not in page


def test_the_audit_log_still_reads_a_moment_from_a_link(admin_user, browser_for):
    before, after = _two_evenings(admin_user)
    response = browser_for(admin_user).get(
        AUDIT, {"record_type": "tag", "since": "2026-12-30T23:00:00+00:00"}
    )
    assert [row["event"].pk for row in response.context["rows"]] == [after.pk]


def test_a_since_that_is_not_a_day_is_a_translated_error_not_a_crash(admin_user, browser_for):
    _prefs(admin_user, language="de", format_locale="de")
    _two_evenings(admin_user)
    entries = AuditEvent.objects.count()

    response = browser_for(admin_user).get(AUDIT, {"since_date": "31.13.2026"})

    assert response.status_code == 422
    assert response.context["errors"] == {"since": _german_error("31.13.2026")}
    assert response.context["rows"] == []
    page = text(response)
    assert 'name="since_date" value="31.13.2026"' in page
    assert 'aria-describedby="audit-since_format audit-since-error" aria-invalid="true"' in page
    assert '<p class="field-error" id="audit-since-error">' in page
    assert AuditEvent.objects.count() == entries


# --- a date custom field's list filter ------------------------------------------------------------
def _renewals(admin, owner):  # noqa: ANN001, ANN202
    custom_field_create(
        actor=admin,
        data={"record_type": "person", "key": "renewal", "label": "Renewal", "type": "date"},
    )
    due = factories.make_person(owner, full_name="Asha", custom={"renewal": "2026-12-31"})
    later = factories.make_person(owner, full_name="Bela", custom={"renewal": "2027-01-15"})
    return due, later


def test_a_date_filter_reads_the_pickers_day_and_shows_it_the_users_way(
    admin_user, owner, browser_for
):
    _prefs(owner, format_locale="en-GB")
    due, _later = _renewals(admin_user, owner)

    response = browser_for(owner).get(PEOPLE, {"custom.renewal": "2026-12-31"})

    assert response.status_code == 200
    assert [p.pk for p in response.context["rows"]] == [due.pk]
    page = text(response)
    assert 'name="custom.renewal_date" value="31/12/2026"' in page
    assert 'data-custom-filter="custom.renewal"' in page and 'placeholder="Renewal"' in page
    assert 'name="custom.renewal" value="2026-12-31" data-date-iso disabled' in page
    assert 'type="date"' not in page


@pytest.mark.parametrize(
    ("locale", "sent"),
    [
        ("de", {"custom.renewal_date": "31.12.2026"}),  # typed, the script off
        ("en-US", {"custom.renewal_date": "12/31/2026", "name": ""}),  # the whole filter form
        ("en-GB", {"custom.renewal": "2026-12-31", "custom.renewal_date": "31/12/2026"}),
    ],
)
def test_a_typed_day_is_answered_with_the_iso_link(admin_user, owner, browser_for, locale, sent):
    _prefs(owner, format_locale=locale)
    due, _later = _renewals(admin_user, owner)
    client = browser_for(owner)

    response = client.get(PEOPLE, sent)

    assert response.status_code == 302
    assert response["Location"] == f"{PEOPLE}?custom.renewal=2026-12-31"
    followed = client.get(response["Location"])
    assert [p.pk for p in followed.context["rows"]] == [due.pk]


def test_a_date_filter_that_is_not_a_day_says_why_in_the_users_language(
    admin_user, owner, browser_for
):
    _prefs(owner, language="de", format_locale="de")
    due, later = _renewals(admin_user, owner)

    response = browser_for(owner).get(PEOPLE, {"custom.renewal_date": "31.13.2026"})

    # the list is shown unfiltered by it, with the error, and the text to correct
    assert response.status_code == 200
    assert response.context["list_error"] == _german_error("31.13.2026")
    assert {p.pk for p in response.context["rows"]} == {due.pk, later.pk}
    page = text(response)
    assert 'id="list-error" role="alert"' in page
    assert 'name="custom.renewal_date" value="31.13.2026"' in page
    assert 'aria-describedby="filter-renewal_format list-error" aria-invalid="true"' in page
    assert response.context["state"].filters == {}


def test_a_saved_view_keeps_the_day_in_iso(admin_user, owner, browser_for):
    _prefs(owner, format_locale="de")
    due, _later = _renewals(admin_user, owner)
    client = browser_for(owner)
    saved = client.post(
        PEOPLE, {"_action": "save_view", "view_name": "Renewals", "custom.renewal": "2026-12-31"}
    )
    assert saved.status_code == 302
    view = SavedView.objects.get()
    assert view.filters == {"custom.renewal": "2026-12-31"}
    opened = client.get(PEOPLE, {"view": view.pk})
    assert [p.pk for p in opened.context["rows"]] == [due.pk]
    assert 'name="custom.renewal_date" value="31.12.2026"' in text(opened)


# --- a privacy request's "Received" (a date and a time) -------------------------------------------
@pytest.mark.parametrize(
    ("locale", "sent"),
    [
        ("de", {"received_at": "2026-12-01T10:00"}),  # the picker's ISO value
        ("de", {"received_at_date": "01.12.2026", "received_at_time": "10:00"}),
        ("en-US", {"received_at_date": "12/1/2026", "received_at_time": "10:00 AM"}),
    ],
)
def test_a_privacy_requests_received_time_is_read_in_the_admins_zone(
    admin_user, owner, browser_for, locale, sent
):
    _prefs(admin_user, format_locale=locale, time_zone="Europe/Berlin")
    person = factories.make_person(owner, full_name="Asha Rao")
    client = browser_for(admin_user)
    form = text(client.get("/privacy/requests/new/", {"person": person.pk}))
    assert 'name="received_at_date"' in form and "Europe/Berlin (UTC+01:00)" in form
    assert "datetime-local" not in form

    response = client.post(
        "/privacy/requests/new/", {"type": "access", "person_id": person.pk, **sent}
    )

    assert response.status_code == 302, text(response)[:2000]
    received = DataSubjectRequest.objects.get().received_at
    assert received == dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)


def test_a_received_day_that_is_not_one_is_refused_and_nothing_is_written(
    admin_user, owner, browser_for
):
    _prefs(admin_user, language="de", format_locale="de")
    person = factories.make_person(owner, full_name="Asha Rao")
    response = browser_for(admin_user).post(
        "/privacy/requests/new/",
        {
            "type": "access",
            "person_id": person.pk,
            "received_at_date": "31.13.2026",
            "received_at_time": "10:00",
        },
    )
    assert response.status_code == 422
    assert response.context["form"].errors["received_at"] == [_german_error("31.13.2026")]
    assert 'name="received_at_date" value="31.13.2026"' in text(response)
    assert DataSubjectRequest.objects.count() == 0


# --- digits enough to overflow are an error, not a crash ------------------------------------------
@pytest.mark.parametrize(
    ("day", "time", "message"),
    [
        ("31/99999999999999999999/2026", "10:00", "“31/99999999999999999999/2026” is not a date."),
        ("99999999999999999999/1/2026", "10:00", "“99999999999999999999/1/2026” is not a date."),
        ("01/12/2026", "99999999999999999999:00", "“99999999999999999999:00” is not a time."),
        ("01/12/2026", "10:" + "9" * 5000, "is not a time."),
    ],
)
def test_a_day_or_time_of_many_digits_is_refused_not_a_crash(
    admin_user, owner, browser_for, day, time, message
):
    _prefs(admin_user, format_locale="en-GB")
    person = factories.make_person(owner, full_name="Asha Rao")
    response = browser_for(admin_user).post(
        "/privacy/requests/new/",
        {
            "type": "access",
            "person_id": person.pk,
            "received_at_date": day,
            "received_at_time": time,
        },
    )
    assert response.status_code == 422
    assert message in response.context["form"].errors["received_at"][0]
    assert DataSubjectRequest.objects.count() == 0
