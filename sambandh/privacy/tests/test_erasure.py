"""Erasure: the person is anonymized across every related record, their emails and phones are
suppressed (never created again), and the audit trail keeps the proof, not the values."""

from __future__ import annotations

import json

import pytest

from sambandh.activities.models import Activity
from sambandh.attachments.models import Attachment
from sambandh.attachments.services import attachment_add
from sambandh.attachments.tests import samples
from sambandh.contacts.models import EmailAddress, Person, PhoneNumber, SocialHandle
from sambandh.contacts.schemas import PersonIn
from sambandh.contacts.services import person_create
from sambandh.core.errors import ValidationFailed
from sambandh.core.models import AuditEvent
from sambandh.customfields.services import custom_field_create
from sambandh.emails.models import OutboundEmail
from sambandh.emails.schemas import EmailIn
from sambandh.emails.services import email_send
from sambandh.privacy.erasure import PSEUDONYM_PREFIX
from sambandh.privacy.models import DataSubjectRequest, SuppressedContact
from sambandh.privacy.selectors import is_suppressed
from sambandh.privacy.services import request_create
from sambandh.search.models import SearchDocument
from tests import factories
from tests.api.helpers import assert_error

pytestmark = pytest.mark.django_db
URL = "/api/v1/privacy/requests"


@pytest.fixture
def subject(owner, admin_user, media_root, django_capture_on_commit_callbacks):
    custom_field_create(
        actor=admin_user,
        data={
            "record_type": "person",
            "key": "tier",
            "label": "Tier",
            "type": "text",
            "required": False,
        },
    )
    person = factories.make_person(
        owner,
        full_name="Asha Rao",
        email="Asha@Example.com",
        phone="+91 98450 12345",
        custom={"tier": "gold"},
        job_title="CTO",
        description="Met at the Pune meetup",
    )
    SocialHandle.objects.create(person=person, network="mastodon", handle="@asha")
    note = factories.make_activity(
        owner, "note", person_id=person.pk, subject="Call Asha", body="Asha's mobile is private"
    )
    email = email_send(
        actor=owner,
        data=EmailIn(
            person_id=person.pk,
            to=["asha@example.com"],
            subject="Hello Asha",
            body="Dear Asha, ...",
        ),
    )
    with django_capture_on_commit_callbacks(execute=True):
        attachment_add(
            actor=owner,
            record_type="person",
            record_id=person.pk,
            upload=samples.upload("cv.pdf", samples.PDF),
        )
        attachment_add(
            actor=owner,
            record_type="activity",
            record_id=note.pk,
            upload=samples.upload("n.pdf", samples.PDF),
        )
    other = factories.make_person(owner, full_name="Bina Other", email="bina@example.com")
    return person, note, email.activity, other


def test_erasure_anonymizes_every_related_record(
    api, admin_user, subject, media_root, django_capture_on_commit_callbacks
):
    person, note, sent, other = subject
    request = request_create(actor=admin_user, type="erasure", person_id=person.pk)
    with django_capture_on_commit_callbacks(execute=True):
        resp = api(admin_user).post(f"{URL}/{request.pk}/erase", {})
    assert resp.status_code == 200, resp.content
    assert resp.json()["status"] == "done"
    person.refresh_from_db()
    # the person: blanked, renamed, no contact points, no custom values
    assert person.full_name.startswith(PSEUDONYM_PREFIX)
    assert (person.email, person.phone, person.job_title, person.description) == ("", "", "", "")
    assert person.custom == {}
    assert not EmailAddress.objects.filter(person=person).exists()
    assert not PhoneNumber.objects.filter(person=person).exists()
    assert not SocialHandle.objects.filter(person=person).exists()
    # activities and the sent email: no personal text, no recipients
    assert Activity.objects.filter(pk__in=[note.pk, sent.pk], subject="", body="").count() == 2
    assert OutboundEmail.objects.get(activity=sent).to == []
    # files: rows and stored files gone
    assert not Attachment.objects.exists()
    assert samples.stored_files(media_root) == []
    # search: the document says the pseudonym, nothing of the name or email
    doc = SearchDocument.objects.get(record_type="person", record_id=person.pk)
    assert doc.title == person.full_name and "asha" not in (doc.terms + doc.subtitle).lower()
    # the suppression list holds keyed hashes only
    assert SuppressedContact.objects.count() == 2
    assert not SuppressedContact.objects.filter(digest__icontains="asha").exists()
    assert is_suppressed(email="asha@example.com") and is_suppressed(phone="+919845012345")
    assert not is_suppressed(email="bina@example.com")
    # the audit trail: the proof, by whom, without the erased values
    proof = AuditEvent.objects.get(
        record_type="person", record_id=person.pk, changes__has_key="erased"
    )
    assert proof.actor == admin_user
    assert proof.changes["activities"] == [None, 2] and proof.changes["attachments"] == [None, 2]
    about = AuditEvent.objects.filter(
        record_type__in=["person", "activity"], record_id__in=[person.pk, note.pk]
    )
    text = json.dumps([[a.changes, a.summary] for a in about])
    assert "Asha" not in text and "asha@" not in text.lower() and "9845012345" not in text
    # someone else is untouched
    other.refresh_from_db()
    assert other.full_name == "Bina Other" and other.email == "bina@example.com"
    # and the request cannot be carried out twice
    assert_error(api(admin_user).post(f"{URL}/{request.pk}/erase", {}), 409, "version_conflict")


def test_a_suppressed_email_or_phone_cannot_be_created_again(api, admin_user, owner, subject):
    person, _note, _sent, _other = subject
    request = request_create(actor=admin_user, type="erasure", person_id=person.pk)
    api(admin_user).post(f"{URL}/{request.pk}/erase", {})
    count = Person.objects.count()
    resp = api(owner).post(
        "/api/v1/people", {"full_name": "Asha R.", "emails": [{"email": "ASHA@example.com "}]}
    )
    assert_error(resp, 422, "validation_failed")
    assert "emails.0.email" in resp.json()["error"]["fields"]
    with pytest.raises(ValidationFailed) as refused:
        person_create(
            actor=owner,
            data=PersonIn.build({"full_name": "A", "phones": [{"number": "+91 98450-12345"}]}),
        )
    assert "phones.0.number" in refused.value.fields
    # adding it to someone else is refused too
    bina = factories.make_person(owner, full_name="Bina")
    resp = api(owner).patch(
        f"/api/v1/people/{bina.pk}",
        {"emails": [{"email": "asha@example.com"}], "version": bina.version},
    )
    assert_error(resp, 422, "validation_failed")
    assert Person.objects.count() == count + 1


def test_an_erasure_request_needs_the_erase_step_and_an_admin(api, admin_user, owner, subject):
    person, *_rest = subject
    request = request_create(actor=admin_user, type="erasure", person_id=person.pk)
    assert_error(api(owner).post(f"{URL}/{request.pk}/erase", {}), 403, "forbidden")
    person.refresh_from_db()
    assert person.full_name == "Asha Rao"
    assert DataSubjectRequest.objects.get(pk=request.pk).status == "received"
    access = request_create(actor=admin_user, type="access", person_id=person.pk)
    assert_error(api(admin_user).post(f"{URL}/{access.pk}/erase", {}), 422, "validation_failed")
    assert not SuppressedContact.objects.exists()
