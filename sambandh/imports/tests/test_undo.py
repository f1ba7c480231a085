"""Undoing an import: its creations go to the recycle bin (with the organizations it made), its
updates are put back, a record changed since is left and listed, and the undo is audited."""

from __future__ import annotations

import pytest

from sambandh.contacts.models import Organization, Person
from sambandh.contacts.schemas import PersonIn
from sambandh.contacts.services import person_update
from sambandh.core.errors import ValidationFailed
from sambandh.core.models import AuditEvent
from sambandh.imports.models import ExternalId
from sambandh.imports.services import import_undo
from sambandh.imports.tests.helpers import run_import
from sambandh.recyclebin.models import BinEntry
from tests.factories import make_person

pytestmark = pytest.mark.django_db

TEXT = (
    "Id,Name,Email,Company,Title\n"
    "A,Asha Rao,asha@example.com,Acme,Engineer\n"
    "B,Bruno Silva,bruno@example.com,,\n"
)
MAPPING = {
    "Id": "external_id",
    "Name": "full_name",
    "Email": "email",
    "Company": "organization",
    "Title": "job_title",
}


def test_undo_removes_what_the_import_created_with_the_organization_it_made(owner):
    job = run_import(owner, "people", TEXT, mapping=MAPPING)
    assert (Person.objects.count(), Organization.objects.count()) == (2, 1)
    undone = import_undo(actor=owner, job=job)
    assert (undone.status, undone.undo_report) == ("undone", [])
    assert (Person.objects.count(), Organization.objects.count()) == (0, 0)
    assert BinEntry.objects.filter(record_type="person").count() == 2
    assert not ExternalId.objects.exists()
    row = AuditEvent.objects.get(action="import_undo")
    assert (row.changes["job"][1], row.changes["deleted"][1], row.changes["not_undone"][1]) == (
        job.pk,
        2,
        0,
    )
    with pytest.raises(ValidationFailed):
        import_undo(actor=owner, job=job)


def test_undo_puts_back_the_fields_an_import_changed(owner):
    known = make_person(owner, full_name="Asha R.", email="asha@example.com", job_title="Intern")
    job = run_import(owner, "people", TEXT, mapping=MAPPING)
    known.refresh_from_db()
    assert (known.full_name, known.job_title) == ("Asha Rao", "Engineer")
    import_undo(actor=owner, job=job)
    known.refresh_from_db()
    assert (known.full_name, known.job_title, known.organization_id) == ("Asha R.", "Intern", None)
    assert list(Person.objects.values_list("pk", flat=True)) == [known.pk]


def test_a_record_changed_since_the_import_is_left_and_listed(owner):
    job = run_import(owner, "people", TEXT, mapping=MAPPING)
    asha = Person.objects.get(full_name="Asha Rao")
    person_update(actor=owner, person=asha, data=PersonIn.build({"job_title": "CTO"}), version=None)
    undone = import_undo(actor=owner, job=job)
    assert undone.undo_report == [
        {
            "row": 2,
            "record_id": asha.pk,
            "reason": "It was changed after the import; it was left as it is.",
        }
    ]
    assert list(Person.objects.values_list("full_name", flat=True)) == ["Asha Rao"]
    assert Organization.objects.count() == 1  # still Asha's


def test_a_dry_run_cannot_be_undone(owner):
    job = run_import(owner, "people", TEXT, mapping=MAPPING, dry_run=True)
    with pytest.raises(ValidationFailed):
        import_undo(actor=owner, job=job)
