"""Attachments end to end in a real browser (Debian's Chromium): the owner drops a PDF on a
deal's page and sees a disguised file refused; a teammate the deal is shared with downloads the
same bytes and opens the preview; an outsider gets 404. At 1280 and 390 pixels, with axe-core on
every page visited."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sambandh.accounts.services_access import record_share_add
from sambandh.attachments.models import Attachment
from tests import factories
from tests.browser.axe import axe_check, install_axe, report

PASSWORD = "correct horse battery staple"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n%%EOF\n"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# A file dropped on the panel, as a person dragging it from their desktop would.
_DROP = """([name, bytes]) => {
  const data = new DataTransfer();
  data.items.add(new File([new Uint8Array(bytes)], name, { type: "application/pdf" }));
  return data;
}"""


def _context(browser: Any, width: int) -> Any:
    context = browser.new_context(viewport={"width": width, "height": 900}, accept_downloads=True)
    context.set_default_timeout(15_000)
    install_axe(context)
    return context


def _sign_in(page: Any, base: str, email: str) -> None:
    from playwright.sync_api import expect

    page.goto(f"{base}/login/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    expect(page).to_have_url(f"{base}/")


@pytest.mark.parametrize("width", [1280, 390])
def test_attach_a_pdf_to_a_deal_and_download_it_as_a_teammate(
    live_server: Any,
    browser: Any,
    settings: Any,
    tmp_path: Path,
    owner: Any,
    teammate: Any,
    outsider: Any,
    pipeline: Any,
    width: int,
) -> None:
    from playwright.sync_api import expect

    settings.MEDIA_ROOT = tmp_path / "media"
    base = live_server.url
    deal = factories.make_deal(owner, pipeline, name="Kestrel renewal")
    violations = []

    # -- the owner drops a PDF on the deal's attachments panel
    context = _context(browser, width)
    page = context.new_page()
    _sign_in(page, base, owner.email)
    page.goto(f"{base}/deals/{deal.pk}/")
    panel = page.locator("#attachments-panel")
    expect(panel).to_contain_text("No files yet.")
    dropped = page.evaluate_handle(_DROP, ["Signed contract.pdf", list(PDF)])
    panel.dispatch_event("dragover", {"dataTransfer": dropped})
    panel.dispatch_event("drop", {"dataTransfer": dropped})
    expect(page.locator("#attachments-panel .attachment-name")).to_have_text("Signed contract.pdf")
    attachment = Attachment.objects.get()
    assert (attachment.record_type, attachment.record_id) == ("deal", deal.pk)
    assert attachment.content_type == "application/pdf" and attachment.size == len(PDF)

    # -- a program named as a PDF, chosen with the file picker, is refused and says why
    page.locator("#attachment-file").set_input_files(
        files=[{"name": "invoice.pdf", "mimeType": "application/pdf", "buffer": b"MZ\x90\x00"}]
    )
    page.locator("#attachments-panel button:has-text('Upload')").click()
    expect(page.locator("#attachments-panel [data-attachment-error]")).to_contain_text(
        "invoice.pdf is not an allowed file type"
    )
    assert Attachment.objects.count() == 1
    violations += axe_check(page, "deal with an attachment")
    # the timeline keeps it
    page.reload()
    expect(page.locator("#timeline")).to_contain_text("attached Signed contract.pdf")
    context.close()

    # -- a teammate the deal is shared with downloads the same bytes and opens the preview
    record_share_add(actor=owner, record_type="deal", record=deal, user=teammate)
    context = _context(browser, width)
    page = context.new_page()
    _sign_in(page, base, teammate.email)
    page.goto(f"{base}/deals/{deal.pk}/")
    with page.expect_download() as download:
        page.locator("#attachments-panel a:has-text('Download')").click()
    assert download.value.suggested_filename == "Signed contract.pdf"
    assert Path(download.value.path()).read_bytes() == PDF
    page.locator("#attachments-panel .attachment-name").click()
    expect(page).to_have_url(f"{base}/attachments/{attachment.pk}/preview/")
    expect(page.locator("h1")).to_have_text("Signed contract.pdf")
    expect(page.locator(f"iframe[src='/attachments/{attachment.pk}/inline/']")).to_be_attached()
    violations += axe_check(page, "preview")
    context.close()

    # -- an outsider, who may not see the deal, gets 404 for the file and its pages
    context = _context(browser, width)
    page = context.new_page()
    _sign_in(page, base, outsider.email)
    for action in ("download", "preview", "inline"):
        answer = page.request.get(f"{base}/attachments/{attachment.pk}/{action}/")
        assert answer.status == 404, action
    assert page.goto(f"{base}/deals/{deal.pk}/").status == 404
    context.close()
    assert not violations, report(violations)
