"""/api/v1/{type}/{id}/attachments and /api/v1/attachments/{id}: upload, list, download and
delete, who may do each, and what a bad file gets (a clear error, nothing stored)."""

from __future__ import annotations

from typing import Any

import pytest

from sambandh.accounts.services_access import record_share_add
from sambandh.attachments import services
from sambandh.attachments.models import Attachment
from sambandh.attachments.tests import samples
from sambandh.core.models import AuditEvent
from sambandh.events.models import Event
from tests import factories
from tests.api.helpers import assert_error

pytestmark = pytest.mark.django_db
V1 = "/api/v1"


def _post_file(client: Any, url: str, name: str, content: bytes) -> Any:
    return client.client.post(
        url, {"file": samples.upload(name, content)}, headers=client._headers(None)
    )


@pytest.fixture
def deal(owner, pipeline):
    return factories.make_deal(owner, pipeline, name="Kestrel renewal")


def _nothing_stored(media_root) -> None:
    assert Attachment.objects.count() == 0
    assert samples.stored_files(media_root) == []


def test_the_owner_attaches_a_pdf_to_a_deal_and_a_teammate_it_is_shared_with_downloads_it(
    api, owner, teammate, outsider, deal, media_root
):
    # given the owner's deal, shared for reading with a teammate
    record_share_add(actor=owner, record_type="deal", record=deal, user=teammate)
    client = api(owner)  # (its token is audited: made before counting)
    audits = AuditEvent.objects.count()
    # when the owner attaches a PDF through the API
    resp = _post_file(client, f"{V1}/deals/{deal.pk}/attachments", "Contract ü.pdf", samples.PDF)
    # then it is stored, under a random name, with what its bytes are
    assert resp.status_code == 201, resp.content
    body = resp.json()
    attachment = Attachment.objects.get()
    assert body == {
        "id": attachment.pk,
        "record_type": "deal",
        "record_id": deal.pk,
        "filename": "Contract ü.pdf",
        "content_type": "application/pdf",
        "size": len(samples.PDF),
        "sha256": attachment.sha256,
        "uploaded_by": {"id": owner.pk, "name": str(owner)},
        "created_at": body["created_at"],
        "download_url": f"{V1}/attachments/{attachment.pk}/download",
    }
    [stored] = samples.stored_files(media_root)
    assert stored.read_bytes() == samples.PDF
    assert "Contract" not in attachment.file.name
    assert attachment.file.name.startswith("attachments/") and len(stored.name) == 32
    # with one audit row and the event attachment.added, on the deal
    assert AuditEvent.objects.count() == audits + 1
    event = Event.objects.get(type="attachment.added")
    assert (event.record_type, event.record_id) == ("deal", deal.pk)
    assert event.data["attachment_id"] == attachment.pk

    # when the teammate lists and downloads it
    mate = api(teammate)
    listed = mate.get(f"{V1}/deals/{deal.pk}/attachments").json()
    assert [a["id"] for a in listed["items"]] == [attachment.pk] and listed["next"] is None
    download = mate.get(body["download_url"])
    # then they get the same bytes, as an attachment under its name
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == samples.PDF
    assert download["Content-Type"] == "application/pdf"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Disposition"] == (
        "attachment; filename=\"Contract _.pdf\"; filename*=UTF-8''Contract%20%C3%BC.pdf"
    )
    assert mate.get(f"{V1}/attachments/{attachment.pk}").json()["filename"] == "Contract ü.pdf"

    # and the outsider, who may not see the deal, gets 404 everywhere
    other = api(outsider)
    for url in (
        f"{V1}/deals/{deal.pk}/attachments",
        f"{V1}/attachments/{attachment.pk}",
        f"{V1}/attachments/{attachment.pk}/download",
    ):
        assert_error(other.get(url), 404, "not_found")
    assert_error(other.delete(f"{V1}/attachments/{attachment.pk}"), 404, "not_found")
    resp = _post_file(other, f"{V1}/deals/{deal.pk}/attachments", "x.pdf", samples.PDF)
    assert_error(resp, 404, "not_found")
    assert Attachment.objects.count() == 1 and len(samples.stored_files(media_root)) == 1


