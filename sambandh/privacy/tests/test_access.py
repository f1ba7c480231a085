"""Access requests: the zip holds everything about the person, built in the background, and is
handed out once."""

from __future__ import annotations

import csv
import io
import json
import zipfile

import pytest

from sambandh.attachments.services import attachment_add
from sambandh.attachments.tests import samples
from sambandh.core.models import AuditEvent
from sambandh.customfields.services import custom_field_create
from sambandh.events.worker import run_worker
from sambandh.privacy import providers
from sambandh.privacy.models import DataSubjectRequest
from sambandh.privacy.services import request_create
from tests import factories
from tests.api.helpers import assert_error

pytestmark = pytest.mark.django_db
URL = "/api/v1/privacy/requests"


@pytest.fixture
def subject(owner, admin_user, pipeline):
    """A person with contact points, a custom field value, a note with a file, a deal, and
    another person who must not appear in their export."""
    custom_field_create(
        actor=admin_user,
        data={"record_type": "person", "key": "tier", "label": "Tier", "type": "text"},
    )
    person = factories.make_person(
        owner,
        full_name="Asha Rao",
        email="asha@example.com",
        phone="+919845012345",
        custom={"tier": "gold"},
        residency="in",
    )
    note = factories.make_activity(owner, "note", person_id=person.pk, body="Asha prefers Tuesdays")
    attachment_add(
        actor=owner,
        record_type="person",
        record_id=person.pk,
        upload=samples.upload("cv.pdf", samples.PDF),
    )
    factories.make_deal(owner, pipeline, name="Rao renewal", person_ids=[person.pk])
    factories.make_person(owner, full_name="Bina Other", email="bina@example.com")
    return person, note


def _build(admin_user, person, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        request = request_create(actor=admin_user, type="access", person_id=person.pk)
    run_worker(until_idle=True)  # the background task builds the zip
    request.refresh_from_db()
    return request


def test_the_zip_holds_everything_about_the_person(
    api, admin_user, subject, django_capture_on_commit_callbacks
):
    person, note = subject
    providers.register(
        "consents", lambda p: [{"purpose": "newsletter", "status": "granted", "person": p.pk}]
    )
    try:
        request = _build(admin_user, person, django_capture_on_commit_callbacks)
    finally:
        providers.unregister("consents")
    assert request.status == DataSubjectRequest.Status.READY, request.error
    resp = api(admin_user).get(f"{URL}/{request.pk}/export")
    assert resp.status_code == 200, resp.content
    assert resp["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(resp.content))
    names = set(archive.namelist())
    for kind in (
        "records/contacts.Person",
        "records/contacts.EmailAddress",
        "records/contacts.PhoneNumber",
        "records/activities.Activity",
        "records/sales.Deal",
        "records/attachments.Attachment",
        "records/core.AuditEvent",
        "custom_fields",
        "consents",
    ):
        assert f"{kind}.json" in names and f"{kind}.csv" in names, kind
    people = json.loads(archive.read("records/contacts.Person.json"))
    assert [p["full_name"] for p in people] == ["Asha Rao"]  # nobody else
    assert (
        json.loads(archive.read("records/contacts.EmailAddress.json"))[0]["email"]
        == "asha@example.com"
    )
    notes = json.loads(archive.read("records/activities.Activity.json"))
    assert [(a["id"], a["body"]) for a in notes] == [(note.pk, "Asha prefers Tuesdays")]
    files = json.loads(archive.read("records/attachments.Attachment.json"))
    assert [f["filename"] for f in files] == ["cv.pdf"]  # metadata, not the file
    audit = json.loads(archive.read("records/core.AuditEvent.json"))
    assert {(a["record_type"], a["action"]) for a in audit} >= {
        ("person", "create"),
        ("activity", "create"),
    }
    assert json.loads(archive.read("custom_fields.json")) == [
        {"key": "tier", "label": "Tier", "value": "gold"}
    ]
    assert json.loads(archive.read("consents.json"))[0]["purpose"] == "newsletter"
    rows = list(csv.DictReader(io.StringIO(archive.read("records/contacts.Person.csv").decode())))
    assert rows[0]["full_name"] == "Asha Rao" and rows[0]["residency"] == "in"
    manifest = json.loads(archive.read("manifest.json"))
    assert manifest["person_id"] == person.pk and manifest["files"]["records/sales.Deal"] == 1


def test_the_export_is_downloaded_once(
    api, admin_user, subject, media_root, django_capture_on_commit_callbacks
):
    person, _note = subject
    request = _build(admin_user, person, django_capture_on_commit_callbacks)
    client = api(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        first = client.get(f"{URL}/{request.pk}/export")
    assert first.status_code == 200
    assert not list((media_root / "privacy" / "exports").iterdir())  # removed from storage
    second = client.get(f"{URL}/{request.pk}/export")
    assert_error(second, 410, "gone")
    refused = AuditEvent.objects.filter(
        record_type="privacy_request", record_id=request.pk, action="export"
    )
    assert [e.changes for e in refused.order_by("id")] == [
        {"downloaded": [None, True]},
        {"refused": [None, True]},
    ]
    body = client.get(f"{URL}/{request.pk}").json()
    assert body["status"] == "done" and body["export_ready"] is False


def test_an_export_not_built_yet_answers_409(api, admin_user, owner):
    person = factories.make_person(owner)
    request = request_create(actor=admin_user, type="access", person_id=person.pk)
    assert_error(api(admin_user).get(f"{URL}/{request.pk}/export"), 409, "version_conflict")
