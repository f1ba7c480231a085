"""The attachments panel on record pages, uploads with and without JavaScript, previews and
downloads, removal, and files on the timeline."""

from __future__ import annotations

import pytest

from sambandh.accounts.services_access import record_share_add
from sambandh.attachments import services
from sambandh.attachments.models import Attachment
from sambandh.attachments.tests import samples
from tests import factories

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


@pytest.fixture
def deal(owner, pipeline):
    return factories.make_deal(owner, pipeline, name="Kestrel renewal")


def _attach(actor, record_type, record, name, content=samples.PDF):
    return services.attachment_add(
        actor=actor,
        record_type=record_type,
        record_id=record.pk,
        upload=samples.upload(name, content),
    )


@pytest.mark.parametrize(
    ("url", "make"),
    [
        ("/people/{}/", lambda o, p: factories.make_person(o, full_name="Ana Rao")),
        ("/organizations/{}/", lambda o, p: factories.make_organization(o, name="Acme")),
        ("/deals/{}/", lambda o, p: factories.make_deal(o, p, name="Big one")),
        ("/leads/{}/", lambda o, p: factories.make_lead(o, full_name="Lee Fox")),
        ("/activities/{}/edit/", lambda o, p: factories.make_activity(o, "task", subject="Call")),
    ],
)
def test_every_record_page_has_the_panel(browser_for, owner, pipeline, url, make):
    record = make(owner, pipeline)
    record_type = type(record).record_type
    _attach(owner, record_type, record, "photo.png", samples.PNG)
    body = browser_for(owner).get(url.format(record.pk)).content.decode()
    assert 'id="attachments-panel"' in body
    assert f'action="/attachments/{record_type}/{record.pk}/"' in body
    assert 'enctype="multipart/form-data"' in body and 'name="csrfmiddlewaretoken"' in body
    assert "photo.png" in body and "/inline/" in body  # the image's thumbnail
    assert "attachments/attachments.js" in body and 'nonce="' in body


def test_a_plain_form_uploads_and_goes_back_to_the_record(browser_for, owner, deal, media_root):
    client = browser_for(owner)
    resp = client.post(
        f"/attachments/deal/{deal.pk}/",
        {"file": samples.upload("contract.pdf", samples.PDF), "next": f"/deals/{deal.pk}/"},
    )
    assert resp.status_code == 302 and resp["Location"] == f"/deals/{deal.pk}/"
    assert Attachment.objects.get().filename == "contract.pdf"
    page = client.get(f"/deals/{deal.pk}/").content.decode()
    assert "Attached contract.pdf." in page  # the message
    assert "contract.pdf" in page


def test_a_refused_file_says_why_and_keeps_nothing(browser_for, owner, deal, media_root):
    client = browser_for(owner)
    # the drop zone (htmx headers) gets the panel back with the message
    resp = client.post(
        f"/attachments/deal/{deal.pk}/",
        {"file": samples.upload("invoice.pdf", samples.EXE)},
        headers=HTMX,
    )
    assert resp.status_code == 422
    assert "invoice.pdf is not an allowed file type" in resp.content.decode()
    assert 'id="attachments-panel"' in resp.content.decode()
    # a plain form goes back to the record with the message
    resp = client.post(
        f"/attachments/deal/{deal.pk}/", {"file": samples.upload("x.png", samples.HTML)}
    )
    assert resp.status_code == 302
    page = client.get(resp["Location"]).content.decode()
    assert "x.png is not an allowed file type" in page
    assert Attachment.objects.count() == 0 and samples.stored_files(media_root) == []


def test_an_oversized_file_is_refused_in_the_web_too(
    browser_for, owner, deal, media_root, settings
):
    settings.ATTACHMENT_MAX_BYTES = 100
    resp = browser_for(owner).post(
        f"/attachments/deal/{deal.pk}/",
        {"file": samples.upload("big.pdf", samples.PDF + b" " * 200)},
        headers=HTMX,
    )
    assert resp.status_code == 413
    assert "big.pdf is" in resp.content.decode() and "at most 100" in resp.content.decode()
    assert Attachment.objects.count() == 0 and samples.stored_files(media_root) == []


def test_a_body_past_the_limit_is_refused_unread_and_csrf_still_guards_uploads(
    owner, deal, media_root, settings
):
    from django.test import Client

    settings.ATTACHMENT_MAX_BYTES = 100
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    url = f"/attachments/deal/{deal.pk}/"
    big = {"file": samples.upload("big.pdf", samples.PDF + b" " * 70_000)}
    resp = client.post(url, big, headers=HTMX)
    assert resp.status_code == 413 and "at most 100" in resp.content.decode()
    # a file within the limit still needs the CSRF token
    small = {"file": samples.upload("a.txt", b"hi")}
    assert client.post(url, small).status_code == 403
    assert Attachment.objects.count() == 0 and samples.stored_files(media_root) == []