@pytest.mark.parametrize(
    ("path", "make"),
    [
        ("people", lambda owner, pipeline: factories.make_person(owner, full_name="Ana Rao")),
        ("organizations", lambda owner, pipeline: factories.make_organization(owner, name="Acme")),
        ("leads", lambda owner, pipeline: factories.make_lead(owner, full_name="Lee")),
        (
            "activities",
            lambda owner, pipeline: factories.make_activity(owner, "task", subject="Hi"),
        ),
    ],
)
def test_every_record_type_takes_attachments(api, owner, pipeline, path, make):
    record = make(owner, pipeline)
    client = api(owner)
    resp = _post_file(client, f"{V1}/{path}/{record.pk}/attachments", "logo.png", samples.PNG)
    assert resp.status_code == 201, resp.content
    assert resp.json()["content_type"] == "image/png"
    listed = client.get(f"{V1}/{path}/{record.pk}/attachments").json()["items"]
    assert [a["filename"] for a in listed] == ["logo.png"]


def test_an_oversized_file_is_refused_with_a_clear_message_and_nothing_stored(
    api, owner, deal, media_root, settings
):
    settings.ATTACHMENT_MAX_BYTES = 1000
    client = api(owner)
    audits = AuditEvent.objects.count()
    resp = _post_file(
        client, f"{V1}/deals/{deal.pk}/attachments", "big.pdf", samples.PDF + b"0" * 1000
    )
    assert_error(resp, 413, "too_large")
    message = resp.json()["error"]["message"]
    assert "big.pdf" in message and "1000" in message.replace("\xa0", " ")
    assert set(resp.json()["error"]["fields"]) == {"file"}
    _nothing_stored(media_root)
    assert AuditEvent.objects.count() == audits


def test_a_body_larger_than_the_limit_is_refused_before_it_is_read(
    api, owner, deal, media_root, settings
):
    settings.ATTACHMENT_MAX_BYTES = 1000
    big = samples.PDF + b"0" * 140_000  # past the limit and the multipart slack
    resp = _post_file(api(owner), f"{V1}/deals/{deal.pk}/attachments", "big.pdf", big)
    assert_error(resp, 413, "too_large")
    _nothing_stored(media_root)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("invoice.pdf", samples.EXE),
        ("photo.png", samples.HTML),
        ("logo.svg", samples.SVG),
        ("run.exe", samples.EXE),
        ("offer.docx", samples.plain_zip()),
    ],
)
def test_a_disguised_or_forbidden_file_is_a_422_and_nothing_is_stored(
    api, owner, deal, media_root, name, content
):
    resp = _post_file(api(owner), f"{V1}/deals/{deal.pk}/attachments", name, content)
    assert_error(resp, 422, "validation_failed")
    assert resp.json()["error"]["message"].startswith(f"{name} is not an allowed file type")
    assert set(resp.json()["error"]["fields"]) == {"file"}
    _nothing_stored(media_root)


def test_no_file_or_an_empty_one_is_a_422(api, owner, deal, media_root):
    client = api(owner)
    url = f"{V1}/deals/{deal.pk}/attachments"
    resp = client.client.post(url, {"other": "x"}, headers=client._headers(None))
    assert_error(resp, 422, "validation_failed", {"file": "Choose a file to attach."})
    resp = _post_file(client, url, "empty.txt", b"")
    assert_error(resp, 422, "validation_failed")
    assert resp.json()["error"]["fields"]["file"] == "empty.txt is empty."
    _nothing_stored(media_root)


