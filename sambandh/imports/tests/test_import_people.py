"""Importing people: Thunderbird's own test file, cleaning, duplicates by email and by external
id, a re-run that changes nothing, suppression, dry runs, and the audit trail."""

from __future__ import annotations

import pytest

from sambandh.contacts.models import Person
from sambandh.core.models import AuditEvent
from sambandh.dedupe.models import DuplicatePair
from sambandh.imports.models import ExternalId, ImportJob, ImportRow
from sambandh.imports.selectors import external_ids
from sambandh.imports.tests.helpers import fixture_bytes, outcomes, run_import
from tests.factories import make_person

pytestmark = pytest.mark.django_db

PEOPLE = (
    "Id,First Name,Last Name,Email,Phone,Country,Job title,Company,Tags\n"
    'A-1,Asha,Rao,Asha.Rao@Example.com,+91 98450 12345,India,Engineer,Acme,"vip, south"\n'
    "A-2,Bruno,Silva,bruno@example.com.br,,Brazil,,,\n"
)
MAPPING = {
    "Id": "external_id",
    "First Name": "given_name",
    "Last Name": "family_name",
    "Email": "email",
    "Phone": "phone",
    "Country": "country",
    "Job title": "job_title",
    "Company": "organization",
    "Tags": "tags",
}


def test_thunderbirds_basic_csv_gives_john_and_jane_doe_with_their_emails(owner):
    job = run_import(
        owner, "people", fixture_bytes("basic_csv_addressbook.csv"), preset="thunderbird"
    )
    assert (job.status, job.created, job.rejected) == ("done", 2, 0)
    people = {
        p.full_name: (p.given_name, p.family_name, p.email) for p in Person.objects.order_by("id")
    }
    assert people == {
        "John Doe": ("John", "Doe", "john@doe.invalid"),
        "Jane Doe": ("Jane", "Doe", "jane@doe.invalid"),
    }


def test_each_row_is_cleaned_and_its_organization_made_once(owner):
    job = run_import(owner, "people", PEOPLE, mapping=MAPPING)
    assert (job.status, job.total_rows, job.processed_rows, job.created) == ("done", 2, 2, 2)
    asha = Person.objects.get(given_name="Asha")
    assert (asha.full_name, asha.email, asha.phone, asha.country) == (
        "Asha Rao",
        "asha.rao@example.com",
        "+919845012345",
        "IN",
    )
    assert asha.organization is not None and asha.organization.name == "Acme"
    assert sorted(asha.tag_names) == ["south", "vip"]
    assert Person.objects.get(given_name="Bruno").country == "BR"
    row = ImportRow.objects.get(job=job, number=2)
    assert row.also_created == [["organization", asha.organization_id]]
    assert external_ids("person", [asha.pk]) == {asha.pk: "A-1"}


def test_a_rerun_keyed_on_external_ids_changes_nothing(owner):
    first = run_import(owner, "people", PEOPLE, mapping=MAPPING)
    versions = dict(Person.objects.values_list("pk", "version"))
    again = run_import(owner, "people", PEOPLE, mapping=MAPPING)
    assert (first.created, again.created, again.unchanged) == (2, 0, 2)
    assert outcomes(again) == [(2, "unchanged"), (3, "unchanged")]
    assert dict(Person.objects.values_list("pk", "version")) == versions
    assert ExternalId.objects.count() == 2


def test_a_changed_row_keyed_on_its_external_id_updates_the_record(owner):
    run_import(owner, "people", PEOPLE, mapping=MAPPING)
    changed = PEOPLE.replace("Engineer", "Architect")
    job = run_import(owner, "people", changed, mapping=MAPPING)
    assert (job.updated, job.unchanged) == (1, 1)
    asha = Person.objects.get(given_name="Asha")
    assert asha.job_title == "Architect"
    row = job.rows.get(number=2)
    assert (row.outcome, row.record_id, row.before, row.version) == (
        "updated",
        asha.pk,
        {"job_title": "Engineer"},
        asha.version,
    )


