"""Attachments on an email sent from a record, through a real SMTP server and the real worker:
files chosen on the compose page, and files already on a record sent through the API's
``attachment_ids``, arrive as the message's parts (same names, same bytes) and show on the
email's timeline entry; a disguised file, a file the sender may not see and files too large in
all are refused with a clear message, and nothing is created (no activity, no email, no file)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from sambandh.activities.models import Activity
from sambandh.attachments.models import Attachment
from sambandh.attachments.services import attachment_add
from sambandh.attachments.tests import samples
from sambandh.core.models import AuditEvent
from sambandh.emails.models import OutboundEmail
from sambandh.events.worker import run_worker
from tests.api.helpers import MISSING_ID, assert_error
from tests.factories import make_deal, make_organization, make_person
from tests.web.helpers import text

pytestmark = pytest.mark.django_db
V1 = "/api/v1"


@pytest.fixture
def world(owner, pipeline):
    org = make_organization(owner, name="Kestrel Analytics")
    person = make_person(
        owner, full_name="Asha Rao", email="asha@kestrel.example", organization_id=org.pk
    )
    deal = make_deal(
        owner, pipeline, name="Kestrel renewal", organization_id=org.pk, person_ids=[person.pk]
    )
    return {"org": org, "person": person, "deal": deal}


def state(media_root: Path) -> dict[str, Any]:
    """Everything sending an email could create."""
    return {
        "activities": Activity.objects.count(),
        "emails": OutboundEmail.objects.count(),
        "attachments": sorted(Attachment.objects.values_list("pk", flat=True)),
        "files": samples.stored_files(media_root),
        "tasks": DBTaskResult.objects.count(),
        "audit": AuditEvent.objects.count(),
    }


def parts(message: Any) -> list[tuple[str, str, bytes]]:
    """The attachments of a received message: (file name, content type, bytes)."""
    return [
        (p.get_filename(), p.get_content_type(), p.get_payload(decode=True))
        for p in message.iter_attachments()
    ]


# --- the compose page --------------------------------------------------------------------------
def test_compose_with_two_files_sends_both_and_shows_them_on_the_timeline(
    browser_for, owner, world, smtp_server, media_root, django_capture_on_commit_callbacks
):
    client = browser_for(owner)
    person = world["person"]
    compose = reverse("emails:compose_person", args=[person.pk])
    page = text(client.get(compose))
    assert 'enctype="multipart/form-data"' in page
    assert 'type="file" name="attachments"' in page and "multiple" in page
    # when the owner sends an email with a PDF and a PNG
    with django_capture_on_commit_callbacks(execute=True):
        resp = client.post(
            compose,
            {
                "to": "asha@kestrel.example",
                "subject": "Your quote",
                "body": "Attached.",
                "attachments": [
                    samples.upload("Quote ü.pdf", samples.PDF),
                    samples.upload("logo.png", samples.PNG),
                ],
            },
        )
    assert resp.status_code == 302, resp.content
    email = OutboundEmail.objects.get()
    # then both files are on the email's activity, as the attachments app keeps them
    files = list(Attachment.objects.order_by("id"))
    assert [(a.record_type, a.record_id, a.filename, a.content_type) for a in files] == [
        ("activity", email.activity_id, "Quote ü.pdf", "application/pdf"),
        ("activity", email.activity_id, "logo.png", "image/png"),
    ]
    assert len(samples.stored_files(media_root)) == 2
    # and the worker sends one multipart message carrying both, names and bytes unchanged
    run_worker(until_idle=True)
    assert len(smtp_server.received) == 1
    message = smtp_server.received[0].message
    assert message.get_content_type() == "multipart/mixed"
    assert message.get_body(("plain",)).get_content().strip() == "Attached."
    assert parts(message) == [
        ("Quote ü.pdf", "application/pdf", samples.PDF),
        ("logo.png", "image/png", samples.PNG),
    ]
    # and the person's timeline shows the sent email with its two files
    page = text(client.get(reverse("contacts:person_detail", args=[person.pk])))
    assert f'id="activity-{email.activity_id}"' in page
    assert ">Sent<" in page
    assert "Quote ü.pdf" in page and "logo.png" in page


def test_a_disguised_file_is_refused_on_the_file_field_and_nothing_is_created(
    browser_for, owner, world, media_root, django_capture_on_commit_callbacks
):
    client = browser_for(owner)
    compose = reverse("emails:compose_deal", args=[world["deal"].pk])
    before = state(media_root)
    # when a program renamed .pdf comes after a good file
    with django_capture_on_commit_callbacks() as queued:
        resp = client.post(
            compose,
            {
                "person": str(world["person"].pk),
                "to": "asha@kestrel.example",
                "subject": "Signed contract",
                "body": "Please sign.",
                "attachments": [
                    samples.upload("notes.txt", b"Call on Monday\n"),
                    samples.upload("contract.pdf", samples.EXE),
                ],
            },
        )
    # then the form says why, on the file field, and keeps what was typed
    assert resp.status_code == 422
    errors = resp.context["form"].errors
    assert errors["__all__"] == ["Some fields are not valid."]
    [message] = errors["attachments"]
    assert message.startswith("contract.pdf is not an allowed file type.")
    page = text(resp)
    assert 'value="Signed contract"' in page and "Please sign." in page
    # and nothing was created: no activity, no email, no row, no stored file, nothing queued
    assert state(media_root) == before
    assert queued == []


def test_files_too_large_in_all_are_refused_with_the_limit(
    browser_for, owner, world, media_root, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_ATTACHMENTS_MAX_BYTES = len(samples.PDF) + len(samples.PNG) - 1
    client = browser_for(owner)
    compose = reverse("emails:compose_person", args=[world["person"].pk])
    before = state(media_root)
    with django_capture_on_commit_callbacks() as queued:
        resp = client.post(
            compose,
            {
                "to": "asha@kestrel.example",
                "subject": "Two files",
                "attachments": [
                    samples.upload("a.pdf", samples.PDF),
                    samples.upload("b.png", samples.PNG),
                ],
            },
        )
    assert resp.status_code == 413
    errors = resp.context["form"].errors
    [message] = errors["attachments"]
    assert errors["__all__"] == [message]
    total = len(samples.PDF) + len(samples.PNG)
    assert message == (
        f"The attachments come to {total}\xa0bytes: an email may carry at most "
        f"{total - 1}\xa0bytes in all."
    )
    assert 'value="Two files"' in text(resp)
    assert state(media_root) == before
    assert queued == []


def test_a_post_far_past_the_limit_is_refused_before_it_is_read(
    browser_for, owner, world, media_root, settings
):
    settings.EMAIL_ATTACHMENTS_MAX_BYTES = 1024
    client = browser_for(owner)
    before = state(media_root)
    big = samples.PDF + b"0" * (1024 * 1024 + 2048)
    resp = client.post(
        reverse("emails:compose_person", args=[world["person"].pk]),
        {
            "to": "asha@kestrel.example",
            "subject": "Big",
            "attachments": [samples.upload("b.pdf", big)],
        },
    )
    assert resp.status_code == 413
    [message] = resp.context["form"].errors["attachments"]
    assert message.startswith("The attachments are too large: an email may carry at most 1.0")
    assert state(media_root) == before


# --- the API -----------------------------------------------------------------------------------
def send(client: Any, capture: Any, body: dict[str, Any]) -> Any:
    with capture(execute=True):
        return client.post(f"{V1}/emails", body)


def test_the_api_sends_files_already_on_the_deal_as_copies_on_the_email(
    api, owner, world, smtp_server, media_root, django_capture_on_commit_callbacks
):
    deal = world["deal"]
    quote = attachment_add(
        actor=owner,
        record_type="deal",
        record_id=deal.pk,
        upload=samples.upload("quote.pdf", samples.PDF),
    )
    sheet = attachment_add(
        actor=owner,
        record_type="person",
        record_id=world["person"].pk,
        upload=samples.upload("prices.csv", samples.CSV),
    )
    client = api(owner)
    resp = send(
        client,
        django_capture_on_commit_callbacks,
        {
            "person_id": world["person"].pk,
            "deal_id": deal.pk,
            "to": ["asha@kestrel.example"],
            "subject": "Quote",
            "body": "Here it is.",
            "attachment_ids": [quote.pk, sheet.pk, quote.pk],
        },
    )
    assert resp.status_code == 201, resp.content
    answer = resp.json()
    sent = answer["email"]["attachments"]
    assert [(a["record_type"], a["record_id"], a["filename"]) for a in sent] == [
        ("activity", answer["id"], "quote.pdf"),
        ("activity", answer["id"], "prices.csv"),
    ]
    # copies: new rows with their own stored files; the originals stay where they were
    copies = Attachment.objects.filter(record_type="activity")
    assert {c.sha256 for c in copies} == {quote.sha256, sheet.sha256}
    assert {c.file.name for c in copies}.isdisjoint({quote.file.name, sheet.file.name})
    assert Attachment.objects.filter(pk__in=[quote.pk, sheet.pk]).count() == 2
    assert len(samples.stored_files(media_root)) == 4
    run_worker(until_idle=True)
    assert parts(smtp_server.received[0].message) == [
        ("quote.pdf", "application/pdf", samples.PDF),
        ("prices.csv", "text/csv", samples.CSV),
    ]
    got = client.get(f"{V1}/emails/{answer['id']}").json()
    assert got["email"]["status"] == "sent"
    assert [a["filename"] for a in got["email"]["attachments"]] == ["quote.pdf", "prices.csv"]


def test_the_api_refuses_a_file_the_sender_may_not_see_and_writes_nothing(
    api, owner, outsider, world, media_root, django_capture_on_commit_callbacks
):
    mine = attachment_add(
        actor=owner,
        record_type="deal",
        record_id=world["deal"].pk,
        upload=samples.upload("quote.pdf", samples.PDF),
    )
    theirs_person = make_person(outsider, full_name="Hidden Person", email="h@other.example")
    theirs = attachment_add(
        actor=outsider,
        record_type="person",
        record_id=theirs_person.pk,
        upload=samples.upload("secret.pdf", samples.PDF),
    )
    client = api(owner)
    before = state(media_root)
    resp = send(
        client,
        django_capture_on_commit_callbacks,
        {
            "person_id": world["person"].pk,
            "to": ["asha@kestrel.example"],
            "subject": "Quote",
            "attachment_ids": [mine.pk, theirs.pk, MISSING_ID],
        },
    )
    assert_error(
        resp,
        422,
        "validation_failed",
        {"attachment_ids.1": "No such attachment.", "attachment_ids.2": "No such attachment."},
    )
    assert state(media_root) == before


def test_the_api_refuses_files_past_the_total_limit(
    api, owner, world, media_root, settings, django_capture_on_commit_callbacks
):
    quote = attachment_add(
        actor=owner,
        record_type="deal",
        record_id=world["deal"].pk,
        upload=samples.upload("quote.pdf", samples.PDF),
    )
    settings.EMAIL_ATTACHMENTS_MAX_BYTES = quote.size - 1
    client = api(owner)
    before = state(media_root)
    resp = send(
        client,
        django_capture_on_commit_callbacks,
        {
            "person_id": world["person"].pk,
            "to": ["asha@kestrel.example"],
            "subject": "Quote",
            "attachment_ids": [quote.pk],
        },
    )
    assert_error(resp, 413, "too_large")
    fields = resp.json()["error"]["fields"]
    assert list(fields) == ["attachment_ids"]
    assert fields["attachment_ids"].startswith("The attachments come to ")
    assert state(media_root) == before


def test_a_file_gone_from_storage_fails_the_email_with_its_name(
    api, owner, world, smtp_server, media_root, django_capture_on_commit_callbacks
):
    quote = attachment_add(
        actor=owner,
        record_type="deal",
        record_id=world["deal"].pk,
        upload=samples.upload("quote.pdf", samples.PDF),
    )
    client = api(owner)
    resp = send(
        client,
        django_capture_on_commit_callbacks,
        {
            "person_id": world["person"].pk,
            "to": ["asha@kestrel.example"],
            "subject": "Quote",
            "attachment_ids": [quote.pk],
        },
    )
    assert resp.status_code == 201, resp.content
    copy = Attachment.objects.get(record_type="activity")
    copy.file.storage.delete(copy.file.name)
    run_worker(until_idle=True)
    assert smtp_server.received == []
    email = client.get(f"{V1}/emails/{resp.json()['id']}").json()["email"]
    assert email["status"] == "failed"
    assert email["error"] == "MissingFile: quote.pdf is missing from storage"