def test_a_failed_transaction_leaves_no_file_behind(owner, deal, media_root, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(services, "audit_record", broken)
    with pytest.raises(RuntimeError):
        services.attachment_add(
            actor=owner,
            record_type="deal",
            record_id=deal.pk,
            upload=samples.upload("contract.pdf", samples.PDF),
        )
    _nothing_stored(media_root)


def test_a_read_only_user_may_download_but_not_attach_or_delete(
    api, owner, readonly, manager, deal, media_root
):
    attachment = services.attachment_add(
        actor=owner,
        record_type="deal",
        record_id=deal.pk,
        upload=samples.upload("a.pdf", samples.PDF),
    )
    reader = api(readonly)  # read-only, in the owner's team: sees the team's deals
    assert reader.get(f"{V1}/attachments/{attachment.pk}/download").status_code == 200
    resp = _post_file(reader, f"{V1}/deals/{deal.pk}/attachments", "b.pdf", samples.PDF)
    assert_error(resp, 403, "forbidden")
    assert_error(reader.delete(f"{V1}/attachments/{attachment.pk}"), 403, "forbidden")
    assert Attachment.objects.count() == 1 and len(samples.stored_files(media_root)) == 1


def test_who_may_delete_a_file(
    api, owner, teammate, admin_user, deal, media_root, django_capture_on_commit_callbacks
):
    # given a file the teammate (with an editing share) attached to the owner's deal, and one
    # the owner attached
    record_share_add(actor=owner, record_type="deal", record=deal, user=teammate, access="edit")
    theirs = services.attachment_add(
        actor=teammate,
        record_type="deal",
        record_id=deal.pk,
        upload=samples.upload("t.pdf", samples.PDF),
    )
    mine = services.attachment_add(
        actor=owner,
        record_type="deal",
        record_id=deal.pk,
        upload=samples.upload("o.pdf", samples.PDF),
    )
    # the teammate may not remove the owner's file (403, nothing changed)...
    assert_error(api(teammate).delete(f"{V1}/attachments/{mine.pk}"), 403, "forbidden")
    assert len(samples.stored_files(media_root)) == 2
    # ...the owner of the deal may remove the teammate's, and its file goes after commit
    with django_capture_on_commit_callbacks(execute=True):
        resp = api(owner).delete(f"{V1}/attachments/{theirs.pk}")
    assert resp.status_code == 204
    assert list(Attachment.objects.values_list("pk", flat=True)) == [mine.pk]
    assert [p.read_bytes() for p in samples.stored_files(media_root)] == [samples.PDF]
    assert Event.objects.filter(type="attachment.deleted", record_id=deal.pk).count() == 1
    # and an admin any
    with django_capture_on_commit_callbacks(execute=True):
        assert api(admin_user).delete(f"{V1}/attachments/{mine.pk}").status_code == 204
    _nothing_stored(media_root)


def test_an_activity_takes_files_only_from_who_may_change_it(api, owner, manager, teammate, deal):
    # the owner's note on their deal: the manager may change it, a teammate with a share of the
    # deal sees the note but may not change it
    record_share_add(actor=owner, record_type="deal", record=deal, user=teammate)
    note = factories.make_activity(owner, "note", body="Signed", deal_id=deal.pk)
    url = f"{V1}/activities/{note.pk}/attachments"
    assert _post_file(api(manager), url, "m.pdf", samples.PDF).status_code == 201
    assert_error(_post_file(api(teammate), url, "t.pdf", samples.PDF), 403, "forbidden")
    assert api(teammate).get(url).status_code == 200


def test_lists_are_paginated(api, owner, deal):
    for n in range(3):
        services.attachment_add(
            actor=owner,
            record_type="deal",
            record_id=deal.pk,
            upload=samples.upload(f"{n}.txt", b"text %d" % n),
        )
    client = api(owner)
    first = client.get(f"{V1}/deals/{deal.pk}/attachments", {"limit": 2}).json()
    second = client.get(
        f"{V1}/deals/{deal.pk}/attachments", {"limit": 2, "cursor": first["next"]}
    ).json()
    assert [a["filename"] for a in first["items"] + second["items"]] == ["2.txt", "1.txt", "0.txt"]
    assert second["next"] is None
    assert_error(
        client.get(f"{V1}/deals/{deal.pk}/attachments", {"limit": 0}), 422, "validation_failed"
    )
    assert_error(
        client.get(f"{V1}/deals/{deal.pk}/attachments", {"sort": "x"}), 422, "validation_failed"
    )


def test_unknown_records_and_attachments_are_404(api, owner):
    client = api(owner)
    assert_error(client.get(f"{V1}/deals/987654321/attachments"), 404, "not_found")
    assert_error(client.get(f"{V1}/attachments/987654321"), 404, "not_found")
    assert_error(client.get(f"{V1}/attachments/987654321/download"), 404, "not_found")


def test_purge_removes_the_rows_and_the_files(
    owner, deal, media_root, django_capture_on_commit_callbacks
):
    for name in ("a.pdf", "b.pdf"):
        services.attachment_add(
            actor=owner,
            record_type="deal",
            record_id=deal.pk,
            upload=samples.upload(name, samples.PDF),
        )
    other = factories.make_person(owner, full_name="Keep Me")
    kept = services.attachment_add(
        actor=owner,
        record_type="person",
        record_id=other.pk,
        upload=samples.upload("k.pdf", samples.PDF),
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert services.attachments_purge_for(record_type="deal", record_id=deal.pk) == 2
    assert list(Attachment.objects.values_list("pk", flat=True)) == [kept.pk]
    assert [p.name for p in samples.stored_files(media_root)] == [kept.file.name.rsplit("/", 1)[1]]
    assert services.attachments_purge_for(record_type="deal", record_id=deal.pk) == 0
