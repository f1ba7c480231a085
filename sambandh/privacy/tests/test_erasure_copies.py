"""Erasure reaches the copies of a person: the lead converted into them and any lead with one
of their emails (whatever its status), those leads' activities and files, and the payloads of
the event log's events about all of them. Someone else's lead is untouched."""

from __future__ import annotations

import json

import pytest

from sambandh.activities.models import Activity
from sambandh.attachments.services import attachment_add
from sambandh.attachments.tests import samples
from sambandh.core.models import AuditEvent
from sambandh.events.models import Event
from sambandh.privacy.erasure import pseudonym
from sambandh.privacy.services import request_create, request_erase
from sambandh.sales.models import Lead
from sambandh.sales.services import lead_convert
from sambandh.search.models import SearchDocument
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def copies(owner, media_root, django_capture_on_commit_callbacks):
    converted = factories.make_lead(
        owner,
        full_name="Asha Rao",
        email="asha@example.com",
        phone="+91 98450 12345",
        company="Rao Labs",
        description="Asha asked about pricing",
    )
    converted = lead_convert(actor=owner, lead=converted, version=None, create_deal=False)
    person = converted.converted_person
    again = factories.make_lead(
        owner, full_name="Asha R.", email="ASHA@Example.com", company="Rao Labs"
    )
    note = factories.make_activity(
        owner, "note", lead_id=again.pk, subject="Asha called", body="Asha's new number"
    )
    with django_capture_on_commit_callbacks(execute=True):
        attachment_add(
            actor=owner,
            record_type="lead",
            record_id=again.pk,
            upload=samples.upload("asha-rao-cv.pdf", samples.PDF),
        )
    stranger = factories.make_lead(owner, full_name="Bina Other", email="bina@example.com")
    return person, converted, again, note, stranger


def test_erasure_anonymizes_the_lead_copies_and_their_events(admin_user, copies):
    person, converted, again, note, stranger = copies
    request = request_create(actor=admin_user, type="erasure", person_id=person.pk)

    done = request_erase(actor=admin_user, request=request, version=request.version)

    label = pseudonym(person.pk)
    for lead in (converted, again):
        lead.refresh_from_db()
        assert (lead.full_name, lead.email, lead.phone, lead.company, lead.description) == (
            label,
            "",
            "",
            "",
            "",
        )
    assert Lead.objects.get(pk=converted.pk).status == Lead.Status.CONVERTED
    # the lead's note and file are erased like the person's
    note.refresh_from_db()
    assert (note.subject, note.body) == ("", "")
    assert done.outcome["leads"] == 2
    # nothing about Asha is left in the audit rows or the event payloads about them
    refs = {
        "person": [person.pk],
        "lead": [converted.pk, again.pk],
        "activity": [note.pk],
    }
    rows = [
        [r.changes, r.summary]
        for kind, ids in refs.items()
        for r in AuditEvent.objects.filter(record_type=kind, record_id__in=ids)
    ]
    events = [
        e.data
        for kind, ids in refs.items()
        for e in Event.objects.filter(record_type=kind, record_id__in=ids)
    ]
    text = json.dumps([rows, events]).lower()
    assert "asha" not in text and "9845012345" not in text and "rao labs" not in text
    added = Event.objects.get(type="attachment.added", record_id=again.pk)
    assert added.data["filename"] == "[erased]"
    assert isinstance(added.data["attachment_id"], int)  # an id of a record: kept
    assert done.outcome["events"] >= 1
    # the open lead is found by search under the pseudonym only
    doc = SearchDocument.objects.get(record_type="lead", record_id=again.pk)
    assert "asha" not in (doc.title + doc.terms + doc.subtitle).lower()
    # someone else's lead is untouched
    stranger.refresh_from_db()
    assert (stranger.full_name, stranger.email) == ("Bina Other", "bina@example.com")
    assert Activity.objects.filter(pk=note.pk).exists()