def test_an_email_that_exists_is_merged_skipped_flagged_or_created_as_chosen(owner):
    known = make_person(owner, full_name="Asha R.", emails=[{"email": "asha.rao@example.com"}])
    text = "Name,Email,Title\nAsha Rao,asha.rao@example.com,CTO\n"
    mapping = {"Name": "full_name", "Email": "email", "Title": "job_title"}
    skipped = run_import(owner, "people", text, mapping=mapping, on_duplicate="skip")
    assert outcomes(skipped) == [(2, "unchanged")]
    merged = run_import(owner, "people", text, mapping=mapping)
    assert outcomes(merged) == [(2, "merged")]
    known.refresh_from_db()
    assert (known.full_name, known.job_title) == ("Asha Rao", "CTO")
    flagged = run_import(owner, "people", text, mapping=mapping, on_duplicate="flag")
    new = flagged.rows.get().record_id
    assert outcomes(flagged) == [(2, "flagged")]
    pair = DuplicatePair.objects.get()
    assert (pair.record_a_id, pair.record_b_id, pair.status) == (known.pk, new, "open")
    created = run_import(owner, "people", text, mapping=mapping, on_duplicate="create")
    assert outcomes(created) == [(2, "created")]
    assert Person.objects.filter(email="asha.rao@example.com").count() == 3


def test_two_rows_of_one_file_with_one_email_make_one_person(owner):
    text = "Name,Email,Title\nAsha Rao,asha@example.com,\nAsha Rao,ASHA@example.com,CTO\n"
    job = run_import(
        owner, "people", text, mapping={"Name": "full_name", "Email": "email", "Title": "job_title"}
    )
    assert outcomes(job) == [(2, "created"), (3, "merged")]
    assert Person.objects.get().job_title == "CTO"


def test_bad_cells_reject_their_row_with_reasons_naming_the_column(owner):
    text = (
        "Name,Email,Phone,Country,Born\n"
        "Good One,good@example.com,,,1990-02-03\n"
        "Bad Email,not-an-email,,,\n"
        "Bad Phone,,12,,\n"
        ",,,,\n"
        "Bad Country,,,Atlantis,\n"
        "Bad Date,,,,31/31/1990\n"
    )
    mapping = {
        "Name": "full_name",
        "Email": "email",
        "Phone": "phone",
        "Country": "country",
        "Born": "birth_date",
    }
    job = run_import(owner, "people", text, mapping=mapping)
    # The wholly empty row 5 is a blank line to the reader, not a row: skipped, not rejected.
    assert (job.created, job.rejected) == (1, 4)
    reasons = {
        r.number: [x["field"] for x in r.reasons] for r in job.rows.filter(outcome="rejected")
    }
    assert reasons == {3: ["Email"], 4: ["Phone"], 6: ["Country"], 7: ["Born"]}
    assert Person.objects.get().birth_date.isoformat() == "1990-02-03"


def test_a_suppressed_email_is_rejected_with_that_reason(owner, admin_user):
    from sambandh.privacy.models import SuppressedContact
    from sambandh.privacy.selectors import contact_digest

    SuppressedContact.objects.create(digest=contact_digest("email", "gone@example.com"))
    text = "Name,Email\nGone Person,Gone@Example.com\nStays,stays@example.com\n"
    job = run_import(owner, "people", text, mapping={"Name": "full_name", "Email": "email"})
    assert outcomes(job) == [(2, "rejected"), (3, "created")]
    assert "erased" in job.rows.get(number=2).reasons[0]["message"]
    assert not Person.objects.filter(email="gone@example.com").exists()


def test_a_dry_run_writes_nothing_and_says_what_would_happen(owner):
    make_person(owner, full_name="Asha", emails=[{"email": "asha.rao@example.com"}])
    text = PEOPLE + "A-3,,,not-an-email,,,,,\n"
    before = (Person.objects.count(), AuditEvent.objects.filter(action="create").count())
    job = run_import(owner, "people", text, mapping=MAPPING, dry_run=True)
    assert outcomes(job) == [(2, "would_merge"), (3, "would_create"), (4, "would_reject")]
    assert (job.merged, job.created, job.rejected) == (1, 1, 1)
    assert (Person.objects.count(), AuditEvent.objects.filter(action="create").count()) == before
    assert not ExternalId.objects.exists()
    note = [r["message"] for r in job.rows.get(number=2).reasons]
    assert "The organization “Acme” would be created." in note


def test_every_import_is_in_the_audit_trail_and_its_records_carry_source_import(owner):
    job = run_import(owner, "people", PEOPLE, mapping=MAPPING)
    row = AuditEvent.objects.get(action="import")
    assert (row.actor_id, row.record_type, row.changes["job"][1], row.changes["created"][1]) == (
        owner.pk,
        "person",
        job.pk,
        2,
    )
    created = AuditEvent.objects.filter(action="create", record_type="person")
    assert set(created.values_list("source", flat=True)) == {"import"}