def test_the_drop_zone_gets_the_panel_with_the_new_file(browser_for, owner, deal):
    resp = browser_for(owner).post(
        f"/attachments/deal/{deal.pk}/",
        {"file": samples.upload("notes.txt", b"hello")},
        headers=HTMX,
    )
    assert resp.status_code == 201
    body = resp.content.decode()
    assert "notes.txt" in body and "Attached notes.txt." in body
    assert "attachments.js" not in body  # the page already has the script


def test_download_preview_and_inline_answers(browser_for, owner, teammate, deal):
    pdf = _attach(owner, "deal", deal, "Angebot März.pdf")
    text = _attach(owner, "deal", deal, "notes.txt", b"plain words")
    record_share_add(actor=owner, record_type="deal", record=deal, user=teammate)
    client = browser_for(teammate)
    # the download: an attachment, with its name, never sniffed
    resp = client.get(f"/attachments/{pdf.pk}/download/")
    assert resp.status_code == 200 and b"".join(resp.streaming_content) == samples.PDF
    assert resp["Content-Disposition"].startswith("attachment; ")
    assert "filename*=UTF-8''Angebot%20M%C3%A4rz.pdf" in resp["Content-Disposition"]
    assert resp["X-Content-Type-Options"] == "nosniff"
    # the preview page frames the inline file, which only this site may frame
    page = client.get(f"/attachments/{pdf.pk}/preview/")
    assert page.status_code == 200
    assert f'<iframe src="/attachments/{pdf.pk}/inline/"' in page.content.decode()
    assert "frame-src 'self'" in page["Content-Security-Policy"]
    inline = client.get(f"/attachments/{pdf.pk}/inline/")
    assert inline.status_code == 200 and inline["Content-Type"] == "application/pdf"
    assert inline["Content-Disposition"].startswith("inline; ")
    assert inline["X-Frame-Options"] == "SAMEORIGIN"
    assert inline["Content-Security-Policy"] == "default-src 'none'; frame-ancestors 'self'"
    # a file that browsers should not show is only downloaded
    assert client.get(f"/attachments/{text.pk}/inline/").status_code == 404
    assert "cannot be shown" in client.get(f"/attachments/{text.pk}/preview/").content.decode()
    dl = client.get(f"/attachments/{text.pk}/download/")
    assert dl["Content-Type"] == "text/plain; charset=utf-8"


def test_removal_from_the_panel(browser_for, owner, teammate, deal, media_root):
    record_share_add(actor=owner, record_type="deal", record=deal, user=teammate, access="edit")
    mine = _attach(owner, "deal", deal, "mine.pdf")
    # a teammate who did not upload it sees no Remove button and may not remove it
    page = browser_for(teammate).get(f"/deals/{deal.pk}/").content.decode()
    assert f"/attachments/{mine.pk}/delete/" not in page
    assert browser_for(teammate).post(f"/attachments/{mine.pk}/delete/").status_code == 403
    # the owner may
    client = browser_for(owner)
    assert f"/attachments/{mine.pk}/delete/" in client.get(f"/deals/{deal.pk}/").content.decode()
    resp = client.post(f"/attachments/{mine.pk}/delete/", {"next": f"/deals/{deal.pk}/"})
    assert resp.status_code == 302 and not Attachment.objects.exists()


def test_a_read_only_user_sees_files_but_no_upload_form(browser_for, owner, readonly, deal):
    _attach(owner, "deal", deal, "contract.pdf")
    page = browser_for(readonly).get(f"/deals/{deal.pk}/").content.decode()
    assert "contract.pdf" in page and "data-attachment-form" not in page
    resp = browser_for(readonly).post(
        f"/attachments/deal/{deal.pk}/", {"file": samples.upload("a.pdf", samples.PDF)}
    )
    assert resp.status_code == 403 and not Attachment.objects.filter(filename="a.pdf").exists()


def test_files_on_the_record_page_timeline(browser_for, owner, deal):
    note = factories.make_activity(owner, "note", deal_id=deal.pk, body="Signed")
    _attach(owner, "activity", note, "scan.png", samples.PNG)
    contract = _attach(owner, "deal", deal, "contract.pdf")
    client = browser_for(owner)
    page = client.get(f"/deals/{deal.pk}/")
    entries = page.context["timeline"].entries
    assert [e.kind for e in entries][:2] == ["attachment", "note"]
    body = page.content.decode()
    assert f'id="attachment-entry-{contract.pk}"' in body
    assert "Olivia Owner attached" in body and "contract.pdf" in body
    assert '<ul class="timeline-files"' in body and "scan.png" in body
    # the filter offers files, and keeps only them
    assert '<option value="attachment"' in body
    only = client.get(f"/deals/{deal.pk}/", {"tl_kind": "attachment"}).context["timeline"]
    assert [e.kind for e in only.entries] == ["attachment"]