def test_custom_fields_are_imported_by_their_type(owner, admin_user):
    from sambandh.customfields.services import custom_field_create

    custom_field_create(
        actor=admin_user,
        data={"record_type": "person", "label": "Score", "type": "number", "key": "score"},
    )
    text = "Name,Score\nA,42\nB,many\n"
    job = run_import(owner, "people", text, mapping={"Name": "full_name", "Score": "custom.score"})
    assert outcomes(job) == [(2, "created"), (3, "rejected")]
    assert Person.objects.get().custom == {"score": 42}
    assert job.rows.get(number=3).reasons[0]["field"] == "Score"


def test_the_job_counts_every_row(owner):
    rows = "".join(f"P{i},p{i}@example.com\n" for i in range(120))
    job = run_import(
        owner, "people", "Name,Email\n" + rows, mapping={"Name": "full_name", "Email": "email"}
    )
    assert (job.status, job.total_rows, job.processed_rows, job.created, job.cursor) == (
        "done",
        120,
        120,
        120,
        121,
    )
    assert ImportJob.objects.get(pk=job.pk).progress == 1.0


def test_the_duplicate_scan_reads_the_external_ids_an_import_recorded(owner):
    import csv
    import io

    from sambandh.dedupe.scan import run_scan

    text = "Id,Name,Email\nSF-1,Asha Rao,asha@example.com\nSF-2,Asha Rao,asha@example.com\n"
    mapping = {"Id": "external_id", "Name": "full_name", "Email": "email"}
    run_import(owner, "people", text, mapping=mapping, on_duplicate="create")
    out = io.StringIO()
    run_scan("people", out=out, store=False)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert [(r["external_id_a"], r["external_id_b"]) for r in rows] == [("SF-1", "SF-2")]


def test_bad_cells_skip_writes_the_row_without_the_cell_and_names_it(owner):
    text = (
        "Name,Email,Born\n"
        "Good One,good@example.com,1990-02-03\n"
        "Bad Email,not-an-email,1991-03-04\n"
        "Bad Date,bad@example.com,31/31/1990\n"
        "Not Born Yet,future@example.com,2999-01-01\n"
    )
    mapping = {"Name": "full_name", "Email": "email", "Born": "birth_date"}
    job = run_import(owner, "people", text, mapping=mapping, bad_cells="skip")
    assert (job.created, job.rejected) == (4, 0)
    bad_email = Person.objects.get(full_name="Bad Email")
    assert (bad_email.email, bad_email.birth_date.isoformat()) == ("", "1991-03-04")
    bad_date = Person.objects.get(full_name="Bad Date")
    assert (bad_date.email, bad_date.birth_date) == ("bad@example.com", None)
    reasons = {r.number: [x["field"] for x in r.reasons] for r in job.rows.all()}
    # a value the service refuses (a birth date in the future) is left out the same way
    future = Person.objects.get(full_name="Not Born Yet")
    assert (future.email, future.birth_date) == ("future@example.com", None)
    assert reasons == {2: [], 3: ["Email"], 4: ["Born"], 5: ["Born"]}
    assert all(o == "created" for _n, o in outcomes(job))


def test_bad_cells_must_be_reject_or_skip(owner):
    from sambandh.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as caught:
        run_import(owner, "people", "Name\nA\n", mapping={"Name": "full_name"}, bad_cells="x")
    assert set(caught.value.fields) == {"bad_cells"}
    assert Person.objects.count() == 0


def test_google_contacts_labels_become_the_contact_points_labels(owner):
    text = (
        "First Name,Last Name,E-mail 1 - Label,E-mail 1 - Value,Phone 1 - Label,Phone 1 - Value,"
        "Phone 2 - Label,Phone 2 - Value\n"
        "Asha,Rao,* Work,asha@example.in,Mobile ::: Home,+91 98450 12345,,+91 80 2222 3333\n"
    )
    job = run_import(owner, "people", text, preset="google")
    assert job.created == 1, list(job.rows.values_list("reasons", flat=True))
    person = Person.objects.get()
    assert [(e.email, e.label) for e in person.emails.all()] == [("asha@example.in", "Work")]
    phones = {p.e164: p.label for p in person.phones.all()}
    assert phones == {"+919845012345": "Mobile", "+918022223333": "other"}


def test_languages_exported_as_names_are_read(owner):
    """HubSpot's "Preferred language" holds names ("German"), not codes."""
    text = "Email,Preferred language\nanna@example.de,German\nravi@example.in,Hindi\n"
    job = run_import(owner, "people", text, preset="hubspot")
    assert (job.status, job.created, job.rejected) == ("done", 2, 0)
    assert dict(Person.objects.values_list("email", "preferred_language")) == {
        "anna@example.de": "de",
        "ravi@example.in": "hi",
    }
